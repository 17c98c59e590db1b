package tiles

import (
	"bytes"
	"testing"
)

// A feature left out (a point beyond the buffer, a hexagon reduced to a
// sliver) leaves nothing in the tile: the layer's bytes are those of the
// features drawn alone, so nothing of a row that is not drawn can be read
// from its values table.
func TestMVTLayerLeavesOutWholly(t *testing.T) {
	t.Parallel()
	hexagon := func(cx, cy, r float64) []point {
		return []point{{cx + r, cy}, {cx + r/2, cy + r}, {cx - r/2, cy + r}, {cx - r, cy}, {cx - r/2, cy - r}, {cx + r/2, cy - r}}
	}
	build := func(withHidden bool) []byte {
		l := newMVTLayer(LayerHotspots)
		if withHidden {
			if l.point(point{-500, 20}) || l.polygon(hexagon(-64.2, 100, 0.3)) {
				t.Fatal("a point beyond the buffer or a sliver was drawn")
			}
		}
		if !l.polygon(hexagon(100, 100, 40)) {
			t.Fatal("a hexagon inside the tile was not drawn")
		}
		l.attrString("cell", "88283082a3fffff")
		l.attrInt("count", 4)
		l.attrDouble("z", -2.5)
		l.add(nil)
		if withHidden && l.polygon(hexagon(5000, 5000, 10)) {
			t.Fatal("a hexagon beyond the buffer was drawn")
		}
		return l.bytes()
	}
	if a, b := build(false), build(true); !bytes.Equal(a, b) || len(a) == 0 {
		t.Errorf("tile with features left out: %d bytes, without them %d", len(b), len(a))
	}
	if newMVTLayer(LayerHotspots).bytes() != nil {
		t.Error("a layer without features is not the empty tile")
	}
}
