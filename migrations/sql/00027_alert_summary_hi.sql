-- +goose Up
-- summary_hi is the alert's summary in Hindi, written with the English one
-- (same public-safe rules); consoles show the one in the reader's language.
-- '' for alerts raised before it existed: consoles then fall back to the
-- alert's kind, district and time, as they did.
ALTER TABLE alerts ADD COLUMN summary_hi text NOT NULL DEFAULT '' CHECK (char_length(summary_hi) <= 300);

-- +goose Down
ALTER TABLE alerts DROP COLUMN IF EXISTS summary_hi;
