-- +goose Up
-- Priority places: the forecast of where the next incidents will be
-- (package forecast, docs/ANALYTICS.md "Forecasts"), written by each hotspot
-- run beside hex_stats. Like hex_stats it is computed from approved reports
-- only (docs/PRIVACY.md) and replaced whole by each run; the model chosen and
-- its backtest score are in the run's analysis_runs.summary (forecast).
CREATE TABLE priority_places (
    cell        bigint PRIMARY KEY,            -- H3 cell at the forecast's resolution
    resolution  smallint NOT NULL CHECK (resolution BETWEEN 5 AND 9),
    run_id      bigint NOT NULL REFERENCES analysis_runs (id),
    rank        integer NOT NULL CHECK (rank > 0), -- state-wide, 1 is the highest score
    score       double precision NOT NULL CHECK (score > 0),
    district_id integer REFERENCES districts (id) -- the district holding the cell's centre
);
CREATE INDEX priority_places_district_idx ON priority_places (district_id, rank);

ALTER TABLE analysis_runs DROP CONSTRAINT analysis_runs_kind_check;
ALTER TABLE analysis_runs ADD CONSTRAINT analysis_runs_kind_check
    CHECK (kind IN ('hotspots', 'leads', 'backtest', 'forecast'));

-- +goose Down
DELETE FROM analysis_runs WHERE kind = 'forecast';
ALTER TABLE analysis_runs DROP CONSTRAINT analysis_runs_kind_check;
ALTER TABLE analysis_runs ADD CONSTRAINT analysis_runs_kind_check
    CHECK (kind IN ('hotspots', 'leads', 'backtest'));
DROP TABLE priority_places;
