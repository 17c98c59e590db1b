-- +goose Up
-- Map tiles (package tiles, which reads the tables of others and owns only
-- tile_report_cells). Tiles are cut in EPSG:3857
-- (Web Mercator); these columns and indexes let the tile statements clip
-- stored geometry without a per-row ST_Transform and find a tile's rows with
-- one index probe.

-- btree_gist lets one GIST index lead with the scalar columns every hotspot
-- tile filters on (window, resolution) before the geometry.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Jurisdiction geometries in 3857, kept by PostgreSQL itself (generated
-- columns), so importers and seeders need no change. These tables are small
-- and written rarely: the cost of the transform on write does not matter,
-- while every district or AHTU tile would otherwise re-project detailed
-- boundaries on each request.
ALTER TABLE districts
    ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX districts_geom_3857_idx ON districts USING gist (geom_3857);

ALTER TABLE police_stations
    ADD COLUMN geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX police_stations_geom_3857_idx ON police_stations USING gist (geom_3857);

ALTER TABLE pcr_units
    ADD COLUMN geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX pcr_units_geom_3857_idx ON pcr_units USING gist (geom_3857);

-- reports get no 3857 column. Measured with BenchmarkImport (100k rows,
-- alternating runs on the shared 2-core machine): without it 39–47k rows/s,
-- with a generated geom_3857 plus its GIST index 21–37k rows/s, a 20–45 %
-- loss on the hottest write path. Point tiles do not need it: they filter on
-- the existing 4326 GIST index with the tile envelope transformed once
-- (exact: Web Mercator maps the envelope's edges to meridians and
-- parallels) and transform only the features a tile emits, at most one per
-- H3 cluster below zoom 14 and a few thousand points above.

-- tile_report_cells: the reports rolled up per H3 cell at r5, r7 and r8 and
-- per routing (district, station, PCR unit) and rejected-or-not, with the
-- mean position, for the low-zoom clusters of the reports layer. A z8 tile
-- around Lucknow covers ~135k of a million reports: aggregating them per
-- request costs 100–250 ms, reading the rollup a few. Owned and rewritten
-- by package tiles (tiles.Service.RefreshReportCells, every few minutes in
-- `vikalp serve`); tiles from zoom 13 on read reports live.
CREATE TABLE tile_report_cells (
    resolution   smallint NOT NULL CHECK (resolution IN (5, 7, 8)),
    cell         bigint NOT NULL,
    district_id  integer NOT NULL,
    station_id   bigint,
    pcr_unit_id  bigint,
    rejected     boolean NOT NULL,
    n            integer NOT NULL CHECK (n > 0),
    geom         geometry(Point, 3857) NOT NULL   -- mean position of the rows
);
CREATE INDEX tile_report_cells_geom_idx ON tile_report_cells USING gist (resolution, geom);

-- hex_stats.geom is already 3857 (00006). Hotspot tiles look their cells up
-- by primary key (tiles.TileStore.Hotspots), so hex_stats needs no tile index.

-- +goose Down
DROP TABLE IF EXISTS tile_report_cells;
ALTER TABLE pcr_units DROP COLUMN IF EXISTS geom_3857;
ALTER TABLE police_stations DROP COLUMN IF EXISTS geom_3857;
ALTER TABLE districts DROP COLUMN IF EXISTS geom_3857;
-- btree_gist stays: other objects may have come to depend on it.
