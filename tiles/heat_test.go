package tiles_test

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/tiles"
)

// density stores a 1 km density grid for window 30d of run (level 1 at
// ref) and a 3 × 3 block of cells of district around lat, lon, the centre
// at peak and the ring at peak/4.
func (b *bundle) density(t *testing.T, run int64, lat, lon float64, district int, peak, ref float64) {
	t.Helper()
	if _, err := b.db.Exec(b.ctx, `INSERT INTO density_grids (window_key, run_id, cell_size, bandwidth, ref_density)
		VALUES ('30d', $1, 1000, 1500, $2) ON CONFLICT (window_key) DO NOTHING`, run, ref); err != nil {
		t.Fatal(err)
	}
	p := project.WGS84.ToMercator(orb.Point{lon, lat})
	cx, cy := int(math.Floor(p[0]/1000)), int(math.Floor(p[1]/1000))
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			d := peak / 4
			if dx == 0 && dy == 0 {
				d = peak
			}
			if _, err := b.db.Exec(b.ctx, `INSERT INTO density_cells (window_key, district_id, x, y, density, run_id)
				VALUES ('30d', $1, $2, $3, $4, $5)`, district, cx+dx, cy+dy, d, run); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestHeatTiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	run := b.run(t)
	lko := b.districtAt(t, lucknow[0], lucknow[1])
	agra := b.districtAt(t, agra[0], agra[1])
	b.density(t, run, lucknow[0], lucknow[1], lko, 40, 20)
	// Two districts' surfaces overlap at Lucknow's centre cell: the state
	// sees their sum, Lucknow's SP only Lucknow's.
	b.density(t, run, lucknow[0], lucknow[1], agra, 8, 20)
	msp := b.user(t, auth.RoleMSPAnalyst, auth.StateScope)
	lkoSP := b.user(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(lko)})
	station := b.user(t, auth.RoleStation, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(b.districtAt(t, gorakhpur[0], gorakhpur[1]))})

	peak := func(p auth.Principal, z int) (float64, float64, int) {
		t.Helper()
		a := tiles.TileOf(lucknow[0], lucknow[1], z)
		fs := b.tile(t, p, tiles.LayerHeat, a)
		var d, lv float64
		for _, f := range fs {
			if _, ok := f.Geometry.(orb.Polygon); !ok {
				t.Fatalf("z%d: heat feature is a %s", z, f.Geometry.GeoJSONType())
			}
			fd, _ := f.Properties["density"].(float64)
			fl, _ := f.Properties["level"].(float64)
			d, lv = max(d, fd), max(lv, fl)
		}
		return d, lv, len(fs)
	}
	for z := 10; z <= 16; z++ {
		d, lv, n := peak(msp, z)
		if d != 48 || lv != 1 {
			t.Errorf("z%d state: peak density %v level %v, want 48 and 1", z, d, lv)
		}
		if z == 10 && n != 9 {
			t.Errorf("z10 state: %d squares, want 9", n)
		}
		if d, lv, _ := peak(lkoSP, z); d != 40 || lv != 1 {
			t.Errorf("z%d Lucknow SP: peak density %v level %v, want 40 and 1", z, d, lv)
		}
		if _, _, n := peak(station, z); n != 0 {
			t.Errorf("z%d: a Gorakhpur station sees %d heat squares of other districts", z, n)
		}
	}
	// Zoomed out, cells merge into blocks: the mean density falls, the
	// level keeps the peak.
	for z := 4; z <= 9; z++ {
		d, lv, n := peak(msp, z)
		if n == 0 || d >= 48 || d <= 0 || lv != 1 {
			t.Errorf("z%d: %d squares, density %v level %v; want blocks with a lower mean and level 1", z, n, d, lv)
		}
	}
	a := tiles.TileOf(lucknow[0], lucknow[1], 12)
	for name, p := range map[string]auth.Principal{"Anonymous": {}} {
		if _, err := b.svc.Tile(b.ctx, p, tiles.Request{Layer: tiles.LayerHeat, Address: a}); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Errorf("%s heat tile: %v, want ErrUnauthorized", name, err)
		}
		if _, err := b.svc.TileJSON(p, tiles.LayerHeat, "/tiles/heat/{z}/{x}/{y}.mvt"); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Errorf("%s heat TileJSON: %v, want ErrUnauthorized", name, err)
		}
	}
	tl, err := b.svc.Tile(b.ctx, msp, tiles.Request{Layer: tiles.LayerHeat, Address: a})
	if err != nil || tl.Public || tl.Empty() {
		t.Errorf("staff heat tile: public %v empty %v err %v; want a private tile", tl.Public, tl.Empty(), err)
	}
	// Other windows have no surface: an empty tile.
	if tl, err := b.svc.Tile(b.ctx, msp, tiles.Request{Layer: tiles.LayerHeat, Address: a, Window: "7d"}); err != nil || !tl.Empty() {
		t.Errorf("7d heat tile: %v, want empty", err)
	}
}
