package jurisdiction

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// PCRVoronoiCellsSQL selects (id, cell): the Voronoi cell of every PCR
// unit's point, over the districts' extent grown by 2°. A point in no PCR
// zone goes to the unit whose cell holds it (the lowest id on a shared
// edge), which is the planar nearest neighbour, as "<->" ranks it. The bulk
// import's exact routing and RebuildRouteCells both use this one
// definition, so the cell table can never disagree with it.
const PCRVoronoiCellsSQL = `
	SELECT u.id, c.cell
	FROM (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(geom), 0,
		(SELECT ST_Expand(ST_Extent(geom)::geometry, 2) FROM districts)))).geom AS cell FROM pcr_units) c
	JOIN pcr_units u ON ST_Intersects(c.cell, u.geom)`

// routeCellsLockSQL holds off every writer of the tables routing reads
// until the rebuilding transaction ends (SHARE conflicts with their ROW
// EXCLUSIVE), so the cells computed are the cells of what commits; the
// state row lock makes concurrent rebuilds take turns.
const routeCellsLockSQL = `LOCK TABLE districts, police_stations, pcr_units, ahtu_districts IN SHARE MODE`

const (
	routeCellsValidSQL       = `SELECT valid FROM route_cells_state`
	routeCellsValidLockedSQL = `SELECT valid FROM route_cells_state FOR UPDATE`
	routeCellsDoneSQL        = `UPDATE route_cells_state SET valid = true, generation = generation + 1`
	districtShapesSQL        = `SELECT ST_AsBinary(geom) FROM districts`
)

// routeCellsStageSQL empties route_cells and creates the candidate table:
// one row per r8 cell with its centre and the radius (in degrees, the
// metric of ST_DWithin on SRID 4326) of a circle holding its hexagon.
const routeCellsStageSQL = `
SET LOCAL jit = off;
SET LOCAL work_mem = '128MB';
TRUNCATE route_cells;
CREATE TEMP TABLE route_cell_candidates (
	h3  bigint NOT NULL,
	lon float8 NOT NULL,
	lat float8 NOT NULL,
	r   float8 NOT NULL,
	pt  geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
) ON COMMIT DROP`

// routeCellCandidateColumns are the columns candidates are COPYed with.
var routeCellCandidateColumns = []string{"h3", "lon", "lat", "r"}

// routeCellsEdgesSQL indexes the candidates and collects the edges of
// every polygon routing tests: district boundaries, station areas, PCR
// zones and PCR Voronoi cells, each cut into its segments (exactly: no
// clipping) so that a probe near one finds only the segments near it.
const routeCellsEdgesSQL = `
CREATE INDEX ON route_cell_candidates USING gist (pt);
ANALYZE route_cell_candidates;
CREATE TEMP TABLE route_cell_voronoi ON COMMIT DROP AS ` + PCRVoronoiCellsSQL + `;
CREATE TEMP TABLE route_cell_edges ON COMMIT DROP AS
	SELECT (ST_DumpSegments(g)).geom AS g FROM (
		SELECT geom AS g FROM districts
		UNION ALL SELECT area FROM police_stations WHERE area IS NOT NULL
		UNION ALL SELECT zone FROM pcr_units WHERE zone IS NOT NULL
		UNION ALL SELECT cell FROM route_cell_voronoi) polygons`

// routeCellsOnEdgeSQL drops every candidate whose circle meets an edge
// ($1 is the largest radius, so each segment probes the candidates' index
// once: far fewer probes than one a candidate). A cell that meets no edge
// lies wholly inside or wholly outside every polygon routing tests, so all
// its points share one set of containing polygons, the centre's.
const routeCellsOnEdgeSQL = `
DELETE FROM route_cell_candidates c WHERE c.h3 IN (
	SELECT c.h3 FROM route_cell_edges e
	JOIN route_cell_candidates c ON ST_DWithin(c.pt, e.g, $1) AND ST_DWithin(e.g, c.pt, c.r))`

