-- +goose Up
-- Kernel density surfaces (owner: package analytics) for the staff heat
-- tiles: per named window ('7d' … '365d', as in hex_stats), the quartic
-- kernel density of the severity-weighted r9 cell scores on a regular
-- EPSG:3857 grid (docs/ANALYTICS.md, "Kernel density"). The hotspot pipeline
-- rewrites both tables in the transaction that swaps hex_stats in, so
-- readers always see one run.

-- density_grids: one row per window of the stored run: the grid's cell size
-- and the kernel bandwidth (EPSG:3857 metres), and ref_density, the density
-- (weighted records per km²) that tiles map to level 1 (the 99th
-- percentile of the state-wide surface's non-zero cells).
CREATE TABLE density_grids (
    window_key   text PRIMARY KEY CHECK (window_key ~ '^[0-9]+d$'),
    run_id       bigint NOT NULL REFERENCES analysis_runs (id),
    cell_size    double precision NOT NULL CHECK (cell_size > 0),
    bandwidth    double precision NOT NULL CHECK (bandwidth > 0),
    ref_density  double precision NOT NULL CHECK (ref_density > 0)
);

-- density_cells: the cells above a small epsilon. x, y are grid indexes: the
-- cell is the square [x·s, (x+1)·s) × [y·s, (y+1)·s) in EPSG:3857 with s the
-- window's cell_size, so no geometry is stored and tiles build the squares
-- with ST_MakeEnvelope. The surface is split by the district of the records
-- that made it (the r9 cell's district; NULL outside every district): a
-- grid cell near a border has a row per district, a scoped caller sees the
-- sum over its own districts, the state scope the sum over all.
-- The btree serves tiles: a range on x, y filtered inside the index.
-- window_key sorts bytewise (COLLATE "C"): the pipeline rebuilds the index
-- on every run, and a locale-aware sort of ~800k keys costs for nothing.
CREATE TABLE density_cells (
    window_key   text COLLATE "C" NOT NULL,
    district_id  integer,
    x            integer NOT NULL,
    y            integer NOT NULL,
    density      double precision NOT NULL CHECK (density > 0),
    run_id       bigint NOT NULL
);
CREATE INDEX density_cells_xy_idx ON density_cells (window_key, x, y);

-- +goose Down
DROP TABLE IF EXISTS density_cells;
DROP TABLE IF EXISTS density_grids;
