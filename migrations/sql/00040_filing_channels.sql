-- +goose Up
-- Filings by outreach channel (issue 17): the src tag of the poster,
-- sticker, SAATHI cadet's or newspaper's link she followed. Counted per IST
-- day and district and never stored with the complaint, so no figure leads
-- to a person; the MSP dashboard shows the numbers.
CREATE TABLE filing_channels (
    day         date    NOT NULL,
    district_id integer NOT NULL REFERENCES districts (id),
    channel     text    NOT NULL CHECK (channel IN ('poster', 'standee', 'sticker', 'handbill', 'saathi',
                                                    'newspaper', 'rubaru')),
    filings     integer NOT NULL CHECK (filings > 0),
    PRIMARY KEY (day, district_id, channel)
);

-- +goose Down
DROP TABLE IF EXISTS filing_channels;
