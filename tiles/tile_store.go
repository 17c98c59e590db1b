package tiles

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
)

// TileStore runs the tile statements: one statement per tile, every value a
// bound parameter ($1, $2, $3 are always z, x, y). Each method returns the
// MVT bytes of one layer; an empty tile is a nil or empty slice.
//
// Point layers keep their SRID 4326 geometry: they filter on the existing
// GIST index with the tile envelope transformed to 4326 once (exact, since
// Web Mercator maps the envelope's edges to meridians and parallels) and
// transform only the features the tile emits. Below PointZoom they group
// the rows inside the exact envelope (no buffer) by an H3 column and emit one
// point per group at the group's mean position: each report is counted in
// exactly one tile and the point lies in that tile.
type TileStore struct{ db pg.DBTX }

// NewTileStore returns a TileStore on db (a pool or a transaction).
func NewTileStore(db pg.DBTX) *TileStore { return &TileStore{db: db} }

// maxPoints caps the individual points of one tile (newest or best first):
// at PointZoom and above a tile covers a few km², so the cap only bites on
// pathological data, and it keeps a tile from ever growing huge.
const maxPoints = 5000

// render runs one tile statement and returns its bytes.
func (s *TileStore) render(ctx context.Context, layer, sql string, args ...any) ([]byte, error) {
	var mvt []byte
	if err := s.db.QueryRow(ctx, sql, args...).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("render %s tile: %w", layer, pg.Interpret(err))
	}
	return mvt, nil
}

// hotspotsTileSQL selects the hex_stats rows of one hotspot tile, in cell
// order (the same cells give the same bytes, whatever the table's physical
// order: the statistics non-interference test compares tiles byte for
// byte); Hotspots draws each cell's hexagon from its id (hexagonRing),
// drops those that miss the tile, clips and encodes the rest (mvt.go).
// $1 window, $2 resolution, $3 minimum distinct reports (k for the public,
// 0 for staff); $4–$8 the scope (all, district, AHTU, station, PCR unit),
// a district-level jurisdiction for every staff scope kind; $9, $10 the
// ranges of cell ids that hold every cell that may overlap the tile
// (coverRanges). Scanning those on the primary key (window_key,
// resolution, cell) beats any spatial index here: a GiST on the hexagons
// alone matched every window's and resolution's hexagons in the tile, and
// one that also indexed window and resolution took the pipeline ten times
// longer to rebuild on each run than the plain one (migrations 00049,
// 00051). Without the OFFSET 0 fence the planner, not knowing the ranges
// (a generic plan), scanned the whole window and resolution: 20× slower.
const hotspotsTileSQL = `
SELECT h.cell, h.n_reports, h.score, h.gi_z, h.bin,
	CASE WHEN h.emerging IS NULL THEN NULL
		WHEN h.emerging_cold THEN h.emerging || '_cold' ELSE h.emerging || '_hot' END
FROM unnest($9::bigint[], $10::bigint[]) AS g(lo, hi)
CROSS JOIN LATERAL (
	SELECT s.cell, s.n_reports, s.n_distinct, s.score, s.gi_z, s.bin, s.emerging, s.emerging_cold, s.district_id
	FROM hex_stats s
	WHERE s.window_key = $1 AND s.resolution = $2::smallint AND s.cell BETWEEN g.lo AND g.hi
	OFFSET 0 -- a fence: one index range scan per range, whatever the plan cache guesses
) h
WHERE h.n_distinct >= $3::int
	AND ($4::boolean OR h.district_id = $5::int
		OR h.district_id IN (SELECT ad.district_id FROM ahtu_districts ad WHERE ad.ahtu_id = $6::int)
		OR h.district_id = (SELECT st.district_id FROM police_stations st WHERE st.id = $7::bigint)
		OR h.district_id = (SELECT u.district_id FROM pcr_units u WHERE u.id = $8::bigint))
ORDER BY h.cell`

