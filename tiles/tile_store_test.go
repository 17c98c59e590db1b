package tiles_test

import (
	"errors"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/tiles"
)

func TestReportLandsOnItsPixel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lat, lon := 26.8501, 80.9499
	id := b.report(t, lat, lon, "approved")
	if err := b.svc.RefreshReportCells(b.ctx); err != nil {
		t.Fatal(err)
	}
	msp := b.user(t, auth.RoleMSPAnalyst, auth.StateScope)
	for z := 8; z <= 16; z++ {
		a := tiles.TileOf(lat, lon, z)
		fs := b.tile(t, msp, tiles.LayerReports, a)
		if len(fs) != 1 {
			t.Fatalf("z%d tile %s: %d features, want 1", z, a, len(fs))
		}
		x, y := a.Pixel(lat, lon)
		if !nearPixel(fs[0].Geometry, x, y) {
			t.Errorf("z%d: feature at %v, want (%.1f, %.1f) ±1", z, fs[0].Geometry, x, y)
		}
		if n, _ := fs[0].Properties["count"].(float64); n != 1 {
			t.Errorf("z%d: count %v, want 1", z, fs[0].Properties["count"])
		}
		if z >= tiles.PointZoom {
			if fid, _ := fs[0].ID.(float64); int64(fid) != id || fs[0].Properties["category"] != "stalking" {
				t.Errorf("z%d: point id %v props %v", z, fs[0].ID, fs[0].Properties)
			}
			if _, ok := fs[0].Properties["body"]; ok {
				t.Errorf("z%d: report text on a tile", z)
			}
		}
		// The tile to the west holds nothing: a cluster counts in one tile.
		if a.X > 0 && z < tiles.PointZoom {
			if fs := b.tile(t, msp, tiles.LayerReports, tiles.Address{Z: z, X: a.X - 1, Y: a.Y}); len(fs) != 0 {
				t.Errorf("z%d: neighbour tile has %d features", z, len(fs))
			}
		}
	}
}

func TestReportClustersCountAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for range 4 {
		b.report(t, lucknow[0], lucknow[1], "approved")
	}
	b.report(t, lucknow[0], lucknow[1], "rejected")
	if err := b.svc.RefreshReportCells(b.ctx); err != nil {
		t.Fatal(err)
	}
	a := tiles.TileOf(lucknow[0], lucknow[1], 10)
	count := func(p auth.Principal) float64 {
		fs := b.tile(t, p, tiles.LayerReports, a)
		total := 0.0
		for _, f := range fs {
			total += f.Properties["count"].(float64)
		}
		return total
	}
	lko := b.districtAt(t, lucknow[0], lucknow[1])
	agraDistrict := b.districtAt(t, agra[0], agra[1])
	for name, tc := range map[string]struct {
		p    auth.Principal
		want float64
	}{
		"Moderator":     {b.user(t, auth.RoleModerator, auth.StateScope), 5},
		"MSP":           {b.user(t, auth.RoleMSPAnalyst, auth.StateScope), 4},
		"OwnDistrictSP": {b.user(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(lko)}), 4},
		"OtherSP":       {b.user(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(agraDistrict)}), 0},
	} {
		if got := count(tc.p); got != tc.want {
			t.Errorf("%s sees %v reports, want %v", name, got, tc.want)
		}
	}
	ahtu := b.user(t, auth.RoleAHTU, auth.StateScope)
	if _, err := b.svc.Tile(b.ctx, ahtu, tiles.Request{Layer: tiles.LayerReports, Address: a}); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("AHTU on reports: %v, want ErrNotFound", err)
	}
	if _, err := b.svc.Tile(b.ctx, auth.Principal{}, tiles.Request{Layer: tiles.LayerReports, Address: a}); !errors.Is(err, vikalp.ErrUnauthorized) {
		t.Errorf("anonymous on reports: %v, want ErrUnauthorized", err)
	}
}

