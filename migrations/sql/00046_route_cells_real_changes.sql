-- +goose Up
-- Invalidate route_cells only on a real change (issue 20).
--
-- 00045's triggers fired on every statement, and PostgreSQL fires a
-- statement-level trigger even when the statement touches no row. So
-- `vikalp seed --demo` on a seeded database, whose upserts skip identical
-- rows (ON CONFLICT … WHERE … IS DISTINCT FROM) and write nothing, still
-- threw route_cells away and the next import or seed rebuilt it (6–19 s).
--
-- The triggers now look at the statement's transition tables and
-- invalidate only when it inserted or deleted at least one row, or updated
-- a row to anything other than what it was. PostgreSQL allows transition
-- tables only on a trigger with a single event and never on TRUNCATE, so
-- each table has one trigger per event; TRUNCATE always invalidates.
--
-- An update counts as a change when some new row image is not among the
-- old ones, comparing whole rows as text: every column, not just those
-- routing reads (districts.id and geom; police_stations.id, district_id
-- and area; pcr_units.id, district_id, geom and zone; ahtu_districts).
-- Safest: a future routing rule may read another column, and a rename
-- costs only a rebuild. The text form is exact: geometry prints as hex
-- EWKB (every coordinate bit and the SRID, so a boundary moved by 1 mm
-- differs; geometry's own = is not relied on), and these tables have no
-- floating-point columns whose text could round. Comparing images rather
-- than joining on the primary key also catches an update of the key.

-- +goose StatementBegin
CREATE FUNCTION route_cells_invalidate_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the branch for TG_OP runs, so each query names only the
    -- transition tables its trigger has.
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT FROM new_rows) THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT FROM old_rows) THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT n::text FROM new_rows n EXCEPT SELECT o::text FROM old_rows o) THEN
        RETURN NULL;
    END IF;
    TRUNCATE route_cells;
    UPDATE route_cells_state SET valid = false WHERE valid;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP TRIGGER districts_route_cells ON districts;
DROP TRIGGER police_stations_route_cells ON police_stations;
DROP TRIGGER pcr_units_route_cells ON pcr_units;
DROP TRIGGER ahtu_districts_route_cells ON ahtu_districts;

CREATE TRIGGER districts_route_cells_insert AFTER INSERT ON districts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER districts_route_cells_update AFTER UPDATE ON districts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER districts_route_cells_delete AFTER DELETE ON districts
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER districts_route_cells_truncate AFTER TRUNCATE ON districts
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();

CREATE TRIGGER police_stations_route_cells_insert AFTER INSERT ON police_stations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER police_stations_route_cells_update AFTER UPDATE ON police_stations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER police_stations_route_cells_delete AFTER DELETE ON police_stations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER police_stations_route_cells_truncate AFTER TRUNCATE ON police_stations
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();

CREATE TRIGGER pcr_units_route_cells_insert AFTER INSERT ON pcr_units
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER pcr_units_route_cells_update AFTER UPDATE ON pcr_units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER pcr_units_route_cells_delete AFTER DELETE ON pcr_units
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER pcr_units_route_cells_truncate AFTER TRUNCATE ON pcr_units
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();

CREATE TRIGGER ahtu_districts_route_cells_insert AFTER INSERT ON ahtu_districts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER ahtu_districts_route_cells_update AFTER UPDATE ON ahtu_districts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER ahtu_districts_route_cells_delete AFTER DELETE ON ahtu_districts
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate_changed();
CREATE TRIGGER ahtu_districts_route_cells_truncate AFTER TRUNCATE ON ahtu_districts
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();

-- +goose Down
-- Back to 00045: one trigger per table on every statement. The route
-- cells stay as they are; they matched the tables under either rule.
DROP TRIGGER IF EXISTS ahtu_districts_route_cells_truncate ON ahtu_districts;
DROP TRIGGER IF EXISTS ahtu_districts_route_cells_delete ON ahtu_districts;
DROP TRIGGER IF EXISTS ahtu_districts_route_cells_update ON ahtu_districts;
DROP TRIGGER IF EXISTS ahtu_districts_route_cells_insert ON ahtu_districts;
DROP TRIGGER IF EXISTS pcr_units_route_cells_truncate ON pcr_units;
DROP TRIGGER IF EXISTS pcr_units_route_cells_delete ON pcr_units;
DROP TRIGGER IF EXISTS pcr_units_route_cells_update ON pcr_units;
DROP TRIGGER IF EXISTS pcr_units_route_cells_insert ON pcr_units;
DROP TRIGGER IF EXISTS police_stations_route_cells_truncate ON police_stations;
DROP TRIGGER IF EXISTS police_stations_route_cells_delete ON police_stations;
DROP TRIGGER IF EXISTS police_stations_route_cells_update ON police_stations;
DROP TRIGGER IF EXISTS police_stations_route_cells_insert ON police_stations;
DROP TRIGGER IF EXISTS districts_route_cells_truncate ON districts;
DROP TRIGGER IF EXISTS districts_route_cells_delete ON districts;
DROP TRIGGER IF EXISTS districts_route_cells_update ON districts;
DROP TRIGGER IF EXISTS districts_route_cells_insert ON districts;
DROP FUNCTION IF EXISTS route_cells_invalidate_changed();

CREATE TRIGGER districts_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON districts
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
CREATE TRIGGER police_stations_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON police_stations
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
CREATE TRIGGER pcr_units_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pcr_units
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
CREATE TRIGGER ahtu_districts_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ahtu_districts
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
