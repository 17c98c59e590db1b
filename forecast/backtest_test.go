package forecast

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
)

func TestPAI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		n, total, area, studyA float64
		want                   float64
		reason                 string
	}{
		// Chainey, Tompson & Uhlig (2008): PAI = hit rate / area percentage;
		// 25 % of crimes in 5 % of the area is a PAI of 5.
		{"Published", 50, 200, 1, 20, 5, ""},
		{"CaughtNothing", 0, 200, 1, 20, 0, ""},
		{"WholeArea", 200, 200, 20, 20, 1, ""},
		{"NoStudyArea", 0, 0, 0, 0, math.NaN(), "no study area"},
		{"NoHotspots", 0, 200, 0, 20, math.NaN(), "no hotspot cells"},
		{"NoTestEvents", 0, 0, 1, 20, math.NaN(), "no test events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, reason := PAI(tt.n, tt.total, tt.area, tt.studyA)
			if !sameFloat(got, tt.want) || !strings.HasPrefix(reason, tt.reason) || (tt.reason == "") != (reason == "") {
				t.Errorf("PAI = %v, %q; want %v, %q…", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestRRI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		n1, t1, n2, t2 float64
		want           float64
		reason         string
	}{
		// Levine (2008): 40 of 200 crimes in the hotspots, then 30 of 100:
		// (30/40)/(100/200) = 1.5.
		{"Published", 40, 200, 30, 100, 1.5, ""},
		{"SameShare", 40, 200, 20, 100, 1, ""},
		{"NoTrainingEvents", 0, 0, 30, 100, math.NaN(), "no training events"},
		{"NoTestEvents", 40, 200, 0, 0, math.NaN(), "no test events"},
		{"NoneInHotspots", 0, 200, 30, 100, math.NaN(), "no training events in the hotspots"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, reason := RRI(tt.n1, tt.t1, tt.n2, tt.t2)
			if !sameFloat(got, tt.want) || reason != tt.reason {
				t.Errorf("RRI = %v, %q; want %v, %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestTargetCells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		share float64
		study int
		want  int
	}{
		{0.05, 100, 5}, // not 6: 0.05 × 100 is 5.000000000000001 in binary
		{0.01, 840, 9}, // ⌈8.4⌉
		{0.01, 1, 1},
		{0.01, 0, 0},
		{1, 37, 37},
		{0.3, 10, 3},
	}
	for _, tt := range tests {
		if got := TargetCells(tt.share, tt.study); got != tt.want {
			t.Errorf("TargetCells(%v, %d) = %d, want %d", tt.share, tt.study, got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
		want  string
	}{
		{"Resolution10", func(c *Config) { c.Resolution = 10 }, "resolution", "between 5 and 9, got 10"},
		{"ResolutionNegative", func(c *Config) { c.Resolution = -1 }, "resolution", "got -1"},
		{"ResolutionZero", func(c *Config) { c.Resolution = 0 }, "resolution", "got 0"},
		{"TrainZero", func(c *Config) { c.TrainDays = 0 }, "train_days", "between 1 and 3650 days, got 0"},
		{"TestNegative", func(c *Config) { c.TestDays = -5 }, "test_days", "got -5"},
		{"TestHuge", func(c *Config) { c.TestDays = 5000 }, "test_days", "got 5000"},
		{"ShareNegative", func(c *Config) { c.TopShare = -0.5 }, "top_share", "greater than 0 and at most 1, got -0.5"},
		{"ShareAboveOne", func(c *Config) { c.TopShare = 1.5 }, "top_share", "got 1.5"},
		{"ShareNaN", func(c *Config) { c.TopShare = math.NaN() }, "top_share", "got NaN"},
		{"NoShares", func(c *Config) { c.Shares = nil }, "shares", "at least one"},
		{"BadShare", func(c *Config) { c.Shares = []float64{0.01, 0} }, "shares", "got 0"},
		{"NoFolds", func(c *Config) { c.Folds = 0 }, "folds", "between 1 and 120, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			ue, ok := vikalp.AsUserError(err)
			if !errors.Is(err, vikalp.ErrInvalid) || !ok || ue.Field != tt.field || !strings.Contains(ue.Message, tt.want) {
				t.Errorf("Validate() = %v, want ErrInvalid on %s saying %q", err, tt.field, tt.want)
			}
			// Every entry point refuses it the same way.
			if _, err := Backtest(nil, Naive(90), origin, c); !errors.Is(err, vikalp.ErrInvalid) {
				t.Errorf("Backtest err = %v, want ErrInvalid", err)
			}
		})
	}
}

// TestStudyArea pins the study-area definition: cells with an event in the
// training or the test window, nothing before or after.
func TestStudyArea(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Resolution = 9
	trainOnly, testOnly, both := cellAt(0, 0), cellAt(3, 0), cellAt(0, 3)
	tooOld, tooLate := cellAt(-3, 0), cellAt(0, -3)
	var es []Event
	es = append(es, events(trainOnly, -90, 4)...) // first training day
	es = append(es, events(testOnly, 29, 2)...)   // last test day
	es = append(es, events(both, -1, 1)...)
	es = append(es, events(both, 0, 3)...)
	es = append(es, events(tooOld, -91, 7)...) // read by long models, outside the study
	es = append(es, events(tooLate, 30, 9)...) // after the test window
	r, err := mustHistory(t, es).Backtest(Naive(90), origin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	area := func(cs ...int64) (a float64) {
		for _, c := range cs {
			a += h3.CellAreaKm2(h3.Cell(c))
		}
		return a
	}
	if r.StudyCells != 3 || math.Abs(r.StudyKm2-area(trainOnly, testOnly, both)) > 1e-12 {
		t.Errorf("study = %d cells, %v km²; want 3 cells, %v km²", r.StudyCells, r.StudyKm2, area(trainOnly, testOnly, both))
	}
	if r.TrainTotal != 5 || r.TestTotal != 5 {
		t.Errorf("train %v test %v events, want 5 and 5", r.TrainTotal, r.TestTotal)
	}
	// ⌈1 % × 3⌉ = 1 hotspot: naive's top cell is trainOnly (4 events).
	if r.TargetCells != 1 || r.HotspotCells != 1 || r.TrainHits != 4 || r.TestHits != 0 || r.PAI != 0 {
		t.Errorf("result %+v, want 1 hotspot with 4 training hits and PAI 0", r)
	}
	if !r.TrainFrom.Equal(origin.AddDate(0, 0, -90)) || !r.TestTo.Equal(origin.AddDate(0, 0, 30)) || !r.LookbackFrom.Equal(r.TrainFrom) {
		t.Errorf("windows %v %v %v", r.LookbackFrom, r.TrainFrom, r.TestTo)
	}
}

// TestBacktestIndices checks PAI and RRI against a hand count.
func TestBacktestIndices(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Resolution, cfg.TopShare = 9, 0.25
	a, b, c, d := cellAt(0, 0), cellAt(4, 0), cellAt(0, 4), cellAt(4, 4)
	var es []Event
	es = append(es, events(a, -10, 5)...)
	es = append(es, events(b, -20, 3)...)
	es = append(es, events(c, -30, 1)...)
	es = append(es, events(a, 5, 2)...)
	es = append(es, events(c, 6, 4)...)
	es = append(es, events(d, 7, 1)...)
	r, err := mustHistory(t, es).Backtest(Naive(90), origin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	areaA := h3.CellAreaKm2(h3.Cell(a))
	studyA := areaA + h3.CellAreaKm2(h3.Cell(b)) + h3.CellAreaKm2(h3.Cell(c)) + h3.CellAreaKm2(h3.Cell(d))
	wantPAI := (2.0 / 7) / (areaA / studyA)
	wantRRI := (2.0 / 5) / (7.0 / 9)
	if r.StudyCells != 4 || r.TargetCells != 1 || r.TestHits != 2 || r.TrainHits != 5 ||
		math.Abs(r.PAI-wantPAI) > 1e-12 || math.Abs(r.RRI-wantRRI) > 1e-12 || math.Abs(r.HitShare-2.0/7) > 1e-12 {
		t.Errorf("got %+v, want 4 study cells, 1 hotspot, 2 of 7 hits, PAI %v, RRI %v", r, wantPAI, wantRRI)
	}
}

func TestBacktestUndefined(t *testing.T) {
	t.Parallel()
	h := mustHistory(t, events(int64(lucknow), -5, 3))
	future, err := h.Backtest(Naive(90), origin.AddDate(0, 0, 10), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(future.PAI) || future.PAIUndefined != "no test events" || !math.IsNaN(future.HitShare) {
		t.Errorf("future date: PAI %v (%q), want NaN with \"no test events\"", future.PAI, future.PAIUndefined)
	}
	empty, err := Compare(nil, origin, DefaultConfig()) // every model, kernels too
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range empty {
		if !math.IsNaN(r.PAI) || !strings.HasPrefix(r.PAIUndefined, "no study area") || !math.IsNaN(r.RRI) {
			t.Errorf("no data, %s: PAI %v (%q), want NaN with \"no study area…\"", r.Model, r.PAI, r.PAIUndefined)
		}
	}
	// Test events but no training events: naive names no cell.
	late, err := Backtest(events(int64(lucknow), 3, 2), Naive(90), origin, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(late.PAI) || !strings.HasPrefix(late.PAIUndefined, "no hotspot cells") || late.RRIUndefined != "no training events" {
		t.Errorf("no training: PAI %v (%q), RRI %q", late.PAI, late.PAIUndefined, late.RRIUndefined)
	}
}

func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

func TestRank(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 3))
	var rk ranker
	for trial := range 300 {
		n := 1 + r.IntN(200)
		scores := make([]float64, n)
		cells := make([]int64, n)
		for i := range scores {
			scores[i] = float64(r.IntN(6)) // many ties, some zeros
			if trial%2 == 0 {
				scores[i] = r.Float64() - 0.2
			}
			cells[i] = r.Int64N(1000)*1000 + int64(i) // distinct ids, shuffled
		}
		var want []int32
		for i := range scores {
			if scores[i] > 0 {
				want = append(want, int32(i))
			}
		}
		slices.SortFunc(want, func(a, b int32) int {
			if scores[a] != scores[b] {
				return cmp.Compare(scores[b], scores[a])
			}
			return cmp.Compare(cells[a], cells[b])
		})
		top := 1 + r.IntN(n)
		got := rk.rank(scores, cells, r.IntN(n+1), top)
		if !slices.Equal(got, want[:min(top, len(want))]) {
			t.Fatalf("rank top %d of %v = %v, want %v", top, scores, got, want[:min(top, len(want))])
		}
	}
}

// TestRankNoCells: a fold whose study area is empty (events only before
// the training window) asks for no cell; ranking must not fail.
func TestRankNoCells(t *testing.T) {
	var rk ranker
	if got := rk.rank([]float64{3, 2, 1}, []int64{1, 2, 3}, 3, 0); len(got) != 0 {
		t.Errorf("rank n=0: %v", got)
	}
}
