-- +goose Up
-- An ATR may record the FIR the police registered on the complaint (issue 19,
-- CCTNS link). fir_number is the CCTNS form state/district/station/year/serial
-- (cases.FIR.String, e.g. UP/118/AGR-MT/2026/00123), a snapshot that stays as
-- recorded even if a station code is renamed later; fir_station_id names the
-- registering station for display. Year and serial are derived, for the
-- "123/2026" search staff type from an FIR copy.
ALTER TABLE atrs
    ADD COLUMN fir_number     text CHECK (fir_number ~ '^[A-Z]{2}/[0-9]+/[A-Z0-9-]+/[0-9]{4}/[0-9]{5}$'),
    ADD COLUMN fir_station_id bigint REFERENCES police_stations (id),
    ADD COLUMN fir_year       integer GENERATED ALWAYS AS (split_part(fir_number, '/', 4)::integer) STORED,
    ADD COLUMN fir_serial     integer GENERATED ALWAYS AS (split_part(fir_number, '/', 5)::integer) STORED,
    ADD CONSTRAINT atrs_fir_whole CHECK ((fir_number IS NULL) = (fir_station_id IS NULL));
CREATE INDEX atrs_fir_idx ON atrs (fir_year, fir_serial) WHERE fir_number IS NOT NULL;

-- +goose Down
DROP INDEX IF EXISTS atrs_fir_idx;
ALTER TABLE atrs DROP CONSTRAINT IF EXISTS atrs_fir_whole, DROP COLUMN IF EXISTS fir_serial,
    DROP COLUMN IF EXISTS fir_year, DROP COLUMN IF EXISTS fir_station_id, DROP COLUMN IF EXISTS fir_number;
