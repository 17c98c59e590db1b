package geo_test

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
)

// TestIndexPublishedCell checks the H3 library against the example in the H3
// documentation, (37.3615593, -122.0553238) at resolution 7 is
// 87283472bffffff, and then that Index stores the direct resolution-9 cell
// and derives the coarser ones as its ancestors (so they nest exactly; the
// direct r7 cell of a point near an edge can differ from its r9's parent).
func TestIndexPublishedCell(t *testing.T) {
	t.Parallel()
	ll := h3.NewLatLng(37.3615593, -122.0553238)
	if got := h3.LatLngToCell(ll, 7); got != 0x87283472bffffff {
		t.Fatalf("h3 r7 = %x, want 87283472bffffff", int64(got))
	}
	cells, err := geo.Index(ll.Lat, ll.Lng)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(h3.LatLngToCell(ll, 9)); cells.R9 != want {
		t.Fatalf("R9 = %x, want %x", cells.R9, want)
	}
	if want := int64(h3.Cell(cells.R9).Parent(7)); cells.R7 != want {
		t.Fatalf("R7 = %x, want the r9 parent %x", cells.R7, want)
	}
}

func TestIndex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		lat, lon float64
	}{
		{"Lucknow", 26.85, 80.95},
		{"Varanasi", 25.3176, 82.9739},
		{"Agra", 27.1767, 78.0081},
		{"Equator", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := geo.Index(tt.lat, tt.lon)
			if err != nil {
				t.Fatal(err)
			}
			for res, cell := range map[int]int64{5: c.R5, 7: c.R7, 8: c.R8, 9: c.R9} {
				if got := geo.Resolution(cell); got != res {
					t.Errorf("cell %x has resolution %d, want %d", cell, got, res)
				}
				if at, ok := c.At(res); !ok || at != cell {
					t.Errorf("At(%d) = %x, %v; want %x", res, at, ok, cell)
				}
			}
			for _, p := range []struct {
				child int64
				res   int
				want  int64
			}{{c.R9, 8, c.R8}, {c.R9, 7, c.R7}, {c.R8, 5, c.R5}, {c.R7, 5, c.R5}} {
				got, err := geo.Parent(p.child, p.res)
				if err != nil || got != p.want {
					t.Errorf("Parent(%x, %d) = %x, %v; want %x", p.child, p.res, got, err, p.want)
				}
			}
			// The r9 hexagon must contain the point it indexes.
			if !planar.PolygonContains(geo.HexPolygon(c.R9), orb.Point{tt.lon, tt.lat}) {
				t.Errorf("r9 hexagon %x does not contain the point", c.R9)
			}
		})
	}
}

func TestIndexRejectsBadCoordinates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		lat, lon  float64
		wantField string
	}{
		{"LatitudeTooHigh", 91, 80, "latitude"},
		{"LatitudeNaN", math.NaN(), 80, "latitude"},
		{"LongitudeTooLow", 26, -181, "longitude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := geo.Index(tt.lat, tt.lon)
			if !errors.Is(err, vikalp.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			ue, ok := vikalp.AsUserError(err)
			if !ok || ue.Field != tt.wantField {
				t.Fatalf("user error = %+v, want field %q", ue, tt.wantField)
			}
		})
	}
}

func TestParentRejects(t *testing.T) {
	t.Parallel()
	c, err := geo.Index(26.85, 80.95)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := geo.Parent(c.R8, 9); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("Parent to a finer resolution: err = %v, want ErrInvalid", err)
	}
	if _, err := geo.Parent(12345, 5); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("Parent of an invalid cell: err = %v, want ErrInvalid", err)
	}
	if _, ok := c.At(6); ok {
		t.Error("At(6) reported a stored cell")
	}
}

