package analytics

import (
	"math"
	"testing"
)

func TestPAI(t *testing.T) {
	t.Parallel()
	// Chainey, Tompson & Uhlig (2008): PAI = hit rate / area percentage. 25 %
	// of crimes in 5 % of the area is a PAI of 5.
	if got := PAI(50, 200, 1, 20); math.Abs(got-5) > 1e-12 {
		t.Errorf("PAI = %v, want 5", got)
	}
	if !math.IsNaN(PAI(1, 0, 1, 2)) || !math.IsNaN(PAI(1, 2, 0, 2)) {
		t.Error("degenerate PAI must be NaN")
	}
}

func TestRRI(t *testing.T) {
	t.Parallel()
	// Levine (2008): 40 of 200 crimes in the hotspots, then 30 of 100:
	// (30/40)/(100/200) = 1.5.
	if got := RRI(40, 200, 30, 100); math.Abs(got-1.5) > 1e-12 {
		t.Errorf("RRI = %v, want 1.5", got)
	}
	if !math.IsNaN(RRI(0, 200, 30, 100)) {
		t.Error("degenerate RRI must be NaN")
	}
}