// Hotspots renders the hotspots layer for q.Window at q.Res: one hexagon
// per cell with its cell id (hex), count, score, z, bin and emerging class.
func (s *TileStore) Hotspots(ctx context.Context, q Query) ([]byte, error) {
	a, sc := q.Address, q.Scope
	cover := coverRanges(a, q.Res)
	if len(cover.lo) == 0 {
		return nil, nil // outside Uttar Pradesh: nothing to draw
	}
	var (
		cell     int64
		n, bin   int32
		score, z float64
		class    *string
		ring     []point
		hexBuf   [16]byte
	)
	env := tileEnvelope32(a)
	row := func(l *mvtLayer, f tileFrame) error {
		var ok bool
		var err error
		if ring, ok, err = hexagonRing(cell, env, f, ring); err != nil || !ok {
			return err // !ok: the hexagon misses the tile
		}
		if !l.polygon(ring) {
			return nil // a sliver of the buffer: nothing to draw
		}
		l.attrBytes("cell", strconv.AppendInt(hexBuf[:0], cell, 16))
		l.attrInt("count", int64(n))
		l.attrDouble("score", score)
		l.attrDouble("z", z)
		l.attrInt("bin", int64(bin))
		if class != nil {
			l.attrString("class", *class)
		}
		l.add(nil)
		return nil
	}
	return s.encode(ctx, LayerHotspots, a, []any{&cell, &n, &score, &z, &bin, &class}, row,
		hotspotsTileSQL, q.Window, q.Res, q.MinDistinct,
		sc.All, sc.DistrictID, sc.AHTUID, sc.StationID, sc.PCRUnitID, cover.lo, cover.hi)
}

// encode runs a tile's row statement and builds layer's tile in Go
// (mvt.go): each row is scanned into dest and added to the layer by row,
// given the tile's frame.
func (s *TileStore) encode(ctx context.Context, layer string, a Address, dest []any,
	row func(*mvtLayer, tileFrame) error, sql string, args ...any) ([]byte, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("render %s tile: %w", layer, pg.Interpret(err))
	}
	l, f := newMVTLayer(layer), newTileFrame(a)
	if _, err := pgx.ForEachRow(rows, dest, func() error { return row(l, f) }); err != nil {
		return nil, fmt.Errorf("render %s tile: %w", layer, pg.Interpret(err))
	}
	return l.bytes(), nil
}

// cellRanges are the cells covering a tile as ranges of cell ids [lo[i],
// hi[i]]: one per parent cell, from its first covering child to its last.
// A parent's children are consecutive ids at their resolution, so each
// range is one short index scan, where probing the covering cell by cell
// cost a thousand index descents for a z9 tile (3.2–5.8 → 1.4–2.1 ms with
// ranges per grandparent; bench/NOTES.md). A range may hold cells that
// miss the tile, which Hotspots reads and drops: ranges per grandparent
// held several times the tile's cells at zooms 8–9 once the statement
// could no longer drop them by geometry (migration 00051).
type cellRanges struct{ lo, hi []int64 }

// rangesOf groups cells (all at resolution res) into cellRanges.
func rangesOf(cells []int64, res int) cellRanges {
	cells = slices.Sorted(slices.Values(cells))
	shift := 3 * (16 - res) // below: the digit of resolution res
	var r cellRanges
	for i, c := range cells {
		if i > 0 && c>>shift == cells[i-1]>>shift {
			r.hi[len(r.hi)-1] = c
			continue
		}
		r.lo, r.hi = append(r.lo, c), append(r.hi, c)
	}
	return r
}

// coverings holds the cellRanges of recently drawn tiles. The cells
// covering a tile are a pure function of its address and resolution, but
// asking H3 (cgo) for up to a thousand of them cost a third of a hotspot
// tile server's CPU (bench/NOTES.md, "Hotspot tiles encoded in Go"); a map
// shows the same tiles to many users all day. At most maxCoverings tiles
// (a few KB each) are kept; the slices are shared, read only.
var coverings = func() *lru.Cache[coverKey, cellRanges] {
	c, _ := lru.New[coverKey, cellRanges](maxCoverings) // fails only for a size ≤ 0
	return c
}()

const maxCoverings = 4096

type coverKey struct {
	a   Address
	res int
}

// coverRanges returns the cellRanges of geo.CellsCovering of tile a at
// res, memoized.
func coverRanges(a Address, res int) cellRanges {
	k := coverKey{a, res}
	if r, ok := coverings.Get(k); ok {
		return r
	}
	r := rangesOf(geo.CellsCovering(a.Bound(), res), res)
	coverings.Add(k, r)
	return r
}

