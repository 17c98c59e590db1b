package analytics

import (
	"math"
	"sort"

	"github.com/vikalp/vikalp"
)

// MannKendallResult is the Mann–Kendall trend test of one series.
type MannKendallResult struct {
	N    int     // series length
	S    float64 // Σ_{i<j} sign(x_j − x_i)
	VarS float64 // variance of S under no trend, corrected for ties
	Z    float64 // normal score with continuity correction
	P    float64 // two-sided p of Z
	Tau  float64 // Kendall's tau-a, S / (n(n−1)/2)
}

// Trend returns +1 for a significant increasing trend at level alpha, −1 for
// a significant decreasing one and 0 otherwise.
func (r MannKendallResult) Trend(alpha float64) int {
	switch {
	case r.P >= alpha || r.S == 0:
		return 0
	case r.S > 0:
		return 1
	default:
		return -1
	}
}

// MannKendall runs the Mann–Kendall trend test (Mann 1945; Kendall 1975;
// Gilbert 1987 §16.4, as pyMannKendall original_test computes it):
//
//	S = Σ_{i<j} sign(x_j − x_i)
//	Var(S) = [n(n−1)(2n+5) − Σ_p t_p(t_p−1)(2t_p+5)] / 18
//	z = (S−1)/√Var(S) if S > 0, (S+1)/√Var(S) if S < 0, 0 otherwise
//
// with t_p the size of the p-th group of tied values; p is two-sided and tau
// is S/(n(n−1)/2). It needs at least 3 values.
func MannKendall(x []float64) (MannKendallResult, error) {
	n := len(x)
	if n < 3 {
		return MannKendallResult{}, vikalp.Invalidf("mann-kendall needs at least 3 values")
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return MannKendallResult{}, vikalp.Invalidf("values must be finite numbers")
		}
	}
	var s float64
	for i := 0; i < n-1; i++ {
		for j := i + 1; j < n; j++ {
			switch {
			case x[j] > x[i]:
				s++
			case x[j] < x[i]:
				s--
			}
		}
	}
	fn := float64(n)
	v := (fn*(fn-1)*(2*fn+5) - tieTerm(x)) / 18
	r := MannKendallResult{N: n, S: s, VarS: v, Tau: s / (fn * (fn - 1) / 2)}
	if v > 0 {
		switch {
		case s > 0:
			r.Z = (s - 1) / math.Sqrt(v)
		case s < 0:
			r.Z = (s + 1) / math.Sqrt(v)
		}
	}
	r.P = PValue(r.Z)
	return r, nil
}

// tieTerm returns Σ t(t−1)(2t+5) over the groups of tied values.
func tieTerm(x []float64) float64 {
	sorted := append([]float64(nil), x...)
	sort.Float64s(sorted)
	var sum float64
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			sum += t * (t - 1) * (2*t + 5)
		}
		i = j
	}
	return sum
}
