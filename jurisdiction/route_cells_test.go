package jurisdiction_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/jurisdiction"
)

// routeCellsFixtureSQL is one square district with one station (so every
// point in it goes to that station), two PCR units (with one, whose
// Voronoi diagram is empty, every point would take the nearest-unit
// search and no cell could be stored) and no AHTU.
const routeCellsFixtureSQL = `
INSERT INTO districts (id, name_en, name_hi, slug, geom, hq) VALUES
 (162, 'Lucknow', 'लखनऊ', 'lucknow',
  ST_Multi(ST_MakeEnvelope(80.8, 26.7, 81.2, 27.1, 4326)), ST_SetSRID(ST_MakePoint(80.95, 26.85), 4326));
INSERT INTO police_stations (code, name_en, name_hi, district_id, geom, is_default) VALUES
 ('LKO-1', 'Hazratganj', 'हजरतगंज', 162, ST_SetSRID(ST_MakePoint(80.9, 26.9), 4326), true);
INSERT INTO pcr_units (code, name_en, name_hi, district_id, geom) VALUES
 ('LKO-PCR', 'PCR Lucknow', 'पीसीआर लखनऊ', 162, ST_SetSRID(ST_MakePoint(80.95, 26.85), 4326)),
 ('LKO-PCR-2', 'PCR Gomti Nagar', 'पीसीआर गोमती नगर', 162, ST_SetSRID(ST_MakePoint(81.1, 26.9), 4326))`