// heatTileSQL selects the density surface of window $4 (density_grids,
// density_cells; written by analytics) as blocks, each with its side s;
// Heat draws block (bx, by) as the square [bx·s, (bx+1)·s) × [by·s,
// (by+1)·s) in EPSG:3857, so nothing is transformed. Cells are merged
// into blocks of 2^k × 2^k, k the smallest that leaves at most 64 blocks
// across the tile (from zoom 10 at 1 km cells: none), so a low-zoom tile
// stays small (≤ 4096 squares); the block's density is its mean, its level
// its peak over ref_density (so small hot places stay visible zoomed out).
// Both are rounded to 2 decimals: MVT stores each distinct value once. The index on
// (window_key, x, y) serves the block-aligned x range; y is checked inside
// the index. A cell has a row per district whose records made it: the
// scope ($5 all, $6 district, $7 AHTU, $8 station, $9 PCR unit, as for
// hotspots) picks the districts summed.
const heatTileSQL = `
WITH g AS (
	SELECT gr.cell_size AS c, gr.ref_density AS ref, e.e,
		greatest(0, ceil(log(2, ((ST_XMax(e.e) - ST_XMin(e.e)) / (gr.cell_size * 64))::numeric)))::int AS k
	FROM density_grids gr, (SELECT ST_TileEnvelope($1, $2, $3) AS e) e
	WHERE gr.window_key = $4
), cells AS (
	SELECT d.x, d.y, sum(d.density) AS density
	FROM g JOIN density_cells d ON d.window_key = $4
		AND d.x BETWEEN (floor(ST_XMin(g.e) / g.c)::int >> g.k) << g.k
			AND (((floor(ST_XMax(g.e) / g.c)::int >> g.k) + 1) << g.k) - 1
		AND d.y BETWEEN (floor(ST_YMin(g.e) / g.c)::int >> g.k) << g.k
			AND (((floor(ST_YMax(g.e) / g.c)::int >> g.k) + 1) << g.k) - 1
	WHERE $5::boolean OR d.district_id = $6::int
		OR d.district_id IN (SELECT ad.district_id FROM ahtu_districts ad WHERE ad.ahtu_id = $7::int)
		OR d.district_id = (SELECT st.district_id FROM police_stations st WHERE st.id = $8::bigint)
		OR d.district_id = (SELECT u.district_id FROM pcr_units u WHERE u.id = $9::bigint)
	GROUP BY d.x, d.y
), blocks AS (
	SELECT c.x >> g.k AS bx, c.y >> g.k AS by, sum(c.density) / (1 << (2 * g.k)) AS density,
		max(c.density) AS peak
	FROM cells c, g
	GROUP BY 1, 2, g.k
)
SELECT b.bx, b.by, g.c * (1 << g.k),
	round(b.density::numeric, 2)::float8, round(least(b.peak / g.ref, 1)::numeric, 2)::float8
FROM blocks b, g
ORDER BY b.bx, b.by`

// Heat renders the heat layer: the kernel density surface of q.Window, as
// squares with their density and level. Like the hotspots, the squares are
// clipped and encoded in Go (mvt.go): up to 4,096 a tile, a GEOS round trip
// each in ST_AsMVTGeom.
func (s *TileStore) Heat(ctx context.Context, q Query) ([]byte, error) {
	a, sc := q.Address, q.Scope
	var (
		bx, by         int64
		size           float64
		density, level float64
		square         = make([]point, 4)
	)
	row := func(l *mvtLayer, f tileFrame) error {
		x0, y0, x1, y1 := float64(bx)*size, float64(by)*size, float64(bx+1)*size, float64(by+1)*size
		square[0], square[1], square[2], square[3] = f.at(x0, y0), f.at(x1, y0), f.at(x1, y1), f.at(x0, y1)
		if !l.polygon(square) {
			return nil // a sliver of the buffer: nothing to draw
		}
		l.attrDouble("density", density)
		l.attrDouble("level", level)
		l.add(nil)
		return nil
	}
	return s.encode(ctx, LayerHeat, a, []any{&bx, &by, &size, &density, &level}, row,
		heatTileSQL, a.Z, a.X, a.Y, q.Window, sc.All, sc.DistrictID, sc.AHTUID, sc.StationID, sc.PCRUnitID)
}

