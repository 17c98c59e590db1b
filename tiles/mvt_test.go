package tiles_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/tiles"
)

// postgisHotspotsSQL is the hotspots tile as PostGIS encoded it before
// TileStore.Hotspots encoded it in Go (tiles/mvt.go), and before hex_stats
// dropped its hexagons (migration 00051): the reference the Go encoder is
// held to. The hexagons, projected by PostGIS, are test_hexagons' (b.hex).
const postgisHotspotsSQL = `
SELECT ST_AsMVT(m, 'hotspots', 4096, 'geom' ORDER BY m.cell) FROM (
	SELECT ST_AsMVTGeom(x.geom, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		to_hex(h.cell) AS cell, h.n_reports AS count, h.score, h.gi_z AS z, h.bin,
		CASE WHEN h.emerging IS NULL THEN NULL
			WHEN h.emerging_cold THEN h.emerging || '_cold' ELSE h.emerging || '_hot' END AS class
	FROM hex_stats h JOIN test_hexagons x USING (cell)
	WHERE h.window_key = '30d' AND h.resolution = $4::smallint AND x.geom && ST_TileEnvelope($1, $2, $3)
) m`

// TestHotspotEncoding holds the Go encoding of hotspot tiles to PostGIS's
// ST_AsMVT(ST_AsMVTGeom(…)) over the same rows: the same features in the
// same order with the same attributes (negative and NULL ones included)
// and the same vertices, at every zoom hotspots are drawn at, on the tiles
// around Lucknow and their edges, where hexagons are clipped.
func TestHotspotEncoding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	run := b.run(t)
	district := b.districtAt(t, lucknow[0], lucknow[1])
	seen := map[int64]bool{}
	for i := -30; i <= 30; i++ {
		for j := -30; j <= 30; j++ {
			c, err := geo.Index(lucknow[0]+float64(i)*0.012, lucknow[1]+float64(j)*0.012)
			if err != nil {
				t.Fatal(err)
			}
			r6, _ := geo.Parent(c.R9, 6)
			for _, cell := range []int64{r6, c.R7, c.R8, c.R9} {
				if cell%5 == 0 || seen[cell] { // leave holes
					continue
				}
				seen[cell] = true
				b.hex(t, run, cell, 1+int(cell%7), district)
			}
		}
	}
	// Cold cells (negative z and bin) and cells without an emerging class.
	if _, err := b.db.Exec(b.ctx, `UPDATE hex_stats SET gi_z = -gi_z - cell % 3, bin = -2, emerging_cold = true
		WHERE cell % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Exec(b.ctx, `UPDATE hex_stats SET emerging = NULL, score = score / 3 WHERE cell % 4 = 1`); err != nil {
		t.Fatal(err)
	}
	store := tiles.NewTileStore(b.db)
	features := 0
	for z := 8; z <= 14; z++ {
		c := tiles.TileOf(lucknow[0], lucknow[1], z)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				a := tiles.Address{Z: z, X: c.X + dx, Y: c.Y + dy}
				res := geo.ResolutionForZoom(z)
				got, err := store.Hotspots(b.ctx, tiles.Query{Address: a, Window: "30d", Res: res, Scope: tiles.Scope{All: true}})
				if err != nil {
					t.Fatal(err)
				}
				var want []byte
				if err := b.db.QueryRow(b.ctx, postgisHotspotsSQL, a.Z, a.X, a.Y, res).Scan(&want); err != nil {
					t.Fatal(err)
				}
				features += sameFeatures(t, a, tiles.LayerHotspots, got, want)
			}
		}
	}
	if features < 1000 {
		t.Fatalf("compared only %d features", features)
	}
	t.Logf("%d features equal to PostGIS's", features)
}

// sameFeatures checks that tile got (Go's encoding) holds the features of
// want (PostGIS's) in layer: the same number, in the same order, with the
// same ids, attributes and geometry (rings may start at another vertex).
// It returns how many it compared.
func sameFeatures(t *testing.T, a tiles.Address, layer string, got, want []byte) int {
	t.Helper()
	gf, wf := decode(t, got, layer), decode(t, want, layer)
	if len(gf) != len(wf) {
		t.Fatalf("%s: %d features, PostGIS %d", a, len(gf), len(wf))
	}
	for i := range gf {
		if gf[i].ID != wf[i].ID || !reflect.DeepEqual(gf[i].Properties, wf[i].Properties) {
			t.Fatalf("%s feature %d: %v %v, PostGIS %v %v", a, i, gf[i].ID, gf[i].Properties, wf[i].ID, wf[i].Properties)
		}
		if _, point := wf[i].Geometry.(orb.Point); point && gf[i].Geometry != wf[i].Geometry {
			t.Fatalf("%s feature %d: %v, PostGIS %v", a, i, gf[i].Geometry, wf[i].Geometry)
		} else if !point {
			if err := sameRing(gf[i].Geometry, wf[i].Geometry); err != nil {
				t.Fatalf("%s feature %d (%v): %v", a, i, gf[i].Properties, err)
			}
		}
	}
	return len(gf)
}

// sameRing checks that two decoded polygons have one ring each with the
// same vertices in the same order, starting anywhere (clipping may start a
// ring at another vertex).
func sameRing(got, want orb.Geometry) error {
	gp, ok1 := got.(orb.Polygon)
	wp, ok2 := want.(orb.Polygon)
	if !ok1 || !ok2 || len(gp) != 1 || len(wp) != 1 || len(gp[0]) != len(wp[0]) {
		return fmt.Errorf("geometry %v, PostGIS %v", got, want)
	}
	g, w := gp[0][:len(gp[0])-1], wp[0][:len(wp[0])-1] // decoded rings are closed
	for start := range w {
		if slices.Equal(g, append(slices.Clone(w[start:]), w[:start]...)) {
			return nil
		}
	}
	return fmt.Errorf("ring %v, PostGIS %v", gp[0], wp[0])
}

// postgisReportPointsSQL is the reports layer's point tile as PostGIS
// encoded it before TileStore.Reports encoded points in Go.
const postgisReportPointsSQL = `
SELECT ST_AsMVT(m, 'reports', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(r.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		r.id, 1 AS count, r.category, r.status,
		to_char(r.event_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM') AS month
	FROM reports r
	WHERE r.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
		AND ($4::boolean OR r.status <> 'rejected')
	ORDER BY r.event_at DESC
	LIMIT 5000
) m`

// TestReportPointEncoding holds the Go encoding of report point tiles to
// PostGIS's over the same rows: the same features (ids, attributes,
// points) in the same order, with and without rejected reports, on the
// tiles around a z14 tile over Lucknow and at z15–16 inside it, points in
// the clip buffer and beyond it included.
func TestReportPointEncoding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := tiles.TileOf(lucknow[0], lucknow[1], 14)
	bound := base.Bound()
	statuses := []string{"approved", "pending", "rejected"}
	for i := range 24 {
		for j := range 24 {
			// A grid from a third of a tile outside it to a third beyond, with
			// an irregular offset so that points fall between tile units.
			lon := bound.Min[0] + (bound.Max[0]-bound.Min[0])*(float64(i)-8+0.37*float64(j%3))/8
			lat := bound.Min[1] + (bound.Max[1]-bound.Min[1])*(float64(j)-8+0.29*float64(i%5))/8
			b.report(t, lat, lon, statuses[(i+j)%3])
		}
	}
	if _, err := b.db.Exec(b.ctx, `UPDATE reports SET event_at = now() - id * interval '37 hours',
		category = (ARRAY['stalking', 'groping', 'catcalling_comments'])[id % 3 + 1]`); err != nil {
		t.Fatal(err)
	}
	// Two reports in the z14 tile (grid points 8,8 and 8,9) one second either
	// side of IST midnight at a month's end, in January and in February IST
	// though on the same UTC day.
	if _, err := b.db.Exec(b.ctx, `UPDATE reports SET event_at = CASE id - (SELECT min(id) FROM reports)
		WHEN 200 THEN timestamptz '2026-01-31 18:29:59Z' ELSE timestamptz '2026-01-31 18:30:00Z' END
		WHERE id - (SELECT min(id) FROM reports) IN (200, 201)`); err != nil {
		t.Fatal(err)
	}
	var first int64
	if err := b.db.QueryRow(b.ctx, `SELECT min(id) FROM reports`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	months := map[int64]string{} // grid point 200, 201 → their month in the tiles
	store := tiles.NewTileStore(b.db)
	var addrs []tiles.Address
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			addrs = append(addrs, tiles.Address{Z: 14, X: base.X + dx, Y: base.Y + dy})
		}
	}
	for z := 15; z <= 16; z++ {
		c := tiles.TileOf(lucknow[0], lucknow[1], z)
		addrs = append(addrs, c, tiles.Address{Z: z, X: c.X + 1, Y: c.Y})
	}
	features := 0
	for _, moderation := range []bool{false, true} {
		for _, a := range addrs {
			got, err := store.Reports(b.ctx, tiles.Query{Address: a, Scope: tiles.Scope{All: true, Moderation: moderation}})
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			if err := b.db.QueryRow(b.ctx, postgisReportPointsSQL, a.Z, a.X, a.Y, moderation).Scan(&want); err != nil {
				t.Fatal(err)
			}
			features += sameFeatures(t, a, tiles.LayerReports, got, want)
			for _, f := range decode(t, got, tiles.LayerReports) {
				if id, ok := f.ID.(float64); ok && (int64(id) == first+200 || int64(id) == first+201) {
					months[int64(id)-first] = f.Properties["month"].(string)
				}
			}
		}
	}
	if features < 500 || months[200] != "2026-01" || months[201] != "2026-02" {
		t.Fatalf("compared only %d features, months %v", features, months)
	}
	t.Logf("%d features equal to PostGIS's", features)
}

// postgisHeatSQL is the heat tile as PostGIS encoded it before
// TileStore.Heat encoded its squares in Go (state scope).
const postgisHeatSQL = `WITH g AS (
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
	GROUP BY d.x, d.y
), blocks AS (
	SELECT c.x >> g.k AS bx, c.y >> g.k AS by, sum(c.density) / (1 << (2 * g.k)) AS density,
		max(c.density) AS peak
	FROM cells c, g
	GROUP BY 1, 2, g.k
)
SELECT ST_AsMVT(m, 'heat', 4096, 'geom') FROM (
	SELECT ST_AsMVTGeom(ST_MakeEnvelope(b.bx * s.s, b.by * s.s, (b.bx + 1) * s.s, (b.by + 1) * s.s, 3857),
			g.e, 4096, 64, true) AS geom,
		round(b.density::numeric, 2)::float8 AS density, round(least(b.peak / g.ref, 1)::numeric, 2)::float8 AS level
	FROM blocks b, g, LATERAL (SELECT g.c * (1 << g.k) AS s) s
	ORDER BY b.bx, b.by
) m`

// TestHeatEncoding holds the Go encoding of heat tiles to PostGIS's over
// the same blocks: the same squares (clipped ones included) with the same
// density and level, in the same order, for the state and a district, at
// every zoom the layer is drawn at around Lucknow, where the 1 km cells are
// merged into blocks up to zoom 9.
func TestHeatEncoding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	run := b.run(t)
	lko := b.districtAt(t, lucknow[0], lucknow[1])
	agra := b.districtAt(t, agra[0], agra[1])
	for i := range 30 {
		lat, lon := lucknow[0]+float64(i%6)*0.11-0.3, lucknow[1]+float64(i/6)*0.13-0.3
		b.density(t, run, lat, lon, lko, 10+float64(i), 20)
		if i%4 == 0 {
			b.density(t, run, lat+0.004, lon, agra, 3+float64(i)/7, 20)
		}
	}
	store := tiles.NewTileStore(b.db)
	features := 0
	for _, sc := range []tiles.Scope{{All: true}, {DistrictID: lko}} {
		for z := 4; z <= 14; z++ {
			c := tiles.TileOf(lucknow[0], lucknow[1], z)
			for _, a := range []tiles.Address{c, {Z: z, X: c.X + 1, Y: c.Y}, {Z: z, X: c.X, Y: c.Y - 1}} {
				got, err := store.Heat(b.ctx, tiles.Query{Address: a, Window: "30d", Scope: sc})
				if err != nil {
					t.Fatal(err)
				}
				var want []byte
				if err := b.db.QueryRow(b.ctx, postgisHeatSQL, a.Z, a.X, a.Y, "30d", sc.All, sc.DistrictID).Scan(&want); err != nil {
					t.Fatal(err)
				}
				features += sameFeatures(t, a, tiles.LayerHeat, got, want)
			}
		}
	}
	if features < 500 {
		t.Fatalf("compared only %d features", features)
	}
	t.Logf("%d features equal to PostGIS's", features)
}
