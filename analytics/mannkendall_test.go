package analytics

import (
	"math"
	"testing"
)

func TestMannKendall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		x          []float64
		s, varS, z float64
		zTol       float64
		tau        float64
	}{
		{
			// D. Little, "A Mann-Kendall Example (By Hand)", College of the Holy
			// Cross (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt):
			// 14 values with one tied pair (12.9), S = 54,
			// V = 14·13·33/18 − 2·1·9/18, Z = (S−1)/√V = 2.9058 (4 decimals).
			name: "HolyCrossByHand",
			x:    []float64{12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7},
			s:    54, varS: (14.0*13*33 - 2*1*9) / 18, z: 2.9058, zTol: 5e-5, tau: 54.0 / 91,
		},
		{
			// Strictly decreasing 1…10: S = −45, Var = 10·9·25/18 = 125,
			// z = −44/√125, tau = −1 (Kendall 1975, no ties).
			name: "Decreasing",
			x:    []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
			s:    -45, varS: 125, z: -44 / math.Sqrt(125), zTol: 1e-12, tau: -1,
		},
		{
			// All tied: S = 0, Var(S) = 0 after the ties correction, z = 0.
			name: "AllTied",
			x:    []float64{3, 3, 3, 3},
			s:    0, varS: 0, z: 0, zTol: 0, tau: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := MannKendall(tc.x)
			if err != nil {
				t.Fatal(err)
			}
			if r.S != tc.s || math.Abs(r.VarS-tc.varS) > 1e-9 || math.Abs(r.Z-tc.z) > tc.zTol || math.Abs(r.Tau-tc.tau) > 1e-12 {
				t.Errorf("got S=%v Var=%v z=%v tau=%v, want S=%v Var=%v z=%v tau=%v",
					r.S, r.VarS, r.Z, r.Tau, tc.s, tc.varS, tc.z, tc.tau)
			}
			if math.Abs(r.P-PValue(r.Z)) > 0 {
				t.Errorf("p = %v, want the two-sided p of z", r.P)
			}
		})
	}
	// Holy Cross quotes the one-sided p ≈ .0018; two-sided is twice that.
	r, _ := MannKendall([]float64{12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7})
	if math.Abs(r.P/2-0.0018) > 0.00005 || r.Trend(0.05) != 1 {
		t.Errorf("p = %v, trend %d", r.P, r.Trend(0.05))
	}
	if _, err := MannKendall([]float64{1, 2}); err == nil {
		t.Error("2 values: want error")
	}
}