// routingRulesSQL is the routing rules once a CTE "dist" ({key},
// district_id) has placed the points of {src} ({key}, point {pt}) in
// districts: station by area (same district first, then lowest id) or the
// district's only station; PCR unit by zone (same district first) or the
// Voronoi cell ({voronoi}: id, cell) that holds the point (lowest id on a
// shared edge); AHTU by district. It ends in the CTE "routed" ({key},
// district_id, station_id, pcr_unit_id, ahtu_id), NULL where only a
// nearest-unit search could decide.
const routingRulesSQL = `station_area AS (
	SELECT DISTINCT ON (s.{key}) s.{key}, st.id AS station_id
	FROM {src} s JOIN dist USING ({key}) JOIN police_stations st ON ST_Intersects(st.area, s.{pt})
	ORDER BY s.{key}, st.district_id <> dist.district_id, st.id
), station_one AS (
	SELECT district_id, min(id) AS station_id FROM police_stations GROUP BY district_id HAVING count(*) = 1
), pcr_zone AS (
	SELECT DISTINCT ON (s.{key}) s.{key}, u.id AS pcr_unit_id
	FROM {src} s JOIN dist USING ({key}) JOIN pcr_units u ON ST_Intersects(u.zone, s.{pt})
	ORDER BY s.{key}, u.district_id <> dist.district_id, u.id
), pcr_cell AS (
	SELECT DISTINCT ON (s.{key}) s.{key}, v.id AS pcr_unit_id
	FROM {src} s JOIN {voronoi} v ON ST_Intersects(v.cell, s.{pt})
	ORDER BY s.{key}, v.id
), routed AS (
	SELECT d.{key}, d.district_id, COALESCE(sa.station_id, so.station_id) AS station_id,
		COALESCE(pz.pcr_unit_id, pc.pcr_unit_id) AS pcr_unit_id, ad.ahtu_id
	FROM dist d
	LEFT JOIN station_area sa USING ({key})
	LEFT JOIN station_one so ON so.district_id = d.district_id
	LEFT JOIN pcr_zone pz USING ({key})
	LEFT JOIN pcr_cell pc USING ({key})
	LEFT JOIN ahtu_districts ad ON ad.district_id = d.district_id
)`

// RoutingRulesSQL returns the CTEs that route the points of relation src
// (key column key, point column pt) by the routing rules, after a CTE
// "dist" (key, district_id) has placed them in districts and with voronoi
// (id, cell) the PCR units' Voronoi cells (PCRVoronoiCellsSQL). It ends in
// the CTE "routed" (key, district_id, station_id, pcr_unit_id, ahtu_id),
// NULL where only a nearest-unit search could decide. The bulk import's
// exact routing and RebuildRouteCells both route with it, so the cell table
// cannot route by other rules than the import. Arguments are identifiers
// written by the caller, never input.
func RoutingRulesSQL(src, key, pt, voronoi string) string {
	return strings.NewReplacer("{src}", src, "{key}", key, "{pt}", pt, "{voronoi}", voronoi).Replace(routingRulesSQL)
}

// routeCellsInsertSQL routes the remaining candidates' centres
// (RoutingRulesSQL, district by containment, lowest id) and stores the
// cells whose routing cannot depend on where in the cell a point lies.
// Cells outside every district, or whose station or PCR unit would come
// from a nearest-unit search, are left out.
var routeCellsInsertSQL = `
WITH dist AS (
	SELECT DISTINCT ON (c.h3) c.h3, d.id AS district_id
	FROM route_cell_candidates c JOIN districts d ON ST_Intersects(d.geom, c.pt)
	ORDER BY c.h3, d.id
), ` + RoutingRulesSQL("route_cell_candidates", "h3", "pt", "route_cell_voronoi") + `
INSERT INTO route_cells (h3, district_id, station_id, pcr_unit_id, ahtu_id)
SELECT h3, district_id, station_id, pcr_unit_id, ahtu_id FROM routed
WHERE station_id IS NOT NULL AND pcr_unit_id IS NOT NULL
ORDER BY h3`

// RouteCellStore reads and rebuilds route_cells, the bulk import's
// precomputed routing by H3 cell.
type RouteCellStore struct{ db pg.DBTX }

// NewRouteCellStore returns a RouteCellStore on db (a pool or a transaction).
func NewRouteCellStore(db pg.DBTX) *RouteCellStore { return &RouteCellStore{db: db} }

// CellRouting is the routing route_cells holds for one cell: every point
// whose h3_r8 is the cell routes to these units. AHTUID 0 is none (a
// district no AHTU covers).
type CellRouting struct {
	DistrictID, StationID, PCRUnitID, AHTUID int32
}

// RouteCellSet is route_cells as one snapshot saw it, with the rebuild
// that made it (route_cells_state.generation).
type RouteCellSet struct {
	Generation int64
	Cells      map[int64]CellRouting
}

// routeCellsLoadSQL reads the state and the cells in one statement, so one
// snapshot: no cells when the table is not valid.
const routeCellsLoadSQL = `
SELECT s.generation, c.h3, c.district_id, c.station_id, c.pcr_unit_id, COALESCE(c.ahtu_id, 0)
FROM route_cells_state s LEFT JOIN route_cells c ON s.valid`

