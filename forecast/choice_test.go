package forecast

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// stableCity returns events from fixed, skewed cell rates over 730 days
// before origin and 60 after: counting a long history predicts better than
// the last 90 days, which are mostly noise.
func stableCity(seed uint64) []Event {
	r := rand.New(rand.NewPCG(seed, 7))
	var es []Event
	for i := range 400 {
		c := cellAt(i%20-10, i/20-10)
		rate := 0.01 * math.Exp(0.8*r.NormFloat64()) // events a day
		for d := -730; d < 60; d++ {
			for k := poissonDraw(r, rate); k > 0; k-- {
				es = append(es, Event{Cell: c, At: dayAt(d)})
			}
		}
	}
	return es
}

func TestCompareSameTarget(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Resolution, cfg.TopShare = 9, 0.05
	rs, err := Compare(stableCity(1), origin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(Candidates(cfg)) || rs[0].Model != "naive-90d" {
		t.Fatalf("%d results, first %q; want every candidate, naive first", len(rs), rs[0].Model)
	}
	for _, r := range rs {
		if r.StudyCells != rs[0].StudyCells || r.TargetCells != rs[0].TargetCells || r.TestTotal != rs[0].TestTotal || r.StudyKm2 != rs[0].StudyKm2 {
			t.Errorf("%s judged on a different study area or N: %+v", r.Model, r)
		}
		if r.HotspotCells != r.TargetCells || math.IsNaN(r.PAI) {
			t.Errorf("%s: %d hotspots for %d asked, PAI %v", r.Model, r.HotspotCells, r.TargetCells, r.PAI)
		}
	}
}

func TestChoosePrefersTheLongHistory(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Resolution = 9
	ch, err := Choose(stableCity(2), origin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Folds) != cfg.Folds || len(ch.Table) != len(Candidates(cfg)) {
		t.Fatalf("%d folds, %d rows", len(ch.Folds), len(ch.Table))
	}
	t.Logf("chose %s at %.3f", ch.Model.Name(), ch.Score)
	if ch.Model.Name() == "naive-90d" || !(ch.Score > 1.05) || ch.Table[0].Score != 1 {
		t.Errorf("chose %s at %.3f (%s), want a long-history model above 1.05", ch.Model.Name(), ch.Score, ch.Reason)
	}
	for _, s := range ch.Table {
		if s.Pairs != cfg.Folds*len(cfg.Shares) || s.Wins+s.Ties+s.Losses != s.Pairs {
			t.Errorf("%s: %+v, want %d pairs", s.Model, s, cfg.Folds*len(cfg.Shares))
		}
		if s.Score > ch.Score {
			t.Errorf("%s scored %.3f, above the chosen %.3f", s.Model, s.Score, ch.Score)
		}
	}
}

// TestChooseReadsOnlyThePast: what happens on or after asOf cannot change
// the choice.
func TestChooseReadsOnlyThePast(t *testing.T) {
	t.Parallel()
	all := stableCity(3)
	var past []Event
	for _, e := range all {
		if e.At.Before(origin) {
			past = append(past, e)
		}
	}
	cfg := DefaultConfig()
	a, err := Choose(past, origin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Choose(all, origin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("later events changed the choice: %s %.4f vs %s %.4f", a.Model.Name(), a.Score, b.Model.Name(), b.Score)
	}
}

func TestChooseFallsBackToNaive(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	t.Run("NoHistory", func(t *testing.T) {
		t.Parallel()
		ch, err := Choose(events(int64(lucknow), 3, 5), origin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Model.Name() != "naive-90d" || !math.IsNaN(ch.Score) || len(ch.Folds) != 0 || !strings.Contains(ch.Reason, "no fold") {
			t.Errorf("got %s %v %q, want naive with no fold", ch.Model.Name(), ch.Score, ch.Reason)
		}
	})
	t.Run("NothingBeatsNaive", func(t *testing.T) {
		t.Parallel()
		// One cell: every model names it, so every model ties with naive.
		var es []Event
		for d := -400; d < 0; d += 3 {
			es = append(es, events(int64(lucknow), d, 1)...)
		}
		ch, err := Choose(es, origin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Model.Name() != "naive-90d" || ch.Score != 1 || !strings.Contains(ch.Reason, "no candidate beat naive") {
			t.Errorf("got %s %v %q, want naive: no candidate beat it", ch.Model.Name(), ch.Score, ch.Reason)
		}
		for _, s := range ch.Table {
			if s.Score != 1 || s.Ties != s.Pairs {
				t.Errorf("%s: %+v, want all ties", s.Model, s)
			}
		}
	})
}
