package tiles_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
	"github.com/vikalp/vikalp/tiles"
)

// bundle is what a tiles test works with: a seeded database and a service.
type bundle struct {
	ctx context.Context
	db  *pgxpool.Pool
	svc *tiles.Service
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	testkit.SeedJurisdictions(ctx, t, db)
	if _, err := db.Exec(ctx, `CREATE TABLE test_hexagons (cell bigint PRIMARY KEY, geom geometry(Polygon, 3857) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	svc := tiles.NewService(db, tiles.Deps{Config: tiles.Config{RunCheckInterval: time.Millisecond}})
	return &bundle{ctx: ctx, db: db, svc: svc}
}

// user creates a staff account and returns its principal.
func (b *bundle) user(t *testing.T, role auth.Role, scope auth.Scope) auth.Principal {
	t.Helper()
	return testkit.User(b.ctx, t, b.db, role, scope)
}

// districtAt returns the id of the district containing lat, lon.
func (b *bundle) districtAt(t *testing.T, lat, lon float64) int {
	t.Helper()
	var id int
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM districts
		ORDER BY geom <-> ST_SetSRID(ST_MakePoint($2, $1), 4326) LIMIT 1`, lat, lon).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// ahtuAt returns the AHTU covering the district containing lat, lon.
func (b *bundle) ahtuAt(t *testing.T, lat, lon float64) int {
	t.Helper()
	var id int
	if err := b.db.QueryRow(b.ctx, `SELECT ahtu_id FROM ahtu_districts WHERE district_id = $1`,
		b.districtAt(t, lat, lon)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// report inserts a report at lat, lon with status and returns its id.
func (b *bundle) report(t *testing.T, lat, lon float64, status string) int64 {
	t.Helper()
	c, err := geo.Index(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	var reason *string
	if status == "rejected" {
		spam := "spam"
		reason = &spam
	}
	var id int64
	err = b.db.QueryRow(b.ctx, `INSERT INTO reports (source, status, reject_reason, category, received_at,
		event_at, location_source, geom, h3_r5, h3_r7, h3_r8, h3_r9, district_id)
		VALUES ('import', $1, $2, 'stalking', now(), now(), 'import', ST_SetSRID(ST_MakePoint($4, $3), 4326),
		$5, $6, $7, $8, $9) RETURNING id`,
		status, reason, lat, lon, c.R5, c.R7, c.R8, c.R9, b.districtAt(t, lat, lon)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// tip inserts a tip with one place at lat, lon, routed to the AHTU covering
// it, and returns the place id.
func (b *bundle) tip(t *testing.T, code string, lat, lon float64) int64 {
	t.Helper()
	c, err := geo.Index(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	d, a := b.districtAt(t, lat, lon), b.ahtuAt(t, lat, lon)
	var tipID, placeID int64
	if err := b.db.QueryRow(b.ctx, `INSERT INTO tips (code, body, district_ids, ahtu_ids, received_at)
		VALUES ($1, 'seen near the station', $2, $3, now()) RETURNING id`, code, []int{d}, []int{a}).Scan(&tipID); err != nil {
		t.Fatal(err)
	}
	if err := b.db.QueryRow(b.ctx, `INSERT INTO tip_places (tip_id, n, geom, h3_r5, h3_r7, h3_r8, h3_r9, district_id, ahtu_id)
		VALUES ($1, 1, ST_SetSRID(ST_MakePoint($3, $2), 4326), $4, $5, $6, $7, $8, $9) RETURNING id`,
		tipID, lat, lon, c.R5, c.R7, c.R8, c.R9, d, a).Scan(&placeID); err != nil {
		t.Fatal(err)
	}
	return placeID
}

// run records a finished hotspot analysis run and returns its id.
func (b *bundle) run(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := b.db.QueryRow(b.ctx, `INSERT INTO analysis_runs (kind, status, started_at, finished_at)
		VALUES ('hotspots', 'done', now(), now()) RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// hex stores hotspot statistics for cell in the 30d window of run, and
// the cell's hexagon, projected by PostGIS, in test_hexagons (the
// reference postgisHotspotsSQL draws; hex_stats holds no geometry).
func (b *bundle) hex(t *testing.T, run, cell int64, nDistinct int, district int) {
	t.Helper()
	poly, err := wkb.Marshal(geo.HexPolygon(cell))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.Exec(b.ctx, `INSERT INTO hex_stats (window_key, resolution, cell, run_id, window_start, window_end,
		n_reports, n_distinct, score, gi_z, gi_p, gi_p_fdr, bin, emerging, district_id)
		VALUES ('30d', $1, $2, $3, now() - interval '30 days', now(), $4::int, $4::int, $4::float8, 2.7, 0.007, 0.02, 3, 'new', $5)
		ON CONFLICT (window_key, resolution, cell) DO UPDATE SET run_id = EXCLUDED.run_id,
		n_reports = EXCLUDED.n_reports, n_distinct = EXCLUDED.n_distinct`,
		geo.Resolution(cell), cell, run, nDistinct, district)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.Exec(b.ctx, `INSERT INTO test_hexagons VALUES ($1, ST_Transform(ST_GeomFromWKB($2, 4326), 3857)) ON CONFLICT DO NOTHING`, cell, poly)
	if err != nil {
		t.Fatal(err)
	}
}

// decode parses an MVT with orb's independent decoder and returns the
// features of layer name (none for an empty tile), in tile coordinates.
func decode(t *testing.T, data []byte, name string) []*geojson.Feature {
	t.Helper()
	if len(data) == 0 {
		return nil
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	if len(layers) != 1 || layers[0].Name != name || layers[0].Extent != tiles.Extent {
		t.Fatalf("want one %s layer of extent %d, got %d layers", name, tiles.Extent, len(layers))
	}
	return layers[0].Features
}

// tile fetches one tile through the service, failing the test on error.
func (b *bundle) tile(t *testing.T, p auth.Principal, layer string, a tiles.Address) []*geojson.Feature {
	t.Helper()
	tl, err := b.svc.Tile(b.ctx, p, tiles.Request{Layer: layer, Address: a})
	if err != nil {
		t.Fatalf("%s tile %s: %v", layer, a, err)
	}
	return decode(t, tl.Data, layer)
}

// nearPixel reports whether point g lies within one unit of x, y.
func nearPixel(g orb.Geometry, x, y float64) bool {
	p, ok := g.(orb.Point)
	return ok && abs(p[0]-x) <= 1 && abs(p[1]-y) <= 1
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// Places in Uttar Pradesh, as lat, lon.
var (
	lucknow   = testkit.Lucknow
	gorakhpur = testkit.Gorakhpur
	agra      = testkit.Agra
)

// hexCell is cell as the hotspots layer writes it (to_hex).
func hexCell(cell int64) string { return strconv.FormatInt(cell, 16) }

// hasCell reports whether fs holds the hotspot cell hex.
func hasCell(fs []*geojson.Feature, hex string) bool {
	for _, f := range fs {
		if f.Properties["cell"] == hex {
			return true
		}
	}
	return false
}

// total sums the count property of fs.
func total(fs []*geojson.Feature) float64 {
	n := 0.0
	for _, f := range fs {
		c, _ := f.Properties["count"].(float64)
		n += c
	}
	return n
}
