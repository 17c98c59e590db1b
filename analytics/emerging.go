package analytics

// EmergingClass is an ArcGIS Emerging Hot Spot Analysis category. The same
// names serve hot and cold spots; EmergingResult.Cold tells them apart.
type EmergingClass string

// Emerging hot (or cold) spot categories, after the ArcGIS Pro "How Emerging
// Hot Spot Analysis works" definitions. n is the number of periods, "hot"
// means a significant hot bin in a period, and the share threshold is 90 %.
const (
	// EmergingNone: no pattern (the stored class is NULL).
	EmergingNone EmergingClass = ""
	// EmergingNew: hot in the final period only, never significant before.
	EmergingNew EmergingClass = "new"
	// EmergingConsecutive: a single uninterrupted run of ≥ 2 hot periods at
	// the end, never significant before the run, hot in < 90 % of periods.
	EmergingConsecutive EmergingClass = "consecutive"
	// EmergingIntensifying: hot in ≥ 90 % of periods including the final one,
	// with a significant increasing Mann–Kendall trend of the Gi* z-scores.
	EmergingIntensifying EmergingClass = "intensifying"
	// EmergingPersistent: hot in ≥ 90 % of periods including the final one,
	// with no significant trend.
	EmergingPersistent EmergingClass = "persistent"
	// EmergingDiminishing: hot in ≥ 90 % of periods including the final one,
	// with a significant decreasing trend.
	EmergingDiminishing EmergingClass = "diminishing"
	// EmergingSporadic: hot in the final period, on and off before, hot in
	// < 90 % of periods and never a significant cold spot.
	EmergingSporadic EmergingClass = "sporadic"
	// EmergingOscillating: hot in the final period, a significant cold spot
	// in some earlier period, hot in < 90 % of periods.
	EmergingOscillating EmergingClass = "oscillating"
	// EmergingHistorical: not hot in the final period but hot in ≥ 90 % of
	// periods.
	EmergingHistorical EmergingClass = "historical"
)

// EmergingConfig sets the thresholds of ClassifyEmerging.
type EmergingConfig struct {
	// Alpha is the p below which a period counts as significant (default
	// 0.05). Compare it with the FDR-adjusted p when periods were corrected.
	Alpha float64
	// TrendAlpha is the Mann–Kendall significance level (default 0.05).
	TrendAlpha float64
	// Share is the fraction of periods that makes a spot persistent,
	// intensifying, diminishing or historical (default 0.9).
	Share float64
}

func (c EmergingConfig) withDefaults() EmergingConfig {
	if c.Alpha <= 0 {
		c.Alpha = Alpha95
	}
	if c.TrendAlpha <= 0 {
		c.TrendAlpha = Alpha95
	}
	if c.Share <= 0 {
		c.Share = 0.9
	}
	return c
}

// EmergingResult is the emerging hot spot class of one location.
type EmergingResult struct {
	Class EmergingClass
	Cold  bool // the class describes a cold spot
	Trend MannKendallResult
}

// ClassifyEmerging classifies one location from its per-period Gi* z-scores
// and p-values (oldest first). The Mann–Kendall test of the z series gives
// the trend. Hot categories are tested first; a location that matches none
// is tested as a cold spot with the signs mirrored. Fewer than 3 periods give
// EmergingNone.
func ClassifyEmerging(z, p []float64, cfg EmergingConfig) EmergingResult {
	cfg = cfg.withDefaults()
	if len(z) < 3 || len(z) != len(p) {
		return EmergingResult{}
	}
	trend, _ := MannKendall(z) // z is finite and long enough here
	sig := make([]bool, len(z))
	for i := range z {
		sig[i] = p[i] < cfg.Alpha && z[i] != 0
	}
	if c := classifySigned(z, sig, trend.Trend(cfg.TrendAlpha), cfg.Share); c != EmergingNone {
		return EmergingResult{Class: c, Trend: trend}
	}
	neg := make([]float64, len(z))
	for i, v := range z {
		neg[i] = -v
	}
	if c := classifySigned(neg, sig, -trend.Trend(cfg.TrendAlpha), cfg.Share); c != EmergingNone {
		return EmergingResult{Class: c, Cold: true, Trend: trend}
	}
	return EmergingResult{Trend: trend}
}

// classifySigned applies the hot spot rules to z (cold spots call it with z
// negated and the trend mirrored).
func classifySigned(z []float64, sig []bool, trend int, share float64) EmergingClass {
	n := len(z)
	hot := func(i int) bool { return sig[i] && z[i] > 0 }
	cold := func(i int) bool { return sig[i] && z[i] < 0 }
	nHot, anyCold := 0, false
	for i := range z {
		if hot(i) {
			nHot++
		}
		anyCold = anyCold || cold(i)
	}
	mostly := float64(nHot)/float64(n) >= share
	final := hot(n - 1)
	switch {
	case !final && mostly:
		return EmergingHistorical
	case !final:
		return EmergingNone
	case mostly && trend > 0:
		return EmergingIntensifying
	case mostly && trend < 0:
		return EmergingDiminishing
	case mostly:
		return EmergingPersistent
	}
	run := 0
	for i := n - 1; i >= 0 && hot(i); i-- {
		run++
	}
	sigBefore := false
	for i := 0; i < n-run; i++ {
		sigBefore = sigBefore || sig[i]
	}
	switch {
	case !sigBefore && run == 1:
		return EmergingNew
	case !sigBefore:
		return EmergingConsecutive
	case anyCold:
		return EmergingOscillating
	default:
		return EmergingSporadic
	}
}
