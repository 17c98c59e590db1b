-- +goose Up
-- hex_stats holds no hexagon any more (issue 20): a hexagon is a pure
-- function of its cell id, and the only reader of geom, the hotspot tile,
-- now draws it from the cell (tiles: one H3 call per cell, remembered).
-- The column was more than half of what each analysis run wrote: about
-- 140 bytes of a 260-byte row, a million rows a run on 1 M reports, all of
-- it WAL-logged and shipped to every replica, and one H3 call and EWKB
-- encoding per cell in the run.
ALTER TABLE hex_stats DROP COLUMN geom;

-- +goose Down
-- The hexagons are not restored here: run `vikalp analyze`, which the
-- code of the previous migration writes them with.
ALTER TABLE hex_stats ADD COLUMN geom geometry(Polygon, 3857);
