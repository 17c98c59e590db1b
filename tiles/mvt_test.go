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
// TileStore.Hotspots encoded it in Go (tiles/mvt.go): the reference the Go
// encoder is held to.
const postgisHotspotsSQL = `
SELECT ST_AsMVT(m, 'hotspots', 4096, 'geom' ORDER BY m.cell) FROM (
	SELECT ST_AsMVTGeom(h.geom, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
		to_hex(h.cell) AS cell, h.n_reports AS count, h.score, h.gi_z AS z, h.bin,
		CASE WHEN h.emerging IS NULL THEN NULL
			WHEN h.emerging_cold THEN h.emerging || '_cold' ELSE h.emerging || '_hot' END AS class
	FROM hex_stats h
	WHERE h.window_key = '30d' AND h.resolution = $4::smallint AND h.geom && ST_TileEnvelope($1, $2, $3)
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
				gf, wf := decode(t, got, tiles.LayerHotspots), decode(t, want, tiles.LayerHotspots)
				if len(gf) != len(wf) {
					t.Fatalf("%s: %d features, PostGIS %d", a, len(gf), len(wf))
				}
				for i := range gf {
					if !reflect.DeepEqual(gf[i].Properties, wf[i].Properties) {
						t.Fatalf("%s feature %d: %v, PostGIS %v", a, i, gf[i].Properties, wf[i].Properties)
					}
					if err := sameRing(gf[i].Geometry, wf[i].Geometry); err != nil {
						t.Fatalf("%s feature %d (%v): %v", a, i, gf[i].Properties["cell"], err)
					}
				}
				features += len(gf)
			}
		}
	}
	if features < 1000 {
		t.Fatalf("compared only %d features", features)
	}
	t.Logf("%d features equal to PostGIS's", features)
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
