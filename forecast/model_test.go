package forecast

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
)

func TestParseModel(t *testing.T) {
	t.Parallel()
	for _, m := range Candidates(DefaultConfig()) {
		got, err := ParseModel(m.Name())
		if err != nil || got != m {
			t.Errorf("ParseModel(%q) = %v, %v; want the same model back", m.Name(), got, err)
		}
	}
	for _, name := range []string{"", "naive", "naive-0d", "naive-90d+kde-400m", "kde-400m", "count-90d+kde-0m",
		"decayed-30d+kde-9000m", "sepp-365d+kde-400m", "prospective-400m", "Naive-90d", "count-99999d"} {
		if _, err := ParseModel(name); !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("ParseModel(%q) err = %v, want ErrInvalid", name, err)
		}
	}
}

// TestModelsReadOnlyThePast is the forecast's non-interference property:
// events on or after the forecast date change no model's scores.
func TestModelsReadOnlyThePast(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	var past, all []Event
	for range 3000 {
		e := Event{Cell: cellAt(r.IntN(12)-6, r.IntN(12)-6), At: dayAt(r.IntN(800) - 700), Weight: float64(r.IntN(3))}
		all = append(all, e)
		if e.At.Before(origin) {
			past = append(past, e)
		}
	}
	hp, ha := mustHistory(t, past), mustHistory(t, all)
	for _, m := range Candidates(DefaultConfig()) {
		a, err := hp.Forecast(m, origin, 8, 30)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ha.Forecast(m, origin, 8, 30)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) {
			t.Errorf("%s: later events changed the forecast", m.Name())
		}
		if len(a) == 0 {
			t.Errorf("%s: empty forecast", m.Name())
		}
	}
}

func TestNaiveTiesByCellID(t *testing.T) {
	t.Parallel()
	cells := []int64{cellAt(0, 0), cellAt(5, 0), cellAt(0, 5), cellAt(5, 5), cellAt(9, 1)}
	var es []Event
	for i, c := range cells {
		n := 2
		if i == 3 {
			n = 3
		}
		es = append(es, events(c, -10, n)...)
	}
	es = append(es, events(cellAt(-9, 0), -91, 5)...) // outside the 90-day window
	scores, err := mustHistory(t, es).Forecast(Naive(90), origin, 9, 30)
	if err != nil {
		t.Fatal(err)
	}
	tied := []int64{cells[0], cells[1], cells[2], cells[4]}
	slices.Sort(tied)
	want := append([]CellScore{{cells[3], 3}}, CellScore{tied[0], 2}, CellScore{tied[1], 2}, CellScore{tied[2], 2}, CellScore{tied[3], 2})
	if !slices.Equal(scores, want) {
		t.Errorf("naive = %v, want counts (not densities), highest first, ties by cell id: %v", scores, want)
	}
}

func TestTemporalWeights(t *testing.T) {
	t.Parallel()
	c := int64(lucknow)
	tests := []struct {
		m    Model
		age  int // days before the forecast date (1 = yesterday)
		want float64
	}{
		{Count(90, 0), 1, 1},
		{Count(90, 0), 90, 1},
		{Count(90, 0), 91, 0},
		{Decayed(30, 0), 1, math.Exp2(-0.5 / 30)}, // taken at mid-day
		{Decayed(30, 0), 31, math.Exp2(-30.5 / 30)},
		{Decayed(30, 0), LongLookbackDays + 1, 0},
		{Prospective(), 7, 1},   // week 0
		{Prospective(), 8, 0.5}, // week 1
		{Prospective(), 56, 1.0 / 8},
		{Prospective(), 57, 0}, // beyond two months
	}
	for _, tt := range tests {
		scores, err := mustHistory(t, events(c, -tt.age, 1)).Forecast(tt.m, origin, 9, 30)
		if err != nil {
			t.Fatal(err)
		}
		got := 0.0
		for _, s := range scores {
			if s.Cell == c {
				got = s.Score
			}
		}
		if math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s, age %d days: weight %v, want %v", tt.m.Name(), tt.age, got, tt.want)
		}
	}
}

// TestProspectiveBands checks Bowers, Johnson & Pease's spatial bands: the
// event's own cell 1, the first ring (≈ 350 m away) ½, nothing from the
// second (≥ 600 m), beyond 400 m.
func TestProspectiveBands(t *testing.T) {
	t.Parallel()
	src := h3.Cell(lucknow)
	scores, err := mustHistory(t, events(int64(src), -1, 1)).Forecast(Prospective(), origin, 9, 30)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]float64{}
	for _, s := range scores {
		got[s.Cell] = s.Score
	}
	for ring, cells := range src.GridDiskDistances(2) {
		for _, c := range cells {
			want := 0.0
			if ring <= 1 {
				want = 1 / float64(1+ring)
			}
			if math.Abs(got[int64(c)]-want) > 1e-12 {
				t.Errorf("ring %d cell: %v, want %v", ring, got[int64(c)], want)
			}
		}
	}
}

// TestSelfExcitingRecoversParameters fits the self-exciting model to a
// simulated Hawkes process with known background, branching ratio θ and
// decay ω, the check Mohler et al. (2011) make on synthetic data.
func TestSelfExcitingRecoversParameters(t *testing.T) {
	t.Parallel()
	const mu, theta, omega, days = 0.03, 0.5, 0.2, 700
	r := rand.New(rand.NewPCG(5, 6))
	var es []Event
	for i := range 300 {
		c := cellAt(i%20-10, i/20-7)
		var queue []float64
		for t := r.ExpFloat64() / mu; t < days; t += r.ExpFloat64() / mu {
			queue = append(queue, t)
		}
		for len(queue) > 0 {
			t0 := queue[0]
			queue = queue[1:]
			es = append(es, Event{Cell: c, At: origin.Add(time.Duration((t0 - days) * float64(day)))})
			for k := poissonDraw(r, theta); k > 0; k-- {
				if t1 := t0 + r.ExpFloat64()/omega; t1 < days {
					queue = append(queue, t1)
				}
			}
		}
	}
	h := mustHistory(t, es)
	l := h.layerAt(9)
	f := newSEPPFit(newPast(h, l, 0, 30), LongLookbackDays)
	f.fit()
	var meanMu float64
	for _, m := range f.mu {
		meanMu += m
	}
	meanMu /= float64(len(f.mu))
	t.Logf("fit on %d events: θ=%.3f ω=%.3f mean μ=%.4f", len(es), f.theta, f.omega, meanMu)
	if math.Abs(f.theta-theta) > 0.1 || math.Abs(f.omega-omega)/omega > 0.3 || math.Abs(meanMu-mu)/mu > 0.2 {
		t.Errorf("fit θ=%.3f ω=%.3f μ=%.4f, want θ≈%v ω≈%v μ≈%v", f.theta, f.omega, meanMu, theta, omega, mu)
	}
}

func poissonDraw(r *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
