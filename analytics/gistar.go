package analytics

import (
	"cmp"
	"math"
	"slices"

	"github.com/vikalp/vikalp"
)

// Confidence levels of the hot spot bins: |bin| 3, 2 and 1 mean the cell is a
// hot (+) or cold (−) spot at 99, 95 and 90 % confidence.
const (
	Alpha99 = 0.01
	Alpha95 = 0.05
	Alpha90 = 0.10
)

// GiResult is the Gi* hot spot result of one observation.
type GiResult struct {
	Z    float64 // Gi* z-score
	P    float64 // two-sided normal p of Z
	PFDR float64 // Benjamini–Hochberg adjusted P over all observations
	Bin  int     // −3…+3 confidence bin (see ConfidenceBin)
}

// GiStar returns the Getis–Ord Gi* z-score of every observation (Ord & Getis
// 1995, eq. 14.2 in Getis & Ord 1996; ArcGIS "Hot Spot Analysis", R spdep
// localG with include.self, PySAL esda G_Local star=True with binary weights):
//
//	z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n S1_i − W_i²)/(n−1)))
//
// with binary weights over the neighbours of i plus i itself (W_i = S1_i =
// neighbours+1), x̄ the mean and S the population standard deviation of x.
// A z-score whose denominator vanishes (constant x, or a neighbourhood that is
// the whole study area) is 0.
func GiStar(x []float64, w *Weights) ([]float64, error) {
	if err := checkInput(x, w); err != nil {
		return nil, err
	}
	n := float64(len(x))
	mean, sd := meanSD(x)
	z := make([]float64, len(x))
	for i := range x {
		sum := x[i]
		for _, j := range w.Neighbors[i] {
			sum += x[j]
		}
		wi := float64(len(w.Neighbors[i]) + 1)
		den := sd * math.Sqrt((n*wi-wi*wi)/(n-1))
		z[i] = ratio(sum-mean*wi, den)
	}
	return z, nil
}

// Gi returns the Getis–Ord Gi z-score (the focal observation excluded from
// its own neighbourhood and from the mean and variance, Ord & Getis 1995
// eq. 4; R spdep localG without include.self):
//
//	z_i = (Σ_{j≠i} w_ij x_j − x̄_(i) W_i) / (S_(i) √(((n−1) S1_i − W_i²)/(n−2)))
//
// where x̄_(i) and S_(i) are the mean and population standard deviation of x
// without x_i. Hot spot maps use GiStar; Gi is here to reproduce published
// values and for analysts who ask for it.
func Gi(x []float64, w *Weights) ([]float64, error) {
	if err := checkInput(x, w); err != nil {
		return nil, err
	}
	if len(x) < 3 {
		return nil, vikalp.Invalidf("gi needs at least 3 observations")
	}
	n := float64(len(x))
	var sum, sum2 float64
	for _, v := range x {
		sum += v
		sum2 += v * v
	}
	z := make([]float64, len(x))
	for i := range x {
		mean := (sum - x[i]) / (n - 1)
		sd := math.Sqrt(math.Max((sum2-x[i]*x[i])/(n-1)-mean*mean, 0))
		var local float64
		for _, j := range w.Neighbors[i] {
			local += x[j]
		}
		wi := float64(len(w.Neighbors[i]))
		den := sd * math.Sqrt(((n-1)*wi-wi*wi)/(n-2))
		z[i] = ratio(local-mean*wi, den)
	}
	return z, nil
}

// HotSpots runs GiStar and adds the two-sided p, the Benjamini–Hochberg
// adjusted p and the confidence bin of every observation. With fdr the bins
// follow the adjusted p (ArcGIS "Apply False Discovery Rate (FDR)
// Correction"); otherwise the raw p. Both p values are always returned.
func HotSpots(x []float64, w *Weights, fdr bool) ([]GiResult, error) {
	z, err := GiStar(x, w)
	if err != nil {
		return nil, err
	}
	return classify(z, fdr), nil
}

// classify turns z-scores into GiResults.
func classify(z []float64, fdr bool) []GiResult {
	adj, bins := binScores(z, fdr)
	out := make([]GiResult, len(z))
	for i := range z {
		out[i] = GiResult{Z: z[i], P: PValue(z[i]), PFDR: adj[i], Bin: int(bins[i])}
	}
	return out
}

// binScores returns the Benjamini–Hochberg adjusted p of every z-score and
// its confidence bin: on the adjusted p when fdr, else on the raw p.
func binScores(z []float64, fdr bool) (pFDR []float64, bins []int8) {
	p := make([]float64, len(z))
	for i, v := range z {
		p[i] = PValue(v)
	}
	pFDR, bins = BenjaminiHochberg(p), make([]int8, len(z))
	for i := range z {
		binP := p[i]
		if fdr {
			binP = pFDR[i]
		}
		bins[i] = int8(ConfidenceBin(z[i], binP))
	}
	return pFDR, bins
}

// PValue returns the two-sided standard normal p-value of z, 2·(1 − Φ(|z|)).
func PValue(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// BenjaminiHochberg returns the Benjamini–Hochberg (1995) adjusted p-values
// (R p.adjust(method = "BH")): p_(i)·m/i made monotone from the largest
// down and capped at 1. A p-value is significant at FDR level q exactly when
// its adjusted value is at most q, so bins on the adjusted p reproduce the
// BH step-up procedure at each confidence level.
func BenjaminiHochberg(p []float64) []float64 {
	m := len(p)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	// Ties keep input order (as a stable sort would), without its cost.
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(p[a], p[b]); c != 0 {
			return c
		}
		return a - b
	})
	adj := make([]float64, m)
	running := 1.0
	for r := m - 1; r >= 0; r-- {
		i := order[r]
		v := p[i] * float64(m) / float64(r+1)
		running = math.Min(running, v)
		adj[i] = math.Min(running, 1)
	}
	return adj
}

// ConfidenceBin returns the hot spot bin of a z-score and the p-value it is
// judged by: ±3 when p < 0.01, ±2 when p < 0.05, ±1 when p < 0.10, else 0;
// the sign is the sign of z (hot positive, cold negative).
func ConfidenceBin(z, p float64) int {
	var level int
	switch {
	case p < Alpha99:
		level = 3
	case p < Alpha95:
		level = 2
	case p < Alpha90:
		level = 1
	default:
		return 0
	}
	if z < 0 {
		return -level
	}
	return level
}

// checkInput validates that x and w describe the same observations.
func checkInput(x []float64, w *Weights) error {
	if w == nil || len(x) != w.N() {
		return vikalp.Invalidf("values and weights must have the same observations")
	}
	if len(x) < 2 {
		return vikalp.Invalidf("at least 2 observations are needed")
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return vikalp.Invalidf("values must be finite numbers")
		}
	}
	return nil
}

// meanSD returns the mean and population standard deviation (two passes).
func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		d := v - mean
		ss += d * d
	}
	sd = math.Sqrt(ss / float64(len(x)))
	// A constant series leaves rounding noise in ss; treat it as zero spread.
	if sd <= 1e-12*math.Abs(mean) {
		sd = 0
	}
	return mean, sd
}

// ratio returns num/den, or 0 when den is (numerically) zero.
func ratio(num, den float64) float64 {
	if !(den > 0) || math.IsInf(den, 0) {
		return 0
	}
	return num / den
}
