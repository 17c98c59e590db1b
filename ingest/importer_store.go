package ingest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// importStagingSQL creates the staging table; geom is generated from
// lat/lon so COPY sends plain numbers. It lives until the transaction ends.
const importStagingSQL = `
CREATE TEMP TABLE ingest_import (
	line        integer NOT NULL,
	source_id   text NOT NULL,
	occurred_at timestamptz NOT NULL,
	category    text NOT NULL,
	body        text NOT NULL,
	lat         float8 NOT NULL,
	lon         float8 NOT NULL,
	h3_r5       bigint NOT NULL,
	h3_r7       bigint NOT NULL,
	h3_r8       bigint NOT NULL,
	h3_r9       bigint NOT NULL,
	geom        geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
) ON COMMIT DROP`

// ImportStagingColumns are the columns a batch is COPYed into
// ImportStagingTable with, in order (read-only).
var ImportStagingColumns = []string{"line", "source_id", "occurred_at", "category", "body", "lat", "lon",
	"h3_r5", "h3_r7", "h3_r8", "h3_r9"}

// importCellRouteSQL routes the staged rows whose r8 cell is in
// route_cells (jurisdiction.RebuildRouteCells: cells in which every point
// routes alike under the rules of importRouteSQL) by a join on the cell,
// inserts them, and takes them out of the staging table so the exact
// routing below sees only the rows in cells on a boundary. The cells are
// looked up by primary key for the batch's distinct cells first: joined
// directly, the planner hashes all of route_cells (~300,000 rows for the
// state) for every batch, 2–3 times the cost. It returns how many rows
// were inserted.
const importCellRouteSQL = `
WITH hit AS (
	DELETE FROM ingest_import s
	USING (SELECT * FROM route_cells WHERE h3 IN (SELECT h3_r8 FROM ingest_import)) c
	WHERE c.h3 = s.h3_r8
	RETURNING s.source_id, s.category, s.body, s.occurred_at, s.geom, s.h3_r5, s.h3_r7, s.h3_r8, s.h3_r9,
		c.district_id, c.station_id, c.pcr_unit_id, c.ahtu_id
), ins AS (
	INSERT INTO reports (code, source, source_id, status, category, body, happening_now, occurred_at,
		received_at, event_at, location_source, geom, h3_r5, h3_r7, h3_r8, h3_r9,
		district_id, station_id, pcr_unit_id, ahtu_id)
	SELECT NULL, 'import', h.source_id, 'approved', h.category, h.body, false, h.occurred_at,
		now(), h.occurred_at, 'import', h.geom, h.h3_r5, h.h3_r7, h.h3_r8, h.h3_r9,
		h.district_id, h.station_id, h.pcr_unit_id, h.ahtu_id
	FROM hit h
	ORDER BY h.h3_r9
	ON CONFLICT (source_id) DO NOTHING
	RETURNING 1
)
SELECT count(*)::int FROM ins`

// importIndexSQL makes the spatial joins below index-driven: each district,
// station area, PCR zone or Voronoi cell probes the staging points inside
// its box, and PostGIS reuses the prepared polygon across those probes.
const importIndexSQL = `CREATE INDEX ON ingest_import USING gist (geom); ANALYZE ingest_import`

// importRouteSQL routes every staged row left by importCellRouteSQL set-wise,
// by the rules of jurisdiction.RouteStore.Route (the station and PCR rules
// written once, jurisdiction.RoutingRulesSQL), and inserts the routed rows:
//   - district: the one containing the point (lowest id on a shared edge),
//     else the nearest within 5 km (few rows: a lateral KNN over the
//     districts' pieces, migration 00047); none → the row is refused as
//     outside Uttar Pradesh;
//   - station: the one whose area contains the point (same district first),
//     else the nearest station of the district: its only one when it has
//     one (a hash join), else a KNN subquery for that row alone;
//   - PCR unit: the one whose zone contains the point (same district
//     first), else the nearest unit anywhere — the unit whose Voronoi cell
//     contains the point, which is the planar nearest neighbour like "<->"
//     (a KNN subquery for any row no cell holds);
//   - AHTU: the district's unit.
//
// COALESCE evaluates its KNN subqueries only for the rows that reach them.
// It returns how many rows were inserted (ON CONFLICT skips source_ids
// already stored) and the lines refused for lack of a district.
var importRouteSQL = `
WITH dist_in AS (
	SELECT DISTINCT ON (s.line) s.line, d.id AS district_id
	FROM ingest_import s JOIN districts d ON ST_Intersects(d.geom, s.geom)
	ORDER BY s.line, d.id
), dist_near AS (
	SELECT s.line, n.id AS district_id
	FROM ingest_import s
	CROSS JOIN LATERAL (SELECT d.district_id AS id FROM district_pieces d
		WHERE ST_DWithin(d.geom, s.geom, 0.06) AND ST_DWithin(d.geom::geography, s.geom::geography, 5000)
		ORDER BY d.geom <-> s.geom LIMIT 1) n
	WHERE NOT EXISTS (SELECT 1 FROM dist_in i WHERE i.line = s.line)
), dist AS (
	SELECT * FROM dist_in UNION ALL SELECT * FROM dist_near
), pcr_cells AS (` + jurisdiction.PCRVoronoiCellsSQL + `
), ` + jurisdiction.RoutingRulesSQL("ingest_import", "line", "geom", "pcr_cells") + `, ins AS (
	-- Inserting in H3 order keeps the B-tree and GiST insertions local.
	INSERT INTO reports (code, source, source_id, status, category, body, happening_now, occurred_at,
		received_at, event_at, location_source, geom, h3_r5, h3_r7, h3_r8, h3_r9,
		district_id, station_id, pcr_unit_id, ahtu_id)
	SELECT NULL, 'import', s.source_id, 'approved', s.category, s.body, false, s.occurred_at,
		now(), s.occurred_at, 'import', s.geom, s.h3_r5, s.h3_r7, s.h3_r8, s.h3_r9, r.district_id,
		COALESCE(r.station_id, (SELECT st.id FROM police_stations st
			WHERE st.district_id = r.district_id ORDER BY st.geom <-> s.geom LIMIT 1)),
		COALESCE(r.pcr_unit_id, (SELECT u.id FROM pcr_units u ORDER BY u.geom <-> s.geom LIMIT 1)),
		r.ahtu_id
	FROM ingest_import s
	JOIN routed r USING (line)
	ORDER BY s.h3_r9
	ON CONFLICT (source_id) DO NOTHING
	RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int,
	COALESCE((SELECT array_agg(s.line ORDER BY s.line) FROM ingest_import s
		WHERE NOT EXISTS (SELECT 1 FROM dist d WHERE d.line = s.line)), '{}')`

