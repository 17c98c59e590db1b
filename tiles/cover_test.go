package tiles

import (
	"testing"

	"github.com/vikalp/vikalp/geo"
)

// coverRanges holds every covering cell of a tile, in ranges that each
// hold one parent's cells only, fewer of them than cells.
func TestCoverRanges(t *testing.T) {
	t.Parallel()
	lucknow := [2]float64{26.85, 80.95}
	for z := 4; z <= 16; z++ {
		a := TileOf(lucknow[0], lucknow[1], z)
		res := geo.ResolutionForZoom(z)
		cells := geo.CellsCovering(a.Bound(), res)
		r := coverRanges(a, res)
		if len(r.lo) == 0 || len(r.lo) != len(r.hi) || 2*len(r.lo) > len(cells) {
			t.Fatalf("z%d r%d: %d cells in %d ranges", z, res, len(cells), len(r.lo))
		}
		for i := range r.lo {
			glo, _ := geo.Parent(r.lo[i], res-1)
			ghi, _ := geo.Parent(r.hi[i], res-1)
			if r.lo[i] > r.hi[i] || glo != ghi || (i > 0 && r.lo[i] <= r.hi[i-1]) {
				t.Fatalf("z%d: range %d [%x, %x] after [%x, %x]", z, i, r.lo[i], r.hi[i], r.lo[max(i-1, 0)], r.hi[max(i-1, 0)])
			}
		}
	next:
		for _, c := range cells {
			for i := range r.lo {
				if r.lo[i] <= c && c <= r.hi[i] {
					continue next
				}
			}
			t.Fatalf("z%d: cell %x in no range", z, c)
		}
	}
}