func TestRouteCells(t *testing.T) {
	t.Parallel()
	setupCells := func(t *testing.T) (context.Context, *pgxpool.Pool) {
		t.Helper()
		ctx, db := setup(t)
		if _, err := db.Exec(ctx, routeCellsFixtureSQL); err != nil {
			t.Fatal(err)
		}
		return ctx, db
	}

	t.Run("RebuildRoutesInteriorCells", func(t *testing.T) {
		t.Parallel()
		ctx, db := setupCells(t)
		if valid(ctx, t, db) {
			t.Fatal("route cells valid before any rebuild")
		}
		if _, _, err := jurisdiction.EnsureRouteCells(ctx, db); err != nil {
			t.Fatal(err)
		}
		// The square is ~40 km a side: ~2,300 r8 cells, less a band along
		// its edges and the edge between the PCR units' Voronoi cells.
		if n := cellCount(ctx, t, db); n < 1500 || n > 2600 || !valid(ctx, t, db) {
			t.Fatalf("%d cells stored (valid %v), want ~2,000 and valid", n, valid(ctx, t, db))
		}
		centre := int64(h3.LatLngToCell(h3.LatLng{Lat: 26.9, Lng: 81.0}, jurisdiction.RouteCellResolution))
		var district int
		var ahtu *int
		err := db.QueryRow(ctx, `SELECT c.district_id, c.ahtu_id FROM route_cells c
			JOIN police_stations s ON s.id = c.station_id AND s.code = 'LKO-1'
			JOIN pcr_units u ON u.id = c.pcr_unit_id AND u.code = 'LKO-PCR'
			WHERE c.h3 = $1`, centre).Scan(&district, &ahtu)
		if err != nil || district != 162 || ahtu != nil {
			t.Fatalf("centre cell: district %d, ahtu %v, err %v; want 162, LKO-1, LKO-PCR, no AHTU", district, ahtu, err)
		}
		edge := int64(h3.LatLngToCell(h3.LatLng{Lat: 26.9, Lng: 80.8001}, jurisdiction.RouteCellResolution))
		if n := cellCount(ctx, t, db, edge); n != 0 {
			t.Errorf("a cell on the district's edge is stored")
		}
	})

	// A statement that really changes a table routing reads (any column,
	// a boundary moved by a millimetre, a unit moved to another district,
	// any inserted or deleted row, a truncation) empties the cells in the
	// writing transaction, whoever writes; EnsureRouteCells rebuilds them.
	// prepare runs before the cells are built.
	for name, tt := range map[string]struct{ prepare, write string }{
		"RenameDistrict":       {write: `UPDATE districts SET name_en = 'Lucknow City'`},
		"MoveDistrictBoundary": {write: `UPDATE districts SET geom = ST_Translate(geom, 1e-8, 0)`}, // ~1 mm
		"InsertStation":        {write: `INSERT INTO police_stations (code, name_en, name_hi, district_id, geom) VALUES ('LKO-2', 'Gomti Nagar', 'गोमती नगर', 162, ST_SetSRID(ST_MakePoint(81.1, 26.9), 4326))`},
		"MoveStation":          {write: `UPDATE police_stations SET geom = ST_Translate(geom, 0, 1e-8)`},
		"UpdateStationArea":    {write: `UPDATE police_stations SET area = ST_Multi(ST_MakeEnvelope(80.8, 26.7, 81.0, 27.1, 4326))`},
		"ReassignPCRUnit": {
			prepare: `INSERT INTO districts (id, name_en, name_hi, slug, geom) VALUES
				(163, 'Unnao', 'उन्नाव', 'unnao', ST_Multi(ST_MakeEnvelope(80.4, 26.7, 80.8, 27.1, 4326)))`,
			write: `UPDATE pcr_units SET district_id = 163 WHERE code = 'LKO-PCR-2'`,
		},
		"DeletePCRUnit":  {write: `DELETE FROM pcr_units WHERE code = 'LKO-PCR-2'`},
		"AssignAHTU":     {write: routeCellsAHTUSQL + `; INSERT INTO ahtu_districts VALUES (162, 1)`},
		"UnassignAHTU":   {prepare: routeCellsAHTUSQL + `; INSERT INTO ahtu_districts VALUES (162, 1)`, write: `DELETE FROM ahtu_districts`},
		"TruncateAHTUs":  {write: `TRUNCATE ahtu_districts`},
		"UpsertNewValue": {write: `INSERT INTO pcr_units (code, name_en, name_hi, district_id, geom) VALUES ('LKO-PCR', 'PCR Lucknow', 'पीसीआर लखनऊ', 162, ST_SetSRID(ST_MakePoint(80.96, 26.85), 4326)) ON CONFLICT (code) DO UPDATE SET geom = EXCLUDED.geom`},
	} {
		t.Run("Invalidate"+name, func(t *testing.T) {
			t.Parallel()
			ctx, db := setupCells(t)
			if tt.prepare != "" {
				if _, err := db.Exec(ctx, tt.prepare); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := jurisdiction.RebuildRouteCells(ctx, db); err != nil {
				t.Fatal(err)
			}
			tx, err := db.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx) //nolint:errcheck // committed below
			if _, err := tx.Exec(ctx, tt.write); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM route_cells`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("the writing transaction sees %d cells (%v), want none", n, err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if n := cellCount(ctx, t, db); n != 0 || valid(ctx, t, db) {
				t.Fatalf("after %s: %d cells, valid %v; want none and invalid", name, n, valid(ctx, t, db))
			}
			if _, _, err := jurisdiction.EnsureRouteCells(ctx, db); err != nil {
				t.Fatal(err)
			}
			if !valid(ctx, t, db) {
				t.Fatal("not valid after EnsureRouteCells")
			}
		})
	}

	// A statement that writes nothing new (as a repeated seed's upserts,
	// which skip identical rows) leaves the cells alone (migration 00046).
	for name, write := range map[string]string{
		"UpdateToSameValues": `UPDATE districts SET name_en = name_en, geom = geom, hq = hq`,
		"UpsertSameValues":   `INSERT INTO police_stations (code, name_en, name_hi, district_id, geom, is_default) VALUES ('LKO-1', 'Hazratganj', 'हजरतगंज', 162, ST_SetSRID(ST_MakePoint(80.9, 26.9), 4326), true) ON CONFLICT (code) DO UPDATE SET name_en = EXCLUDED.name_en, district_id = EXCLUDED.district_id, geom = EXCLUDED.geom, is_default = EXCLUDED.is_default`,
		"UpsertSkipped":      `INSERT INTO pcr_units AS u (code, name_en, name_hi, district_id, geom) VALUES ('LKO-PCR', 'PCR Lucknow', 'पीसीआर लखनऊ', 162, ST_SetSRID(ST_MakePoint(80.95, 26.85), 4326)) ON CONFLICT (code) DO UPDATE SET geom = EXCLUDED.geom WHERE ST_AsBinary(u.geom) IS DISTINCT FROM ST_AsBinary(EXCLUDED.geom)`,
		"InsertNothing":      `INSERT INTO districts (id, name_en, slug, geom) SELECT 162, 'Lucknow', 'lucknow', geom FROM districts ON CONFLICT DO NOTHING`,
		"UpdateNoRow":        `UPDATE ahtu_districts SET ahtu_id = ahtu_id`,
		"DeleteNoRow":        `DELETE FROM pcr_units WHERE code = 'NONE'`,
	} {
		t.Run("Keep"+name, func(t *testing.T) {
			t.Parallel()
			ctx, db := setupCells(t)
			want, err := jurisdiction.RebuildRouteCells(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, write); err != nil {
				t.Fatal(err)
			}
			if n := cellCount(ctx, t, db); n != want || !valid(ctx, t, db) {
				t.Fatalf("after %s: %d cells, valid %v; want %d and valid", name, n, valid(ctx, t, db), want)
			}
			if _, rebuilt, err := jurisdiction.EnsureRouteCells(ctx, db); err != nil || rebuilt {
				t.Fatalf("EnsureRouteCells rebuilt %v (%v), want nothing to do", rebuilt, err)
			}
		})
	}
}

// routeCellsAHTUSQL creates AHTU 1 for the route cell tests.
const routeCellsAHTUSQL = `INSERT INTO ahtu_units (id, code, name_en, name_hi, hq) VALUES (1, 'A1', 'AHTU', 'एएचटीयू', ST_SetSRID(ST_MakePoint(80.9, 26.9), 4326))`

// cellCount counts route_cells, or the given cells among them.
func cellCount(ctx context.Context, t *testing.T, db *pgxpool.Pool, cells ...int64) int {
	t.Helper()
	var n int
	q, args := `SELECT count(*) FROM route_cells`, []any{}
	if len(cells) > 0 {
		q, args = q+` WHERE h3 = ANY($1)`, []any{cells}
	}
	if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// valid reports route_cells_state.valid.
func valid(ctx context.Context, t *testing.T, db *pgxpool.Pool) bool {
	t.Helper()
	ok, err := jurisdiction.NewRouteCellStore(db).Valid(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
