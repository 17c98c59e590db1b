-- +goose Up
-- Hotspot statistics (owner: package analytics). The analytics pipeline
-- (vikalp analyze, the periodic analytics job) rewrites hex_stats for a
-- window in one transaction, so readers (the hotspots API, the hotspots tile
-- layer) always see one complete run. Tiles and the tile cache key on
-- analysis_runs.id to know when results changed.

-- analysis_runs: one row per pipeline run, with its parameters and a summary
-- (cells, significant cells, timings) for operators.
CREATE TABLE analysis_runs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('hotspots', 'leads', 'backtest')),
    status       text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    params       jsonb NOT NULL DEFAULT '{}',
    summary      jsonb NOT NULL DEFAULT '{}',
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX analysis_runs_kind_idx ON analysis_runs (kind, id DESC);

-- hex_stats: per H3 cell, resolution and named window ('7d', '30d', '90d',
-- '365d' ending at the run's as-of time): counts, the severity-weighted
-- (optionally time-decayed) value x that Gi* ran on, the Gi* z-score, its
-- two-sided p, the Benjamini–Hochberg adjusted p, the confidence bin
-- (−3…+3 for 99/95/90 % cold/hot) and the emerging hot spot class.
-- n_distinct counts reports that are not duplicate-linked to an earlier one:
-- public views show a cell only when n_distinct >= k (default 3) and the
-- resolution is 8 or coarser (ARCHITECTURE §6).
-- geom is the hexagon in EPSG:3857 so tiles clip it without a per-row
-- ST_Transform; geom_4326 serves GeoJSON exports and the API.
CREATE TABLE hex_stats (
    window_key    text NOT NULL CHECK (window_key ~ '^[0-9]+d$'),
    resolution    smallint NOT NULL CHECK (resolution BETWEEN 5 AND 9),
    cell          bigint NOT NULL,
    run_id        bigint NOT NULL REFERENCES analysis_runs (id),
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    n_reports     integer NOT NULL CHECK (n_reports >= 0),
    n_complaints  integer NOT NULL CHECK (n_complaints >= 0),
    n_distinct    integer NOT NULL CHECK (n_distinct >= 0),
    score         double precision NOT NULL,
    gi_z          double precision NOT NULL,
    gi_p          double precision NOT NULL CHECK (gi_p BETWEEN 0 AND 1),
    gi_p_fdr      double precision NOT NULL CHECK (gi_p_fdr BETWEEN 0 AND 1),
    bin           smallint NOT NULL CHECK (bin BETWEEN -3 AND 3),
    emerging      text CHECK (emerging IN ('new', 'consecutive', 'intensifying', 'persistent',
                      'diminishing', 'sporadic', 'oscillating', 'historical')),
    emerging_cold boolean NOT NULL DEFAULT false,
    district_id   integer REFERENCES districts (id),
    geom          geometry(Polygon, 3857) NOT NULL,
    geom_4326     geometry(Polygon, 4326) NOT NULL,
    PRIMARY KEY (window_key, resolution, cell)
);
CREATE INDEX hex_stats_geom_idx ON hex_stats USING gist (geom);
CREATE INDEX hex_stats_significant_idx ON hex_stats (window_key, resolution, bin) WHERE bin <> 0;
CREATE INDEX hex_stats_district_idx ON hex_stats (district_id);

-- +goose Down
DROP TABLE IF EXISTS hex_stats;
DROP TABLE IF EXISTS analysis_runs;
