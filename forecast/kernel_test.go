package forecast

import (
	"fmt"
	"math"
	"testing"

	"github.com/uber/h3-go/v4"
)

func TestQuartic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d, h, want float64
	}{
		{0, 400, 1},
		{200, 400, 0.5625},            // (1 − ¼)²
		{400 / math.Sqrt2, 400, 0.25}, // (1 − ½)²
		{300, 400, 0.19140625},        // (1 − 9/16)²
		{400, 400, 0},                 // the edge is outside
		{1000, 400, 0},
		{100, 0, 0}, // no bandwidth, no kernel
	}
	for _, tt := range tests {
		if got := quartic(tt.d, tt.h); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("quartic(%v, %v) = %v, want %v", tt.d, tt.h, got, tt.want)
		}
	}
}

// TestKernelSpreads checks the smoothing on the resolution-9 lattice (centres
// about 350 m apart in Lucknow) against kernel values recomputed from H3's
// own centres: the ideal-lattice distances the package uses are within 8 %
// of those, so the shares agree to a few hundredths.
func TestKernelSpreads(t *testing.T) {
	t.Parallel()
	src := h3.Cell(lucknow)
	h := mustHistory(t, events(int64(src), -1, 1))
	for _, bw := range []float64{250, 400, 600, 1000} {
		t.Run(fmt.Sprint(bw), func(t *testing.T) {
			want := map[int64]float64{}
			var sum float64
			for _, c := range src.GridDisk(6) {
				k := quartic(h3.GreatCircleDistanceM(src.LatLng(), c.LatLng()), bw)
				want[int64(c)] = k
				sum += k
			}
			scores, err := h.Forecast(Count(90, bw), origin, 9, 30)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]float64{}
			var mass float64
			for _, s := range scores {
				got[s.Cell] = s.Score
				mass += s.Score
			}
			for c, w := range want {
				if math.Abs(got[c]-w/sum) > 0.03 {
					t.Errorf("cell %x gets %.4f of the event, want %.4f", c, got[c], w/sum)
				}
			}
			// Smoothing moves an event's weight, it never adds any.
			if math.Abs(mass-1) > 1e-9 {
				t.Errorf("spread mass %v, want 1", mass)
			}
			if scores[0].Cell != int64(src) {
				t.Errorf("the event's own cell must score highest")
			}
		})
	}
	// 250 m is narrower than the lattice: the event stays in its cell.
	if scores, _ := h.Forecast(Count(90, 250), origin, 9, 30); len(scores) != 1 {
		t.Errorf("250 m reaches %d cells, want 1", len(scores))
	}
}
