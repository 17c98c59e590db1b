package analytics

import (
	"math"
	"testing"
)

// TestGiStarPySAL reproduces esda's own G_Local star test
// (pysal/esda esda/tests/test_getisord.py, TestGetisOrd_Local*): six points,
// binary distance band 15, star=True.
func TestGiStarPySAL(t *testing.T) {
	t.Parallel()
	pts := []Point2{{"1", 10, 10}, {"2", 20, 10}, {"3", 40, 10}, {"4", 15, 20}, {"5", 30, 20}, {"6", 30, 30}}
	y := []float64{2, 3, 3.2, 5, 8, 7}
	want := []float64{-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331}
	z, err := GiStar(y, DistanceBandWeights(pts, 15))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(z[i]-want[i]) > 1e-6 {
			t.Errorf("z[%d] = %.8f, want %.8f", i, z[i], want[i])
		}
	}
}

// TestGetisOrd1996Grid reproduces the values R spdep prints in its localG
// reference example (spdep man/localG.Rd, data(getisord) from spData: the
// 16×16 grid of Getis & Ord 1996) for observation 256−136 = 120: Gi for
// distance bands 30…150, Gi* for band 30 ("value according to Getis and
// Ord's eq. 14.2, p. 263 (1996)") and the value Getis & Ord print on p. 267,
// which divides the variance by n−1 instead of n.
func TestGetisOrd1996Grid(t *testing.T) {
	t.Parallel()
	head, rows := readCSV(t, "getisord1996_grid16x16.csv")
	pts := make([]Point2, len(rows))
	x := make([]float64, len(rows))
	for i, r := range rows {
		pts[i] = Point2{ID: r[head["id"]], X: parseFloat(t, r[head["x"]]), Y: parseFloat(t, r[head["y"]])}
		x[i] = parseFloat(t, r[head["val"]])
	}
	const obs = 256 - 136 - 1 // R's 1-based index 120
	// R prints 7 significant digits: compare to half a unit in the last place.
	t.Run("GiDistanceBands", func(t *testing.T) {
		for _, tc := range []struct {
			band, want float64
		}{{30, 1.221979}, {60, 1.748098}, {90, 1.986135}, {120, 1.893374}, {150, 1.237454}} {
			z, err := Gi(x, DistanceBandWeights(pts, tc.band))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(z[obs]-tc.want) > 5e-7 {
				t.Errorf("band %v: Gi = %.7f, want %.6f", tc.band, z[obs], tc.want)
			}
		}
	})
	t.Run("GiStarGALBand30", func(t *testing.T) {
		w := readGAL(t, "grid_d30.gal")
		gx := valuesByID(t, "grid_values.csv", w)
		z, err := GiStar(gx, w)
		if err != nil {
			t.Fatal(err)
		}
		i := w.Index()["120"]
		if math.Abs(z[i]-1.45078) > 5e-7 {
			t.Errorf("Gi* = %.7f, want 1.450780", z[i])
		}
		// Getis & Ord (1996) p. 267 used the sample (n−1) variance.
		_, sd := meanSD(gx)
		n := float64(len(gx))
		if got := z[i] * sd / (sd * math.Sqrt(n/(n-1))); math.Abs(got-1.447943) > 5e-7 {
			t.Errorf("Gi* with sample variance = %.7f, want 1.447943", got)
		}
	})
}

// TestGiStarMatchesDefinition checks GiStar on the Columbus data against a
// direct dense-matrix evaluation of Ord & Getis (1995) eq. 14.2.
func TestGiStarMatchesDefinition(t *testing.T) {
	t.Parallel()
	w := readGAL(t, "columbus.gal")
	x := valuesByID(t, "columbus_crime.csv", w)
	z, err := GiStar(x, w)
	if err != nil {
		t.Fatal(err)
	}
	want := denseGiStar(w, x)
	for i := range want {
		if math.Abs(z[i]-want[i]) > 1e-9 {
			t.Errorf("%s: z = %v, want %v", w.IDs[i], z[i], want[i])
		}
	}
}

// denseGiStar evaluates Gi* with an explicit n×n weight matrix, the mean and
// the population variance written out term by term.
func denseGiStar(w *Weights, x []float64) []float64 {
	n := len(x)
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		m[i][i] = 1
		for _, j := range w.Neighbors[i] {
			m[i][j] = 1
		}
	}
	var mean, s2 float64
	for _, v := range x {
		mean += v / float64(n)
	}
	for _, v := range x {
		s2 += (v - mean) * (v - mean) / float64(n)
	}
	out := make([]float64, n)
	for i := range x {
		var wx, sw, sw2 float64
		for j := range x {
			wx += m[i][j] * x[j]
			sw += m[i][j]
			sw2 += m[i][j] * m[i][j]
		}
		out[i] = (wx - mean*sw) / (math.Sqrt(s2) * math.Sqrt((float64(n)*sw2-sw*sw)/float64(n-1)))
	}
	return out
}

