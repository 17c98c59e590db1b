package tiles_test

import (
	"slices"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/tiles"
)

// baseLayers decodes a base tile into its MVT layers by name.
func baseLayers(t *testing.T, data []byte) map[string][]*geojson.Feature {
	t.Helper()
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("decode base tile: %v", err)
	}
	out := map[string][]*geojson.Feature{}
	for _, l := range layers {
		if l.Extent != tiles.Extent {
			t.Fatalf("layer %s has extent %d", l.Name, l.Extent)
		}
		out[l.Name] = l.Features
	}
	return out
}

// names returns the "name_en|name_hi" labels of features.
func names(fs []*geojson.Feature) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Properties.MustString("name_en", "")+"|"+f.Properties.MustString("name_hi", ""))
	}
	return out
}

// seedBaseExtras adds what `vikalp seed --demo` imports beside the demo
// jurisdictions: railway stations as stored from the shared file (capitals,
// no Hindi name) and a piece of the Nepal border north of Bahraich.
func (b *bundle) seedBaseExtras(t *testing.T) {
	t.Helper()
	if _, err := b.db.Exec(b.ctx, `
		INSERT INTO transit_places (kind, code, name_en, geom) VALUES
			('railway_station', 'LJN', 'LUCKNOW JN', ST_SetSRID(ST_MakePoint(80.918587, 26.831967), 4326)),
			('bus_stand', 'KB', 'Kaiserbagh', ST_SetSRID(ST_MakePoint(80.93, 26.86), 4326));
		INSERT INTO border_lines (variant, geom) VALUES
			('naturalearth_10m', ST_GeomFromText('MULTILINESTRING((81.0 28.40, 81.6 28.05))', 4326)),
			('up_districts_edge', ST_GeomFromText('MULTILINESTRING((81.0 28.42, 81.3 28.3, 81.6 28.07))', 4326))`); err != nil {
		t.Fatal(err)
	}
}

func TestBaseTileLabelsInHindiAndEnglish(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.seedBaseExtras(t)
	var anon auth.Principal

	t.Run("CityZoomHasStationsAndRailway", func(t *testing.T) {
		tl, err := b.svc.Tile(b.ctx, anon, tiles.Request{Layer: tiles.LayerBase, Address: tiles.TileOf(26.85, 80.94, 10)})
		if err != nil {
			t.Fatal(err)
		}
		if !tl.Public || tl.MaxAge.Hours() != 1 {
			t.Errorf("base tile public=%v max-age=%v, want public for an hour", tl.Public, tl.MaxAge)
		}
		ls := baseLayers(t, tl.Data)
		for _, want := range []struct{ layer, label string }{
			{tiles.BaseDistricts, "Lucknow|लखनऊ"},
			{tiles.BaseDistrictHQs, "Lucknow|लखनऊ"},
			{tiles.BasePoliceStations, "Hazratganj|हजरतगंज"},
			{tiles.BasePoliceStations, "Mahila Thana Lucknow|महिला थाना लखनऊ"},
			// No Hindi name in the data: the Hindi label repeats the English one.
			{tiles.BaseRailwayStations, "Lucknow Jn|Lucknow Jn"},
		} {
			if got := names(ls[want.layer]); !slices.Contains(got, want.label) {
				t.Errorf("%s: %q not among %q", want.layer, want.label, got)
			}
		}
		if got := names(ls[tiles.BaseRailwayStations]); slices.Contains(got, "Kaiserbagh|Kaiserbagh") {
			t.Errorf("a bus stand is drawn as a railway station: %q", got)
		}
		if _, ok := ls[tiles.BaseBorder]; ok {
			t.Errorf("Lucknow's tile has a border feature")
		}
	})

	t.Run("DistrictLabelOnceAcrossTiles", func(t *testing.T) {
		// The four z7 tiles around Lucknow: its label point is in exactly one.
		seen := 0
		c := tiles.TileOf(26.85, 80.94, 7)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				a, err := tiles.NewAddress(7, c.X+dx, c.Y+dy)
				if err != nil {
					t.Fatal(err)
				}
				tl, err := b.svc.Tile(b.ctx, anon, tiles.Request{Layer: tiles.LayerBase, Address: a})
				if err != nil {
					t.Fatal(err)
				}
				ls := baseLayers(t, tl.Data)
				if slices.Contains(names(ls[tiles.BaseDistrictLabels]), "Lucknow|लखनऊ") {
					seen++
				}
				if len(ls[tiles.BasePoliceStations])+len(ls[tiles.BaseRailwayStations]) != 0 {
					t.Errorf("z7 tile %s draws stations", a)
				}
			}
		}
		if seen != 1 {
			t.Errorf("Lucknow's label is in %d of the 9 tiles around it, want 1", seen)
		}
	})

	t.Run("BorderPrefersTheDistrictEdge", func(t *testing.T) {
		tl, err := b.svc.Tile(b.ctx, anon, tiles.Request{Layer: tiles.LayerBase, Address: tiles.TileOf(28.3, 81.3, 8)})
		if err != nil {
			t.Fatal(err)
		}
		border := baseLayers(t, tl.Data)[tiles.BaseBorder]
		if got := names(border); len(got) != 1 || got[0] != "India–Nepal border|भारत–नेपाल सीमा" {
			t.Fatalf("border features %q, want the one India–Nepal line", got)
		}
	})

	t.Run("TileJSONListsEveryPart", func(t *testing.T) {
		doc, err := b.svc.TileJSON(anon, tiles.LayerBase, "http://x/tiles/base/{z}/{x}/{y}.mvt")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range doc.VectorLayers {
			ids = append(ids, v.ID)
			if v.Fields["name_hi"] == "" {
				t.Errorf("%s has no name_hi field", v.ID)
			}
		}
		want := []string{tiles.BaseDistricts, tiles.BaseBorder, tiles.BaseDistrictLabels, tiles.BaseDistrictHQs,
			tiles.BasePoliceStations, tiles.BaseRailwayStations}
		if !slices.Equal(ids, want) {
			t.Errorf("vector layers %q, want %q", ids, want)
		}
	})
}