// reportClustersTileSQL groups the reports inside the tile by the H3 cell at
// $4 (5, 7, 8 or 9). $5 shows rejected reports; $6–$9 the scope (all,
// district, station, PCR unit).
const reportClustersTileSQL = `
SELECT ST_AsMVT(m, 'reports', 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(r.geom)), avg(ST_Y(r.geom))), 4326), 3857),
			ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		count(*)::int AS count
	FROM reports r
	WHERE r.geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)
		AND ($5::boolean OR r.status <> 'rejected')
		AND ($6::boolean OR r.district_id = $7::int OR r.station_id = $8::bigint OR r.pcr_unit_id = $9::bigint)
	GROUP BY CASE $4::int WHEN 5 THEN r.h3_r5 WHEN 7 THEN r.h3_r7 WHEN 8 THEN r.h3_r8 ELSE r.h3_r9 END
) m`

// reportRollupTileSQL draws the clusters of zooms up to 12 from the
// tile_report_cells rollup ($4 resolution 5, 7 or 8): one point per cell and
// tile at the mean position of the cell's rows whose own mean lies in the
// tile, so each row is still counted in exactly one tile. $5 shows rejected
// reports; $6–$9 the scope.
const reportRollupTileSQL = `
SELECT ST_AsMVT(m, 'reports', 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(sum(c.n * ST_X(c.geom)) / sum(c.n), sum(c.n * ST_Y(c.geom)) / sum(c.n)), 3857),
			ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		sum(c.n)::int AS count
	FROM tile_report_cells c
	WHERE c.resolution = $4::smallint AND c.geom && ST_TileEnvelope($1, $2, $3)
		AND ($5::boolean OR NOT c.rejected)
		AND ($6::boolean OR c.district_id = $7::int OR c.station_id = $8::bigint OR c.pcr_unit_id = $9::bigint)
	GROUP BY c.cell
) m`

// The rollup is brought up to date by r5 cell: the reports triggers
// (migration 00052) mark the r5 cell of every report inserted, deleted or
// changed in what the rollup reads, and a refresh takes the marked cells,
// drops their rows and the rows of the r7 and r8 cells inside them, and
// regroups those cells' reports. A cell marked after the refresh's snapshot
// stays marked for the next one, as does the report that marked it. The
// advisory lock lets one of several replicas refresh at a time.
const (
	lockReportCellsSQL  = `SELECT pg_try_advisory_xact_lock(hashtext('tiles.tile_report_cells'))`
	takeDirtyCellsSQL   = `WITH d AS (DELETE FROM tile_report_dirty RETURNING cell) SELECT DISTINCT cell FROM d`
	dropStaleCellsSQL   = `DELETE FROM tile_report_cells WHERE parent = ANY($1::bigint[])`
	regroupCellsColumns = `
INSERT INTO tile_report_cells (resolution, cell, parent, district_id, station_id, pcr_unit_id, rejected, n, geom)
SELECT g.res, g.cell, r.h3_r5, r.district_id, r.station_id, r.pcr_unit_id, r.status = 'rejected', count(*),
	ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(r.geom)), avg(ST_Y(r.geom))), 4326), 3857)`
	regroupCellsLevels = `
CROSS JOIN LATERAL (VALUES (5::smallint, r.h3_r5), (7::smallint, r.h3_r7), (8::smallint, r.h3_r8)) AS g(res, cell)`
	regroupCellsGroups = `
GROUP BY g.res, g.cell, r.h3_r5, r.district_id, r.station_id, r.pcr_unit_id, r.status = 'rejected'`
	// A few cells: each one's reports by r9 range on reports_h3_r9_idx,
	// reading only their rows.
	regroupFewCellsSQL = regroupCellsColumns + `
FROM unnest($1::bigint[]) AS p(cell)
JOIN reports r ON r.h3_r9 BETWEEN h3_r9_lo(p.cell) AND h3_r9_hi(p.cell)` + regroupCellsLevels + regroupCellsGroups
	// Many cells (a first fill, a bulk import): one sequential scan, where a
	// range scan per cell would visit most heap pages many times over.
	regroupManyCellsSQL = regroupCellsColumns + `
FROM reports r` + regroupCellsLevels + `
WHERE r.h3_r5 = ANY($1::bigint[])` + regroupCellsGroups
)

