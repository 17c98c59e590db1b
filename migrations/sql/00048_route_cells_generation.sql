-- +goose Up
-- route_cells_state.generation counts route_cells rebuilds (issue 20).
--
-- A bulk import routes the rows of stored cells in Go, from a copy of
-- route_cells taken at its start (jurisdiction.RouteCellStore.Load), and
-- each batch checks in its own transaction that the copy is still the
-- table in force: valid, and built by the same rebuild. valid alone cannot
-- tell the copied table from one invalidated and rebuilt since.
ALTER TABLE route_cells_state ADD COLUMN generation bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE route_cells_state DROP COLUMN generation;