func TestHexPolygon(t *testing.T) {
	t.Parallel()
	c, err := geo.Index(26.85, 80.95)
	if err != nil {
		t.Fatal(err)
	}
	poly := geo.HexPolygon(c.R8)
	if len(poly) != 1 {
		t.Fatalf("polygon has %d rings, want 1", len(poly))
	}
	ring := poly[0]
	if len(ring) != 7 {
		t.Fatalf("ring has %d points, want 7 (6 corners, closed)", len(ring))
	}
	if !ring.Closed() {
		t.Error("ring is not closed")
	}
	center := geo.Center(c.R8)
	if !planar.PolygonContains(poly, center) {
		t.Errorf("hexagon does not contain its centre %v", center)
	}
	// Lon/lat order: the points must lie near Lucknow, lon ≈ 81, lat ≈ 27.
	if p := ring[0]; math.Abs(p.Lon()-80.95) > 0.1 || math.Abs(p.Lat()-26.85) > 0.1 {
		t.Errorf("first corner %v is not lon/lat near Lucknow", p)
	}
	// An r8 cell covers about 0.74 km²; planar area in degrees² times
	// (111 km × 99.5 km at 26.85°N) gives km².
	km2 := math.Abs(planar.Area(poly)) * 111.2 * 111.2 * math.Cos(26.85*math.Pi/180)
	if km2 < 0.5 || km2 > 1.0 {
		t.Errorf("r8 hexagon area ≈ %.2f km², want about 0.74", km2)
	}
	if geo.HexPolygon(0) != nil {
		t.Error("HexPolygon of an invalid cell is not nil")
	}
}

func TestCoarsenForPublic(t *testing.T) {
	t.Parallel()
	c, err := geo.Index(26.85, 80.95)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   int64
		want int64
	}{
		{"R9BecomesR8", c.R9, c.R8},
		{"R8Stays", c.R8, c.R8},
		{"R7Stays", c.R7, c.R7},
		{"R5Stays", c.R5, c.R5},
		{"InvalidIsZero", 42, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := geo.CoarsenForPublic(tt.in); got != tt.want {
				t.Errorf("CoarsenForPublic(%x) = %x, want %x", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolutionForZoom(t *testing.T) {
	t.Parallel()
	want := map[int]int{0: 5, 5: 5, 6: 5, 7: 6, 8: 6, 9: 7, 10: 7, 11: 8, 12: 8, 13: 9, 16: 9, 22: 9}
	for z, res := range want {
		if got := geo.ResolutionForZoom(z); got != res {
			t.Errorf("ResolutionForZoom(%d) = %d, want %d", z, got, res)
		}
	}
}

// Every cell whose hexagon overlaps a box is among CellsCovering's cells,
// at every tile resolution; a box outside Uttar Pradesh has none.
func TestCellsCovering(t *testing.T) {
	t.Parallel()
	box := orb.Bound{Min: orb.Point{80.90, 26.80}, Max: orb.Point{81.00, 26.90}}
	for res := 5; res <= 9; res++ {
		got := map[int64]bool{}
		for _, c := range geo.CellsCovering(box, res) {
			got[c] = true
		}
		// Probe a dense grid over the box (and its edges): the cell of every
		// probe point overlaps the box, so it must be covered.
		for i := 0; i <= 40; i++ {
			for j := 0; j <= 40; j++ {
				lat := box.Min[1] + (box.Max[1]-box.Min[1])*float64(i)/40
				lon := box.Min[0] + (box.Max[0]-box.Min[0])*float64(j)/40
				c, err := geo.Index(lat, lon)
				if err != nil {
					t.Fatal(err)
				}
				cell, _ := c.At(res)
				if res == 6 {
					cell, _ = geo.Parent(c.R9, 6)
				}
				if !got[cell] {
					t.Fatalf("r%d: cell of %.4f,%.4f not covered (%d cells)", res, lat, lon, len(got))
				}
			}
		}
	}
	if cells := geo.CellsCovering(orb.Bound{Min: orb.Point{72.8, 18.9}, Max: orb.Point{72.9, 19.0}}, 8); cells != nil {
		t.Errorf("Mumbai box: %d cells, want none", len(cells))
	}
}