// fewDirtyCells is the most r5 cells a refresh regroups by index ranges;
// above it, one sequential scan of reports is cheaper. Uttar Pradesh has
// about 1,100 r5 cells. On 1 M synthetic reports (2-core VM): the three r5
// cells around Lucknow (89 k reports) regroup in 0.47–0.53 s by ranges and
// 0.62–0.64 s by scan; all 1,121 in 14.4 s by ranges and ~5.3 s by scan.
const fewDirtyCells = 100

// RefreshReportCells brings tile_report_cells up to date with reports,
// regrouping only the r5 cells whose reports changed since the last
// refresh. It returns false without waiting when another process is
// refreshing.
func (s *TileStore) RefreshReportCells(ctx context.Context) (bool, error) {
	done := false
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, lockReportCellsSQL).Scan(&done); err != nil || !done {
			return err
		}
		rows, _ := tx.Query(ctx, takeDirtyCellsSQL)
		cells, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(cells) == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, dropStaleCellsSQL, cells); err != nil {
			return err
		}
		regroup := regroupManyCellsSQL
		if len(cells) <= fewDirtyCells {
			regroup = regroupFewCellsSQL
		}
		_, err = tx.Exec(ctx, regroup, cells)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("refresh report cells: %w", err)
	}
	return done, nil
}

// reportPointsTileSQL selects the reports of one point tile with
// public-safe attributes only (never body text, photos or the reporter's
// code), newest first; reportPoints encodes them. $4 shows rejected
// reports; $5–$8 the scope; $9 the point cap.
const reportPointsTileSQL = `
SELECT r.id, ST_X(r.geom), ST_Y(r.geom), r.category, r.status, r.event_at
FROM reports r
WHERE r.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
	AND ($4::boolean OR r.status <> 'rejected')
	AND ($5::boolean OR r.district_id = $6::int OR r.station_id = $7::bigint OR r.pcr_unit_id = $8::bigint)
ORDER BY r.event_at DESC
LIMIT $9`

// reportPoints renders the reports layer's points: feature id the report
// id, count 1, category, status and month (YYYY-MM in IST). Like the
// hotspots, they are encoded in Go (mvt.go): PostGIS spent ten
// microseconds a point transforming, clipping and encoding them, four
// times what finding them took (bench/NOTES.md).
func (s *TileStore) reportPoints(ctx context.Context, a Address, sc Scope) ([]byte, error) {
	var (
		id               int64
		lon, lat         float64
		category, status string
		at               time.Time
		month            []byte // YYYY-MM of year, mon
		year             int
		mon              time.Month
	)
	row := func(l *mvtLayer, f tileFrame) error {
		if !l.point(f.at(mercator(lon, lat))) {
			return nil // beyond the buffer
		}
		l.attrInt("count", 1)
		l.attrString("category", category)
		l.attrString("status", status)
		ist := at.In(vikalp.IST)
		if y, m, _ := ist.Date(); y != year || m != mon { // rows come newest first: months repeat
			year, mon, month = y, m, ist.AppendFormat(month[:0], "2006-01")
		}
		l.attrBytes("month", month)
		u := uint64(id)
		l.add(&u)
		return nil
	}
	return s.encode(ctx, LayerReports, a, []any{&id, &lon, &lat, &category, &status, &at}, row,
		reportPointsTileSQL, a.Z, a.X, a.Y, sc.Moderation, sc.All, sc.DistrictID, sc.StationID, sc.PCRUnitID, maxPoints)
}

// Reports renders the reports layer: clusters at q.Res (from the rollup up
// to r8, live at r9), points when q.Res is 0.
func (s *TileStore) Reports(ctx context.Context, q Query) ([]byte, error) {
	a, sc := q.Address, q.Scope
	if q.Res == 0 {
		return s.reportPoints(ctx, a, sc)
	}
	sql := reportClustersTileSQL
	if q.Res <= 8 {
		sql = reportRollupTileSQL
	}
	return s.render(ctx, LayerReports, sql, a.Z, a.X, a.Y, q.Res, sc.Moderation,
		sc.All, sc.DistrictID, sc.StationID, sc.PCRUnitID)
}