// loadBatch loads one batch in tx: the rows of cells s.routes holds by
// COPY with their routing (copyByCell), the rest through LoadStagedBatch,
// COPYing them into the staging table from Go.
func (s *importSource) loadBatch(ctx context.Context, tx pgx.Tx, batch []importRow) error {
	res, rest, err := s.copyByCell(ctx, tx, batch)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		staged, err := LoadStagedBatch(ctx, tx, func(ctx context.Context, tx pgx.Tx) (int64, error) {
			return tx.CopyFrom(ctx, pgx.Identifier{ImportStagingTable}, ImportStagingColumns,
				pgx.CopyFromSlice(len(rest), func(i int) ([]any, error) { return rest[i].values(), nil }))
		})
		if err != nil {
			return err
		}
		res.Staged += staged.Staged
		res.Inserted += staged.Inserted
		res.Outside = staged.Outside
	}
	for _, line := range res.Outside {
		s.reject(line, "this location is outside Uttar Pradesh")
	}
	s.mu.Lock()
	s.sum.Loaded += res.Inserted
	s.sum.AlreadyImported += int(res.Staged) - len(res.Outside) - res.Inserted
	s.mu.Unlock()
	return nil
}

// ImportStagingTable is the temporary table (importStagingSQL) one import
// batch is COPYed into, with ImportStagingColumns: line, source_id,
// occurred_at, category, body, lat, lon and the H3 cells at r5, r7, r8 and
// r9 (geom is generated from lat and lon). The bench's routed import
// ceiling fills it with the same rows.
const ImportStagingTable = "ingest_import"

// StagedBatch is what LoadStagedBatch did with one batch.
type StagedBatch struct {
	Staged   int64 // rows COPYed into the staging table
	Inserted int   // reports inserted (source_ids already stored are skipped)
	Outside  []int // lines refused as outside Uttar Pradesh
}

// LoadStagedBatch loads one import batch in tx, the statements every
// import runs: it creates the staging table, calls fill to COPY the batch
// into it, routes and inserts the rows whose H3 cell has a precomputed
// routing (importCellRouteSQL, route_cells), then indexes what is left and
// routes it set-wise by the exact rules (importRouteSQL). Call
// jurisdiction.EnsureRouteCells before the first batch, or every row takes
// the exact path. JIT is off (its compile time
// costs more than it saves here) and work_mem is raised so the sorts and
// hashes of a batch stay in memory. The table written is the first
// "reports" on tx's search_path.
func LoadStagedBatch(ctx context.Context, tx pgx.Tx, fill func(ctx context.Context, tx pgx.Tx) (int64, error)) (StagedBatch, error) {
	var res StagedBatch
	if _, err := tx.Exec(ctx, `SET LOCAL jit = off; SET LOCAL work_mem = '128MB'`); err != nil {
		return res, fmt.Errorf("configure import: %w", err)
	}
	if _, err := tx.Exec(ctx, importStagingSQL); err != nil {
		return res, fmt.Errorf("create staging table: %w", err)
	}
	staged, err := fill(ctx, tx)
	if err != nil {
		return res, fmt.Errorf("copy rows: %w", pg.Interpret(err))
	}
	res.Staged = staged
	var byCell int
	if err := tx.QueryRow(ctx, importCellRouteSQL).Scan(&byCell); err != nil {
		return res, fmt.Errorf("route and insert reports by cell: %w", pg.Interpret(err))
	}
	if _, err := tx.Exec(ctx, importIndexSQL); err != nil {
		return res, fmt.Errorf("index staging table: %w", err)
	}
	if err := tx.QueryRow(ctx, importRouteSQL).Scan(&res.Inserted, &res.Outside); err != nil {
		return res, fmt.Errorf("route and insert reports: %w", pg.Interpret(err))
	}
	res.Inserted += byCell
	return res, nil
}

// values is the row as COPY sends it, in ImportStagingColumns order.
func (r importRow) values() []any {
	return []any{r.line, r.sourceID, r.occurredAt, string(r.category), r.body, r.lat, r.lon,
		r.cells.R5, r.cells.R7, r.cells.R8, r.cells.R9}
}
