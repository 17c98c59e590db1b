package ingest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/shareddata"
	"github.com/vikalp/vikalp/jurisdiction"
)

// TestRouteCellsRouteLikeTheExactSQL routes the same points twice through
// the import's staged batch, once with route_cells and once with it
// emptied (every row by exact point-in-polygon), on the demo jurisdictions
// with generated and with real district boundaries, and wants identical
// district, station, PCR unit and AHTU for every point. The points probe
// where the table could go wrong: on and a few metres either side of every
// district boundary, station area and PCR zone, at the corners of the
// stored cells nearest the cells left out, and scattered over the state.
func TestRouteCellsRouteLikeTheExactSQL(t *testing.T) {
	t.Parallel()
	for _, real := range []bool{false, true} {
		t.Run(map[bool]string{false: "Generated", true: "Real"}[real], func(t *testing.T) {
			t.Parallel()
			ctx, db := context.Background(), pgtest.New(t)
			file := ""
			if real {
				file = shareddata.File(t, "up-districts.geojson")
			}
			if _, err := jurisdiction.SeedDemo(ctx, db, file, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := jurisdiction.RebuildRouteCells(ctx, db); err != nil {
				t.Fatal(err)
			}
			pts := append(boundaryPoints(ctx, t, db), cellCornerPoints(ctx, t, db)...)
			r := rand.New(rand.NewPCG(1, 2))
			for range 3000 {
				pts = append(pts, [2]float64{23.8 + r.Float64()*6.8, 77.0 + r.Float64()*7.8})
			}
			byCell, fromTable := routeBatch(ctx, t, db, pts, true)
			exact, _ := routeBatch(ctx, t, db, pts, false)
			if len(byCell) != len(exact) {
				t.Fatalf("%d rows routed with the cell table, %d without", len(byCell), len(exact))
			}
			diff := 0
			for id, want := range exact {
				if got := byCell[id]; got != want {
					if diff++; diff <= 10 {
						var i int
						fmt.Sscanf(id, "p%d", &i)
						t.Errorf("point %s (%.7f, %.7f): cell table routes %+v, exact SQL %+v", id, pts[i][0], pts[i][1], got, want)
					}
				}
			}
			// The comparison means something only if many rows, the
			// corners included, took the table.
			if fromTable < len(pts)/4 {
				t.Errorf("%d of %d points resolved from the cell table, want a quarter at least", fromTable, len(pts))
			}
			t.Logf("%d points, %d from the cell table, %d differ", len(pts), fromTable, diff)
		})
	}
}

// boundaryPoints are points on the edges of every district, station area,
// PCR zone and PCR Voronoi cell (at vertices and mid-segment) and ~1 m,
// ~10 m and ~100 m off them in eight directions, as lat, lon.
func boundaryPoints(ctx context.Context, t *testing.T, db *pgxpool.Pool) [][2]float64 {
	t.Helper()
	rows, err := db.Query(ctx, `
		WITH polygons AS (
			SELECT geom AS g FROM districts
			UNION ALL SELECT area FROM police_stations WHERE area IS NOT NULL
			UNION ALL SELECT zone FROM pcr_units WHERE zone IS NOT NULL
			UNION ALL SELECT cell FROM (`+jurisdiction.PCRVoronoiCellsSQL+`) v
		), segs AS (
			SELECT s.geom AS seg, row_number() OVER () AS n FROM polygons, ST_DumpSegments(g) s
		), on_edge AS (
			SELECT ST_LineInterpolatePoint(seg, f) AS p FROM segs, unnest(ARRAY[0, 0.5]) f WHERE n % 50 = 0
		)
		SELECT ST_Y(p) + dy * d, ST_X(p) + dx * d
		FROM on_edge, unnest(ARRAY[0, 1e-5, 1e-4, 1e-3]) d,
			(VALUES (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)) o(dx, dy)
		WHERE d > 0 OR (dx = 1 AND dy = 0)`)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([2]float64, error) {
		var p [2]float64
		err := row.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// cellCornerPoints are points just inside the outer corners of the r9
// children of the stored cells that border a cell left out (the stored
// cells nearest some boundary): a row's h3_r8 is its r9 cell's parent, so
// these are the farthest points a stored cell answers for, as lat, lon.
func cellCornerPoints(ctx context.Context, t *testing.T, db *pgxpool.Pool) [][2]float64 {
	t.Helper()
	stored, err := pg.QueryAll(ctx, db, pgx.RowTo[int64], `SELECT h3 FROM route_cells`)
	if err != nil {
		t.Fatal(err)
	}
	in := make(map[int64]bool, len(stored))
	for _, c := range stored {
		in[c] = true
	}
	var pts [][2]float64
	for i, c := range stored {
		cell := h3.Cell(c)
		border := false
		for _, n := range cell.GridDisk(1) {
			border = border || !in[int64(n)]
		}
		if !border || i%16 != 0 {
			continue
		}
		for _, child := range cell.Children(9) {
			ll := child.LatLng()
			for _, v := range child.Boundary() {
				lat, lon := ll.Lat+(v.Lat-ll.Lat)*0.999, ll.Lng+(v.Lng-ll.Lng)*0.999
				pts = append(pts, [2]float64{lat, lon})
			}
		}
	}
	return pts
}

// routing is one imported row's units (0 for none).
type routing struct {
	District, AHTU   int
	Station, PCRUnit int64
}

// routeBatch loads pts as one staged import batch in a transaction it
// rolls back and returns each row's routing by source_id, and how many
// points lay in a cell of route_cells. Without withCells it empties
// route_cells first, so every row takes the exact SQL.
func routeBatch(ctx context.Context, t *testing.T, db *pgxpool.Pool, pts [][2]float64, withCells bool) (map[string]routing, int) {
	t.Helper()
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // always rolled back
	if !withCells {
		if _, err := tx.Exec(ctx, `DELETE FROM route_cells`); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	var inTable int
	_, err = ingest.LoadStagedBatch(ctx, tx, func(ctx context.Context, tx pgx.Tx) (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{ingest.ImportStagingTable}, ingest.ImportStagingColumns,
			pgx.CopyFromSlice(len(pts), func(i int) ([]any, error) {
				c, err := geo.Index(pts[i][0], pts[i][1])
				return []any{i + 1, fmt.Sprint("p", i), at, "stalking", "", pts[i][0], pts[i][1],
					c.R5, c.R7, c.R8, c.R9}, err
			}))
	})
	if err != nil {
		t.Fatal(err)
	}
	if withCells {
		err := tx.QueryRow(ctx, `SELECT count(*) FROM reports r JOIN route_cells c ON c.h3 = r.h3_r8
			WHERE r.source = 'import'`).Scan(&inTable)
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.Query(ctx, `SELECT source_id, district_id, COALESCE(station_id, 0), COALESCE(pcr_unit_id, 0),
		COALESCE(ahtu_id, 0) FROM reports WHERE source = 'import'`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]routing{}
	for rows.Next() {
		var id string
		var r routing
		if err := rows.Scan(&id, &r.District, &r.Station, &r.PCRUnit, &r.AHTU); err != nil {
			t.Fatal(err)
		}
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out, inTable
}