func TestPublicHotspotsHideSmallAndFineCells(t *testing.T) {
	t.Parallel()
	b := setup(t)
	run := b.run(t)
	lko := b.districtAt(t, lucknow[0], lucknow[1])
	cells, err := geo.Index(lucknow[0], lucknow[1])
	if err != nil {
		t.Fatal(err)
	}
	// r8: the Lucknow cell with 5 distinct reports and a neighbour with 2;
	// r9: a cell with 9 (never public).
	small := neighbour(t, cells.R8)
	b.hex(t, run, cells.R8, 5, lko)
	b.hex(t, run, small, 2, lko)
	b.hex(t, run, cells.R9, 9, lko)
	lkoSP := b.user(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(lko)})
	agraSP := b.user(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(b.districtAt(t, agra[0], agra[1]))})

	for z := 11; z <= 16; z++ {
		a := tiles.TileOf(lucknow[0], lucknow[1], z)
		for _, f := range b.tile(t, auth.Principal{}, tiles.LayerHotspots, a) {
			if _, ok := f.Geometry.(orb.Polygon); !ok {
				t.Fatalf("z%d: public hotspot feature is a %s", z, f.Geometry.GeoJSONType())
			}
			if f.Properties["cell"] != hexCell(cells.R8) {
				t.Errorf("z%d: public tile shows cell %v", z, f.Properties["cell"])
			}
		}
		want := hexCell(cells.R8)
		if z >= 13 {
			want = hexCell(cells.R9)
		}
		if !hasCell(b.tile(t, lkoSP, tiles.LayerHotspots, a), want) {
			t.Errorf("z%d: Lucknow SP does not see cell %s", z, want)
		}
		if fs := b.tile(t, agraSP, tiles.LayerHotspots, a); len(fs) != 0 {
			t.Errorf("z%d: Agra SP sees %d Lucknow cells", z, len(fs))
		}
	}
	sc := geo.Center(small)
	if !hasCell(b.tile(t, lkoSP, tiles.LayerHotspots, tiles.TileOf(sc[1], sc[0], 12)), hexCell(small)) {
		t.Error("staff do not see the cell below k")
	}
}

func TestPublicHotspotCacheFollowsRuns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cells, err := geo.Index(lucknow[0], lucknow[1])
	if err != nil {
		t.Fatal(err)
	}
	lko := b.districtAt(t, lucknow[0], lucknow[1])
	b.hex(t, b.run(t), cells.R8, 5, lko)
	req := tiles.Request{Layer: tiles.LayerHotspots, Address: tiles.TileOf(lucknow[0], lucknow[1], 12)}
	first, err := b.svc.Tile(b.ctx, auth.Principal{}, req)
	if err != nil || first.Empty() || !first.Public {
		t.Fatalf("first tile: %v, empty %v", err, first.Empty())
	}
	// A change without a finished run is not seen: the tile is cached.
	if _, err := b.db.Exec(b.ctx, `UPDATE hex_stats SET n_distinct = 1`); err != nil {
		t.Fatal(err)
	}
	again, err := b.svc.Tile(b.ctx, auth.Principal{}, req)
	if err != nil || again != first {
		t.Fatalf("second tile not served from cache: %v", err)
	}
	// A new run invalidates it within RunCheckInterval (1 ms here).
	b.run(t)
	time.Sleep(5 * time.Millisecond)
	next, err := b.svc.Tile(b.ctx, auth.Principal{}, req)
	if err != nil || !next.Empty() {
		t.Errorf("after a new run: %v, %d bytes, want the re-rendered empty tile", err, len(next.Data))
	}
}

func TestTipsStayInTheirRegion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	own := b.tip(t, "TP-AAAA-0001", lucknow[0], lucknow[1])
	foreign := b.tip(t, "TP-AAAA-0002", gorakhpur[0], gorakhpur[1])
	lkoAHTU := b.ahtuAt(t, lucknow[0], lucknow[1])
	if lkoAHTU == b.ahtuAt(t, gorakhpur[0], gorakhpur[1]) {
		t.Fatal("test places share an AHTU")
	}
	ahtu := b.user(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: int64(lkoAHTU)})
	msp := b.user(t, auth.RoleMSPLegal, auth.StateScope)
	for z := 5; z <= 16; z++ {
		ownTile := tiles.TileOf(lucknow[0], lucknow[1], z)
		foreignTile := tiles.TileOf(gorakhpur[0], gorakhpur[1], z)
		for _, a := range []tiles.Address{ownTile, foreignTile} {
			wantOwn, wantAll := 0.0, 0.0
			if a == ownTile {
				wantOwn++
				wantAll++
			}
			if a == foreignTile {
				wantAll++
			}
			got := b.tile(t, ahtu, tiles.LayerTips, a)
			if n := total(got); n != wantOwn {
				t.Errorf("z%d tile %s: AHTU sees %v tips, want %v (only its own)", z, a, n, wantOwn)
			}
			if n := total(b.tile(t, msp, tiles.LayerTips, a)); n != wantAll {
				t.Errorf("z%d tile %s: MSP sees %v tips, want %v", z, a, n, wantAll)
			}
			for _, f := range got {
				if fid, ok := f.ID.(float64); ok && int64(fid) == foreign {
					t.Errorf("z%d: AHTU tile carries the other region's tip place", z)
				}
			}
			if z >= tiles.PointZoom && a == ownTile && len(got) == 1 {
				if fid, _ := got[0].ID.(float64); int64(fid) != own {
					t.Errorf("z%d: feature id %v, want %d", z, got[0].ID, own)
				}
			}
		}
	}
	pcr := b.user(t, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(b.districtAt(t, lucknow[0], lucknow[1]))})
	if _, err := b.svc.Tile(b.ctx, pcr, tiles.Request{Layer: tiles.LayerTips, Address: tiles.TileOf(lucknow[0], lucknow[1], 10)}); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("PCR on tips: %v, want ErrNotFound", err)
	}
}

