package analytics

import (
	"math"
	"testing"
)

// TestClassifyEmerging walks the ArcGIS Emerging Hot Spot Analysis category
// definitions ("How Emerging Hot Spot Analysis works", ArcGIS Pro) with 10
// periods: H a significant hot period, C a significant cold one, . none.
// Rising and falling z-scores give the Mann–Kendall trend where it matters.
func TestClassifyEmerging(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern string
		rising  int // +1 z rises over time, −1 falls, 0 flat
		want    EmergingClass
		cold    bool
	}{
		{".........H", 0, EmergingNew, false},
		{".......HHH", 0, EmergingConsecutive, false},
		{"HHHHHHHHHH", 1, EmergingIntensifying, false},
		{"HHHHHHHHHH", 0, EmergingPersistent, false},
		{"HHHHHHHHHH", -1, EmergingDiminishing, false},
		{"H..H...H.H", 0, EmergingSporadic, false},
		{"..C....H.H", 0, EmergingOscillating, false},
		{"HHHHHHHHH.", 0, EmergingHistorical, false},
		{"H...H...H.", 0, EmergingNone, false},
		{"..........", 0, EmergingNone, false},
		{".........C", 0, EmergingNew, true},
		{"CCCCCCCCCC", -1, EmergingIntensifying, true},
		{"CCCCCCCCCC", 1, EmergingDiminishing, true},
		{"C..C.H.C.C", 0, EmergingOscillating, true},
		{"CCCCCCCCC.", 0, EmergingHistorical, true},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			z, p := emergingSeries(tc.pattern, tc.rising)
			got := ClassifyEmerging(z, p, EmergingConfig{})
			if got.Class != tc.want || (got.Class != EmergingNone && got.Cold != tc.cold) {
				t.Errorf("got %q cold=%v, want %q cold=%v (z %v)", got.Class, got.Cold, tc.want, tc.cold, z)
			}
		})
	}
	if got := ClassifyEmerging([]float64{3, 3}, []float64{0.001, 0.001}, EmergingConfig{}); got.Class != EmergingNone {
		t.Errorf("2 periods: got %q", got.Class)
	}
}

// emergingSeries builds z and p series for a pattern. Significant periods
// have |z| ≥ 3 (p < 0.003); rising adds a strictly monotone drift that keeps
// every sign, and flat series alternate so Mann–Kendall finds no trend.
func emergingSeries(pattern string, rising int) (z, p []float64) {
	for i, ch := range pattern {
		var v float64
		switch ch {
		case 'H':
			v = 3
		case 'C':
			v = -3
		default:
			v = 0.1
		}
		if rising != 0 {
			// Intensity grows when z rises for a hot spot or falls for a cold one.
			k := float64(i)
			if (rising > 0) != (ch == 'H') {
				k = float64(len(pattern) - 1 - i)
			}
			v += 0.2 * k * math.Copysign(1, v)
		} else {
			v += 0.05 * float64(i%2)
		}
		z = append(z, v)
		p = append(p, PValue(v))
	}
	return z, p
}
