package jurisdiction

import (
	"math"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/geo"
)

// TestCellCircleHoldsChildren checks, on every 200th r8 cell of Uttar
// Pradesh's buffered bounding box, that each vertex of the cell's r9
// children (the farthest points whose h3_r8 is the cell) lies inside the
// circle RebuildRouteCells tests for edges, with 1 % of its radius to spare.
func TestCellCircleHoldsChildren(t *testing.T) {
	t.Parallel()
	b := geo.UPBufferedBound
	loop := h3.GeoLoop{{Lat: b.Min[1], Lng: b.Min[0]}, {Lat: b.Min[1], Lng: b.Max[0]},
		{Lat: b.Max[1], Lng: b.Max[0]}, {Lat: b.Max[1], Lng: b.Min[0]}}
	cells := h3.PolygonToCells(h3.GeoPolygon{GeoLoop: loop}, RouteCellResolution)
	if len(cells) < 100_000 {
		t.Fatalf("%d cells in the box, want the whole state", len(cells))
	}
	for i := 0; i < len(cells); i += 200 {
		c := circleOf(cells[i])
		for _, child := range cells[i].Children(RouteCellResolution + 1) {
			for _, v := range child.Boundary() {
				if d := math.Hypot(v.Lng-c.lon, v.Lat-c.lat); d > c.r/1.01 {
					t.Fatalf("cell %s: child %s vertex at %.7f°, circle %.7f°", cells[i], child, d, c.r)
				}
			}
		}
	}
}
