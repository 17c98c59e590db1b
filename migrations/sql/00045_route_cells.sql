-- +goose Up
-- Bulk-import routing by H3 cell (issue 20).
--
-- route_cells holds, for every r8 cell in which every point routes to the
-- same district, police station, PCR unit and AHTU under the import's exact
-- rules, that routing (jurisdiction.RebuildRouteCells computes it). A bulk
-- import resolves its staged rows by their h3_r8 here and runs the exact
-- point-in-polygon SQL only for the rows in cells that are absent (cells on
-- a district, station-area, PCR-zone or PCR-Voronoi boundary, or where a
-- nearest-unit fallback would decide). NULL station_id, pcr_unit_id or
-- ahtu_id never occur for station and PCR unit (such cells are left out);
-- ahtu_id is NULL for a district no AHTU covers, as the exact rule gives.
--
-- route_cells_state.valid says whether route_cells matches the jurisdiction
-- tables. Any write to districts, police_stations, pcr_units or
-- ahtu_districts, by any path (imports, seed, test fixtures, psql), empties
-- route_cells and clears valid in the writing transaction, so a stale cell
-- can never be read: an empty table only sends every row to the exact path.
-- No foreign keys: the trigger already empties the table before any
-- referenced row could go.
CREATE TABLE route_cells (
    h3          bigint PRIMARY KEY,
    district_id integer NOT NULL,
    station_id  bigint NOT NULL,
    pcr_unit_id bigint NOT NULL,
    ahtu_id     integer
);

CREATE TABLE route_cells_state (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    valid boolean NOT NULL
);
INSERT INTO route_cells_state (valid) VALUES (false);

-- +goose StatementBegin
CREATE FUNCTION route_cells_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE route_cells;
    UPDATE route_cells_state SET valid = false WHERE valid;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER districts_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON districts
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
CREATE TRIGGER police_stations_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON police_stations
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
CREATE TRIGGER pcr_units_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pcr_units
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();
CREATE TRIGGER ahtu_districts_route_cells AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ahtu_districts
    FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate();

-- +goose Down
DROP TRIGGER IF EXISTS ahtu_districts_route_cells ON ahtu_districts;
DROP TRIGGER IF EXISTS pcr_units_route_cells ON pcr_units;
DROP TRIGGER IF EXISTS police_stations_route_cells ON police_stations;
DROP TRIGGER IF EXISTS districts_route_cells ON districts;
DROP FUNCTION IF EXISTS route_cells_invalidate();
DROP TABLE IF EXISTS route_cells_state;
DROP TABLE IF EXISTS route_cells;
