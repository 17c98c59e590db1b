package forecast

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/geo"
)

// TestLatticeDistances pins what the fast kernel path relies on: H3 lists a
// ring side by side, so the ideal lattice gives each neighbour's distance to
// within 8 % across UP; and the probe keeps the fast path on there.
func TestLatticeDistances(t *testing.T) {
	t.Parallel()
	lt := newLattice(lucknow)
	if lt.exact {
		t.Fatal("the ring-order check failed in Lucknow: H3 changed how it lists rings")
	}
	r := rand.New(rand.NewPCG(8, 8))
	var nb neighbourhood
	for range 300 {
		src := h3.LatLngToCell(h3.NewLatLng(24+r.Float64()*6, 77.2+r.Float64()*7.2), geo.ResStorage)
		lt.neighbours(src, 1000, &nb)
		if len(nb.cells) < 30 {
			t.Fatalf("%d cells within 1 km, want the first three rings", len(nb.cells))
		}
		for i, c := range nb.cells {
			d := h3.GreatCircleDistanceM(src.LatLng(), c.LatLng())
			if math.Abs(nb.dist[i]-d) > 0.08*max(d, 1) {
				t.Fatalf("ring %d cell at %.0f m, ideal lattice says %.0f m", nb.ring[i], d, nb.dist[i])
			}
		}
	}
}