// complaintClustersTileSQL groups located complaints by the H3 cell at $4.
// Confidential complaints are never drawn. $5–$7 the scope (all, district,
// station).
const complaintClustersTileSQL = `
SELECT ST_AsMVT(m, 'complaints', 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(c.geom)), avg(ST_Y(c.geom))), 4326), 3857),
			ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		count(*)::int AS count
	FROM complaints c
	WHERE c.geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AND NOT c.confidential
		AND ($5::boolean OR c.district_id = $6::int OR c.station_id = $7::bigint)
	GROUP BY CASE $4::int WHEN 5 THEN c.h3_r5 WHEN 7 THEN c.h3_r7 WHEN 8 THEN c.h3_r8 ELSE c.h3_r9 END
) m`

// complaintPointsTileSQL emits individual complaints: id, status, category
// and month filed, never text or anything naming the complainant. $4–$6 the
// scope; $7 the point cap.
const complaintPointsTileSQL = `
SELECT ST_AsMVT(m, 'complaints', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(c.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		c.id, 1 AS count, c.status, c.category,
		to_char(c.created_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM') AS month
	FROM complaints c
	WHERE c.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326) AND NOT c.confidential
		AND ($4::boolean OR c.district_id = $5::int OR c.station_id = $6::bigint)
	ORDER BY c.created_at DESC
	LIMIT $7
) m`

// Complaints renders the complaints layer: clusters at q.Res, points when
// q.Res is 0.
func (s *TileStore) Complaints(ctx context.Context, q Query) ([]byte, error) {
	a, sc := q.Address, q.Scope
	if q.Res == 0 {
		return s.render(ctx, LayerComplaints, complaintPointsTileSQL, a.Z, a.X, a.Y,
			sc.All, sc.DistrictID, sc.StationID, maxPoints)
	}
	return s.render(ctx, LayerComplaints, complaintClustersTileSQL, a.Z, a.X, a.Y, q.Res,
		sc.All, sc.DistrictID, sc.StationID)
}

// tipClustersTileSQL groups tip places by the H3 cell at $4. The scope is
// the tip's, as package ingest decides it: $5 all, $6 an AHTU among the
// tip's ahtu_ids.
const tipClustersTileSQL = `
SELECT ST_AsMVT(m, 'tips', 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(p.geom)), avg(ST_Y(p.geom))), 4326), 3857),
			ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		count(*)::int AS count
	FROM tip_places p JOIN tips t ON t.id = p.tip_id
	WHERE p.geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)
		AND ($5::boolean OR $6::int = ANY(t.ahtu_ids))
	GROUP BY CASE $4::int WHEN 5 THEN p.h3_r5 WHEN 7 THEN p.h3_r7 WHEN 8 THEN p.h3_r8 ELSE p.h3_r9 END
) m`

// tipPointsTileSQL emits individual tip places (feature id = place id) with
// the tip id and the month seen: never text, phones, vehicles or names. $4
// all, $5 AHTU; $6 the point cap.
const tipPointsTileSQL = `
SELECT ST_AsMVT(m, 'tips', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(p.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		p.id, 1 AS count, p.tip_id,
		to_char(COALESCE(p.seen_at, t.received_at) AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM') AS month
	FROM tip_places p JOIN tips t ON t.id = p.tip_id
	WHERE p.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
		AND ($4::boolean OR $5::int = ANY(t.ahtu_ids))
	ORDER BY p.id DESC
	LIMIT $6
) m`

// Tips renders the tips layer: clusters at q.Res, points when q.Res is 0.
func (s *TileStore) Tips(ctx context.Context, q Query) ([]byte, error) {
	a, sc := q.Address, q.Scope
	if q.Res == 0 {
		return s.render(ctx, LayerTips, tipPointsTileSQL, a.Z, a.X, a.Y, sc.All, sc.AHTUID, maxPoints)
	}
	return s.render(ctx, LayerTips, tipClustersTileSQL, a.Z, a.X, a.Y, q.Res, sc.All, sc.AHTUID)
}