// Load reads route_cells for routing outside the database (a bulk import
// keeps it for its whole run); ok is false when the table is not valid.
// Check the set with InForce in the transaction that uses it.
func (s *RouteCellStore) Load(ctx context.Context) (set RouteCellSet, ok bool, err error) {
	rows, err := s.db.Query(ctx, routeCellsLoadSQL)
	if err != nil {
		return set, false, fmt.Errorf("load route cells: %w", err)
	}
	defer rows.Close()
	set.Cells = map[int64]CellRouting{}
	var h3 *int64
	var r CellRouting
	_, err = pgx.ForEachRow(rows, []any{&set.Generation, &h3, &r.DistrictID, &r.StationID, &r.PCRUnitID, &r.AHTUID}, func() error {
		if h3 != nil {
			set.Cells[*h3] = r
		}
		return nil
	})
	if err != nil {
		return RouteCellSet{}, false, fmt.Errorf("load route cells: %w", err)
	}
	return set, len(set.Cells) > 0, nil
}

// routeCellsInForceSQL says whether generation $1 is the valid table, and
// the transaction's start time.
const routeCellsInForceSQL = `SELECT valid AND generation = $1, now() FROM route_cells_state`

// InForce reports whether set is the route_cells in force as db (the
// transaction that routes by it) sees it, and returns that transaction's
// now(): a jurisdiction change committed since Load makes it false.
func (s *RouteCellStore) InForce(ctx context.Context, set RouteCellSet) (bool, time.Time, error) {
	var ok bool
	var now time.Time
	if err := s.db.QueryRow(ctx, routeCellsInForceSQL, set.Generation).Scan(&ok, &now); err != nil {
		return false, now, fmt.Errorf("check route cells: %w", err)
	}
	return ok, now, nil
}

// Valid reports whether route_cells matches the jurisdiction tables as db
// sees them now.
func (s *RouteCellStore) Valid(ctx context.Context) (bool, error) {
	var valid bool
	if err := s.db.QueryRow(ctx, routeCellsValidSQL).Scan(&valid); err != nil {
		return false, fmt.Errorf("read route cells state: %w", err)
	}
	return valid, nil
}

// lockRouteCells takes the rebuild's locks in tx and reports whether the cells are
// already valid (another rebuild got there first).
func lockRouteCells(ctx context.Context, tx pgx.Tx) (bool, error) {
	if _, err := tx.Exec(ctx, routeCellsLockSQL); err != nil {
		return false, fmt.Errorf("lock jurisdiction tables: %w", err)
	}
	var valid bool
	if err := tx.QueryRow(ctx, routeCellsValidLockedSQL).Scan(&valid); err != nil {
		return false, fmt.Errorf("lock route cells state: %w", err)
	}
	return valid, nil
}

// districtShapes returns every district's geometry.
func districtShapes(ctx context.Context, tx pgx.Tx) ([]orb.MultiPolygon, error) {
	rows, err := tx.Query(ctx, districtShapesSQL)
	if err != nil {
		return nil, fmt.Errorf("read district shapes: %w", err)
	}
	shapes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (orb.MultiPolygon, error) {
		var mp orb.MultiPolygon
		err := row.Scan(wkb.Scanner(&mp))
		return mp, err
	})
	if err != nil {
		return nil, fmt.Errorf("read district shapes: %w", err)
	}
	return shapes, nil
}

// fillRouteCells computes route_cells in tx from candidates (the cells
// whose centres lie in some district) and marks the table valid. It
// returns how many cells were stored.
func fillRouteCells(ctx context.Context, tx pgx.Tx, candidates []cellCircle) (int, error) {
	if _, err := tx.Exec(ctx, routeCellsStageSQL); err != nil {
		return 0, fmt.Errorf("stage route cells: %w", err)
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"route_cell_candidates"}, routeCellCandidateColumns,
		pgx.CopyFromSlice(len(candidates), func(i int) ([]any, error) {
			c := candidates[i]
			return []any{c.cell, c.lon, c.lat, c.r}, nil
		}))
	if err != nil {
		return 0, fmt.Errorf("copy route cell candidates: %w", err)
	}
	if _, err := tx.Exec(ctx, routeCellsEdgesSQL); err != nil {
		return 0, fmt.Errorf("collect routing edges: %w", err)
	}
	if _, err := tx.Exec(ctx, routeCellsOnEdgeSQL, maxRadius(candidates)); err != nil {
		return 0, fmt.Errorf("drop route cells on edges: %w", err)
	}
	tag, err := tx.Exec(ctx, routeCellsInsertSQL)
	if err != nil {
		return 0, fmt.Errorf("insert route cells: %w", err)
	}
	if _, err := tx.Exec(ctx, routeCellsDoneSQL); err != nil {
		return 0, fmt.Errorf("mark route cells valid: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
