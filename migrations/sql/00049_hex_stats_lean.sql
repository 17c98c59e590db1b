-- +goose Up
-- hex_stats keeps one hexagon per row, and no spatial index (issue 20).
--
-- Every analysis run rewrites about a million hex_stats rows (1 M reports),
-- and writing them was half of the run. Two parts of each row were never
-- read: geom_4326, a second copy of the hexagon in WGS 84 (the API and
-- exports draw cells from their H3 index, geo.HexPolygon), 152 of a row's
-- 424 bytes; and the GiST index on geom, the slowest of the staging
-- table's index builds, which no statement uses since hotspot tiles look
-- their cells up by primary key (tiles.TileStore.Hotspots,
-- geo.CellsCovering). geom stays: tiles clip it in EPSG:3857.
DROP INDEX hex_stats_geom_idx;
ALTER TABLE hex_stats DROP COLUMN geom_4326;

-- +goose Down
ALTER TABLE hex_stats ADD COLUMN geom_4326 geometry(Polygon, 4326);
UPDATE hex_stats SET geom_4326 = ST_Transform(geom, 4326);
ALTER TABLE hex_stats ALTER COLUMN geom_4326 SET NOT NULL;
CREATE INDEX hex_stats_geom_idx ON hex_stats USING gist (geom);