// leadPointsTileSQL emits live trafficking leads (merged ones are history),
// strongest first (leads are few: no clustering). $4 all, $5 the AHTU the
// lead is routed to; $6 the cap.
const leadPointsTileSQL = `
SELECT ST_AsMVT(m, 'leads', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(l.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		l.id, 1 AS count, l.status, l.score::double precision AS score
	FROM leads l
	WHERE l.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
		AND l.merged_into IS NULL
		AND ($4::boolean OR l.ahtu_id = $5::int)
	ORDER BY l.score DESC
	LIMIT $6
) m`

// Leads renders the leads layer.
func (s *TileStore) Leads(ctx context.Context, q Query) ([]byte, error) {
	a, sc := q.Address, q.Scope
	return s.render(ctx, LayerLeads, leadPointsTileSQL, a.Z, a.X, a.Y, sc.All, sc.AHTUID, maxPoints)
}

// districtsTileSQL clips the districts' EPSG:3857 copies (00009_tiles.sql).
const districtsTileSQL = `
SELECT ST_AsMVT(m, 'districts', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(d.geom_3857, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		d.id, d.name_en, d.name_hi, d.slug
	FROM districts d
	WHERE d.geom_3857 && ST_TileEnvelope($1, $2, $3)
) m`

// Districts renders the districts layer.
func (s *TileStore) Districts(ctx context.Context, q Query) ([]byte, error) {
	a := q.Address
	return s.render(ctx, LayerDistricts, districtsTileSQL, a.Z, a.X, a.Y)
}

// policeStationsTileSQL places the police stations (EPSG:3857 copies).
const policeStationsTileSQL = `
SELECT ST_AsMVT(m, 'police_stations', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(s.geom_3857, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		s.id, s.code, s.name_en, s.name_hi, s.district_id
	FROM police_stations s
	WHERE s.geom_3857 && ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096)
) m`

// PoliceStations renders the police_stations layer.
func (s *TileStore) PoliceStations(ctx context.Context, q Query) ([]byte, error) {
	a := q.Address
	return s.render(ctx, LayerPoliceStations, policeStationsTileSQL, a.Z, a.X, a.Y)
}

// pcrUnitsTileSQL places the PCR (UP 112) units (EPSG:3857 copies).
const pcrUnitsTileSQL = `
SELECT ST_AsMVT(m, 'pcr_units', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(u.geom_3857, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		u.id, u.code, u.name_en, u.name_hi, u.district_id
	FROM pcr_units u
	WHERE u.geom_3857 && ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096)
) m`

// PCRUnits renders the pcr_units layer.
func (s *TileStore) PCRUnits(ctx context.Context, q Query) ([]byte, error) {
	a := q.Address
	return s.render(ctx, LayerPCRUnits, pcrUnitsTileSQL, a.Z, a.X, a.Y)
}

// ahtuUnitsTileSQL draws each AHTU as the union of its districts, dissolved
// per tile: only the pieces inside the buffered envelope are unioned, so a
// deep tile stays cheap; the layer is public and cached in process.
const ahtuUnitsTileSQL = `
SELECT ST_AsMVT(m, 'ahtu_units', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(ST_Union(ST_ClipByBox2D(d.geom_3857, ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096))),
			ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		a.id, a.code, a.name_en, a.name_hi
	FROM ahtu_units a
	JOIN ahtu_districts ad ON ad.ahtu_id = a.id
	JOIN districts d ON d.id = ad.district_id
	WHERE d.geom_3857 && ST_TileEnvelope($1, $2, $3)
	GROUP BY a.id
) m`

// AHTUUnits renders the ahtu_units layer.
func (s *TileStore) AHTUUnits(ctx context.Context, q Query) ([]byte, error) {
	a := q.Address
	return s.render(ctx, LayerAHTUUnits, ahtuUnitsTileSQL, a.Z, a.X, a.Y)
}

// latestHotspotRunSQL is the id of the newest finished hotspot run (0 when
// none): the hotspot cache generation. analysis_runs_kind_idx serves it.
const latestHotspotRunSQL = `
SELECT COALESCE((SELECT id FROM analysis_runs WHERE kind = 'hotspots' AND status = 'done'
	ORDER BY id DESC LIMIT 1), 0)`

// LatestHotspotRun returns the id of the newest finished hotspot analysis run.
func (s *TileStore) LatestHotspotRun(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, latestHotspotRunSQL).Scan(&id); err != nil {
		return 0, fmt.Errorf("latest hotspot run: %w", err)
	}
	return id, nil
}