func TestGiStarDegenerate(t *testing.T) {
	t.Parallel()
	pts := []Point2{{"a", 0, 0}, {"b", 1, 0}, {"c", 5, 0}}
	z, err := GiStar([]float64{4, 4, 4}, DistanceBandWeights(pts, 2))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range z {
		if v != 0 {
			t.Errorf("constant values: z[%d] = %v, want 0", i, v)
		}
	}
	if _, err := GiStar([]float64{1, 2}, DistanceBandWeights(pts, 2)); err == nil {
		t.Error("mismatched lengths: want error")
	}
	if _, err := GiStar([]float64{1, math.NaN(), 2}, DistanceBandWeights(pts, 2)); err == nil {
		t.Error("NaN value: want error")
	}
}

func TestPValue(t *testing.T) {
	t.Parallel()
	// Standard normal two-sided critical values (any statistics table).
	for _, tc := range []struct{ z, p float64 }{
		{0, 1}, {1.6448536, 0.10}, {-1.9599640, 0.05}, {2.5758293, 0.01},
	} {
		if got := PValue(tc.z); math.Abs(got-tc.p) > 1e-7 {
			t.Errorf("PValue(%v) = %v, want %v", tc.z, got, tc.p)
		}
	}
}

func TestBenjaminiHochberg(t *testing.T) {
	t.Parallel()
	// By hand: sorted .005 .01 .03 .04 (m = 4) give .02 .02 .04 .04.
	got := BenjaminiHochberg([]float64{0.01, 0.04, 0.03, 0.005})
	want := []float64{0.02, 0.04, 0.04, 0.02}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("adj[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	// R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") is 0.05 five times;
	// adjusted values never exceed 1.
	for _, v := range BenjaminiHochberg([]float64{0.01, 0.02, 0.03, 0.04, 0.05}) {
		if math.Abs(v-0.05) > 1e-12 {
			t.Errorf("adj = %v, want 0.05", v)
		}
	}
	if v := BenjaminiHochberg([]float64{0.9, 0.95})[0]; v != 0.95 {
		t.Errorf("adj = %v, want 0.95", v)
	}
}

func TestConfidenceBin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		z, p float64
		want int
	}{
		{3, 0.0027, 3}, {-3, 0.0027, -3}, {2.1, 0.036, 2}, {-1.7, 0.089, -1}, {1.2, 0.23, 0}, {2.6, 0.01, 2},
	} {
		if got := ConfidenceBin(tc.z, tc.p); got != tc.want {
			t.Errorf("ConfidenceBin(%v, %v) = %d, want %d", tc.z, tc.p, got, tc.want)
		}
	}
}

func TestHotSpotsFDR(t *testing.T) {
	t.Parallel()
	w := readGAL(t, "columbus.gal")
	x := valuesByID(t, "columbus_crime.csv", w)
	raw, err := HotSpots(x, w, false)
	if err != nil {
		t.Fatal(err)
	}
	fdr, err := HotSpots(x, w, true)
	if err != nil {
		t.Fatal(err)
	}
	nRaw, nFDR := 0, 0
	for i := range raw {
		if raw[i].Z != fdr[i].Z || raw[i].P != fdr[i].P || raw[i].PFDR != fdr[i].PFDR {
			t.Fatalf("%s: z and p must not depend on the bin rule", w.IDs[i])
		}
		if raw[i].PFDR < raw[i].P {
			t.Errorf("%s: adjusted p %v below raw p %v", w.IDs[i], raw[i].PFDR, raw[i].P)
		}
		if raw[i].Bin != ConfidenceBin(raw[i].Z, raw[i].P) || fdr[i].Bin != ConfidenceBin(fdr[i].Z, fdr[i].PFDR) {
			t.Errorf("%s: wrong bin", w.IDs[i])
		}
		if raw[i].Bin != 0 {
			nRaw++
		}
		if fdr[i].Bin != 0 {
			nFDR++
		}
	}
	if nFDR > nRaw || nRaw == 0 {
		t.Errorf("significant cells: raw %d, fdr %d", nRaw, nFDR)
	}
}
