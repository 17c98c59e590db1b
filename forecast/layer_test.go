package forecast

import (
	"math/rand/v2"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestParentCell(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		c := h3.LatLngToCell(h3.NewLatLng(-85+r.Float64()*170, -180+r.Float64()*360), 9)
		for res := 0; res <= 9; res++ {
			if got, want := parentCell(int64(c), res), int64(c.Parent(res)); got != want {
				t.Fatalf("parentCell(%v, %d) = %x, want %x", c, res, got, want)
			}
		}
	}
}
