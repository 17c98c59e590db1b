package tiles

import (
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/vikalp/vikalp/geo"
)

// collidingCells returns n r9 cells around Lucknow that share one slot of
// the hexagon memory.
func collidingCells(t *testing.T, n int) []int64 {
	t.Helper()
	bySlot := map[uint64][]int64{}
	for _, c := range geo.CellsCovering(orb.Bound{Min: orb.Point{80.7, 26.6}, Max: orb.Point{81.2, 27.1}}, 9) {
		s := hexagonSlot(c)
		bySlot[s] = append(bySlot[s], c)
		if len(bySlot[s]) == n {
			return bySlot[s]
		}
	}
	t.Fatalf("no %d r9 cells share a slot", n)
	return nil
}

// TestHexagonMemory: a remembered hexagon is the cell's own, also after a
// cell sharing its slot replaced it, and when many goroutines draw cells
// that share slots at once.
func TestHexagonMemory(t *testing.T) {
	cells := collidingCells(t, 2)
	want := func(cell int64) []float64 {
		ring := geo.HexPolygon(cell)[0]
		var v []float64
		for _, p := range ring[:len(ring)-1] {
			m := project.WGS84.ToMercator(p)
			v = append(v, m[0], m[1])
		}
		return v
	}
	check := func(cell int64, h *hexagon) bool {
		w := want(cell)
		if h == nil || h.cell != cell || len(h.v) != len(w) {
			return false
		}
		for i := range w {
			if h.v[i] != w[i] {
				return false
			}
		}
		return h.box.minX <= float32(w[0]) && float32(w[0]) <= h.box.maxX
	}
	for round := range 2 { // the second round finds each slot taken by another cell
		for _, c := range cells {
			if h := hexagon3857(c); !check(c, h) {
				t.Fatalf("round %d: cell %x drawn as %+v", round, c, h)
			}
		}
	}
	if hexagon3857(0) != nil {
		t.Error("an invalid cell has a hexagon")
	}
	var wg sync.WaitGroup
	errs := make(chan int64, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				c := cells[(g+i)%len(cells)]
				if h := hexagon3857(c); h == nil || h.cell != c {
					errs <- c
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for c := range errs {
		t.Errorf("cell %x: another cell's hexagon under concurrent use", c)
	}
}
