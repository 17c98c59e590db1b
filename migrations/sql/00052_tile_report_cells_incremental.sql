-- +goose Up
-- tile_report_cells is refreshed by r5 cell, not rewritten whole (issue 20).
-- The whole rewrite (every 5 minutes in `vikalp serve`) grouped every report
-- three times: ~10 s of a PostgreSQL core at a million reports on the 2-core
-- machine, growing with the table, and it slowed every request it overlapped.
-- Now triggers on reports note the r5 cell of every row that is inserted,
-- deleted, or changes what the rollup reads (status, routing, position),
-- and a refresh recomputes only those r5 cells and the r7 and r8 cells
-- inside them (H3 cells nest: each r7 or r8 cell has one r5 parent). The
-- rows of an r5 cell are read through reports_h3_r9_idx (h3_r9_lo/hi,
-- migration 00028).
--
-- tile_report_dirty has no key: concurrent filings in one cell must not wait
-- on each other's uncommitted key. A refresh deletes the rows it sees and
-- recomputes their distinct cells; a row committed after its snapshot stays
-- for the next one, together with the report that wrote it.
CREATE TABLE tile_report_dirty (
    cell bigint NOT NULL   -- an r5 cell (reports.h3_r5) whose rollup is stale
);

ALTER TABLE tile_report_cells ADD COLUMN parent bigint;
-- The rollup is rebuilt from scratch below, through the new path.
TRUNCATE tile_report_cells;
ALTER TABLE tile_report_cells ALTER COLUMN parent SET NOT NULL;
COMMENT ON COLUMN tile_report_cells.parent IS 'the r5 cell the row''s cell lies in (its own cell at r5)';
CREATE INDEX tile_report_cells_parent_idx ON tile_report_cells (parent);
INSERT INTO tile_report_dirty (cell) SELECT DISTINCT h3_r5 FROM reports;

-- +goose StatementBegin
CREATE FUNCTION tile_report_dirty_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		INSERT INTO tile_report_dirty (cell) SELECT DISTINCT h3_r5 FROM old_rows;
	ELSE
		INSERT INTO tile_report_dirty (cell) SELECT DISTINCT h3_r5 FROM new_rows;
	END IF;
	RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tile_report_dirty_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tile_report_dirty (cell) VALUES (OLD.h3_r5);
	IF NEW.h3_r5 <> OLD.h3_r5 THEN
		INSERT INTO tile_report_dirty (cell) VALUES (NEW.h3_r5);
	END IF;
	RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tile_report_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE tile_report_cells, tile_report_dirty;
	RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER reports_tile_dirty_insert AFTER INSERT ON reports
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_report_dirty_rows();
CREATE TRIGGER reports_tile_dirty_delete AFTER DELETE ON reports
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_report_dirty_rows();
-- Row by row: transition tables cannot go with a column list, and an update
-- of anything else (duplicate counts, outcomes) must not mark its cell.
-- Points are compared as EWKB: geometry's = cannot be resolved under the
-- empty search_path pg_restore recreates triggers with.
CREATE TRIGGER reports_tile_dirty_update AFTER UPDATE OF status, district_id, station_id, pcr_unit_id, geom, h3_r5 ON reports
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.district_id IS DISTINCT FROM NEW.district_id
		OR OLD.station_id IS DISTINCT FROM NEW.station_id OR OLD.pcr_unit_id IS DISTINCT FROM NEW.pcr_unit_id
		OR OLD.geom::bytea IS DISTINCT FROM NEW.geom::bytea OR OLD.h3_r5 IS DISTINCT FROM NEW.h3_r5)
	EXECUTE FUNCTION tile_report_dirty_update();
CREATE TRIGGER reports_tile_truncate AFTER TRUNCATE ON reports
	FOR EACH STATEMENT EXECUTE FUNCTION tile_report_truncated();

-- +goose Down
DROP TRIGGER IF EXISTS reports_tile_truncate ON reports;
DROP TRIGGER IF EXISTS reports_tile_dirty_update ON reports;
DROP TRIGGER IF EXISTS reports_tile_dirty_delete ON reports;
DROP TRIGGER IF EXISTS reports_tile_dirty_insert ON reports;
DROP FUNCTION IF EXISTS tile_report_truncated();
DROP FUNCTION IF EXISTS tile_report_dirty_update();
DROP FUNCTION IF EXISTS tile_report_dirty_rows();
DROP TABLE IF EXISTS tile_report_dirty;
DROP INDEX IF EXISTS tile_report_cells_parent_idx;
ALTER TABLE tile_report_cells DROP COLUMN IF EXISTS parent;