func TestJurisdictionLayers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		layer string
		z     int
	}{{tiles.LayerDistricts, 6}, {tiles.LayerAHTUUnits, 6}, {tiles.LayerPoliceStations, 10}, {tiles.LayerPCRUnits, 10}} {
		t.Run(tc.layer, func(t *testing.T) {
			fs := b.tile(t, auth.Principal{}, tc.layer, tiles.TileOf(lucknow[0], lucknow[1], tc.z))
			if len(fs) == 0 {
				t.Fatal("no features around Lucknow")
			}
			named := false
			for _, f := range fs {
				named = named || f.Properties["name_en"] != nil
			}
			if !named {
				t.Errorf("features carry no names: %v", fs[0].Properties)
			}
		})
	}
	if fs := b.tile(t, auth.Principal{}, tiles.LayerDistricts, tiles.TileOf(19.07, 72.87, 8)); len(fs) != 0 {
		t.Errorf("Mumbai tile has %d districts", len(fs))
	}
}

func TestTileRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := tiles.TileOf(lucknow[0], lucknow[1], 10)
	if _, err := b.svc.Tile(b.ctx, auth.Principal{}, tiles.Request{Layer: "users", Address: a}); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("unknown layer: %v", err)
	}
	if _, err := b.svc.Tile(b.ctx, auth.Principal{}, tiles.Request{Layer: tiles.LayerHotspots, Address: a, Window: "1y; DROP"}); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("bad window: %v", err)
	}
	tl, err := b.svc.Tile(b.ctx, auth.Principal{}, tiles.Request{Layer: tiles.LayerHotspots, Address: a, Window: "7d"})
	if err != nil || !tl.Empty() {
		t.Errorf("empty hotspots: %v, %d bytes", err, len(tl.Data))
	}
}

// neighbour returns a cell adjacent to cell.
func neighbour(t *testing.T, cell int64) int64 {
	t.Helper()
	c := geo.Center(cell)
	// ~1.5 km east of the centre is outside an r8 cell (edge ≈ 0.46 km).
	n, err := geo.Index(c[1], c[0]+0.015)
	if err != nil {
		t.Fatal(err)
	}
	return n.R8
}

func TestLeadsStayWithTheirAHTU(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lead := func(lat, lon float64, merged bool) int64 {
		var id int64
		if err := b.db.QueryRow(b.ctx, `INSERT INTO leads (ahtu_id, district_id, status, score, geom, created_at, updated_at)
			VALUES ($1, $2, 'new', 70, ST_SetSRID(ST_MakePoint($4, $3), 4326), now(), now()) RETURNING id`,
			b.ahtuAt(t, lat, lon), b.districtAt(t, lat, lon), lat, lon).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if merged {
			if _, err := b.db.Exec(b.ctx, `UPDATE leads SET merged_into = (SELECT min(id) FROM leads) WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	own := lead(lucknow[0], lucknow[1], false)
	lead(lucknow[0]+0.0001, lucknow[1], true) // merged away: history only
	lead(gorakhpur[0], gorakhpur[1], false)
	ahtu := b.user(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: int64(b.ahtuAt(t, lucknow[0], lucknow[1]))})
	msp := b.user(t, auth.RoleMSPAnalyst, auth.StateScope)
	for z := 6; z <= 16; z++ {
		fs := b.tile(t, ahtu, tiles.LayerLeads, tiles.TileOf(lucknow[0], lucknow[1], z))
		if len(fs) != 1 || int64(fs[0].ID.(float64)) != own || fs[0].Properties["score"] != 70.0 {
			t.Errorf("z%d: AHTU sees %d leads, want only %d", z, len(fs), own)
		}
		if fs := b.tile(t, ahtu, tiles.LayerLeads, tiles.TileOf(gorakhpur[0], gorakhpur[1], z)); z > 6 && len(fs) != 0 {
			t.Errorf("z%d: AHTU sees %d leads of another region", z, len(fs))
		}
		if fs := b.tile(t, msp, tiles.LayerLeads, tiles.TileOf(gorakhpur[0], gorakhpur[1], z)); len(fs) == 0 {
			t.Errorf("z%d: MSP does not see the Gorakhpur lead", z)
		}
	}
}
