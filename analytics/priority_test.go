package analytics

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/forecast"
)

// persistentPlaces files, every other day over two years before testAsOf,
// reports in a few fixed r9 cells (the places that stay bad) and one report
// a week scattered over the city, plus reports that must never count.
func persistentPlaces(t *testing.T, b pipelineBundle) (hot []h3.Cell) {
	t.Helper()
	city := newSyntheticCity(3, 12)
	r9 := func(i int) h3.Cell { return city.cells[i].Children(9)[0] }
	hot = []h3.Cell{r9(10), r9(200), r9(300)}
	var reports []testReport
	for d := 1; d < 730; d += 2 {
		at := testAsOf.Add(-time.Duration(d) * 24 * time.Hour)
		for _, c := range hot {
			reports = append(reports, testReport{Cell9: int64(c), At: at, Category: "groping"})
		}
		if d%7 == 1 {
			reports = append(reports, testReport{Cell9: int64(r9((d * 37) % len(city.cells))), At: at, Category: "other"})
		}
	}
	// Pending and rejected reports in one more cell: never an input.
	for d := 1; d < 60; d++ {
		at := testAsOf.Add(-time.Duration(d) * 24 * time.Hour)
		reports = append(reports, testReport{Cell9: int64(r9(400)), At: at, Category: "groping", Status: "pending"},
			testReport{Cell9: int64(r9(400)), At: at, Category: "groping", Status: "rejected"})
	}
	copyReports(t, b.db, reports)
	return hot
}

func TestForecastWritesPriorityPlaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	hot := persistentPlaces(t, b)
	p := NewPipeline(b.db, Deps{Jobs: b.jobs})
	sum, err := p.Forecast(ctx, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Model == "" || len(sum.Table) == 0 || sum.Cells == 0 || len(sum.Folds) == 0 {
		t.Fatalf("summary %+v", sum)
	}
	places, err := NewPriorityStore(b.db).Places(ctx, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{}
	for _, c := range hot {
		want[int64(c.Parent(8))] = true
	}
	for i, pl := range places {
		if !want[pl.Cell] || pl.Rank != i+1 || pl.DistrictID != testDistrict || pl.RunID != sum.RunID {
			t.Errorf("place %d: %+v, want one of the persistent cells %v", i, pl, want)
		}
	}
	pending := int64(newSyntheticCity(3, 12).cells[400])
	all, err := NewPriorityStore(b.db).Places(ctx, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range all {
		if pl.Cell == pending {
			t.Errorf("the cell of only pending and rejected reports is a priority place: %+v", pl)
		}
	}

	t.Run("ScopedLikeStatistics", func(t *testing.T) {
		svc := NewPriorityService(b.db)
		state, err := svc.Places(ctx, auth.Principal{Role: auth.RoleMSPAnalyst, Scope: auth.StateScope}, 0, 5)
		if err != nil || state.Forecast == nil || state.Forecast.Model != sum.Model || len(state.Places) != min(5, len(all)) {
			t.Fatalf("state: %+v, %v", state, err)
		}
		other, err := svc.Places(ctx, auth.Principal{Role: auth.RoleSP,
			Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: testOtherDistrict}}, 0, 5)
		if err != nil || len(other.Places) != 0 {
			t.Errorf("Meerut SP sees %d Lucknow places (%v)", len(other.Places), err)
		}
		asked, err := svc.Places(ctx, auth.Principal{Role: auth.RoleSP,
			Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: testOtherDistrict}}, testDistrict, 5)
		if err != nil || len(asked.Places) != 0 {
			t.Errorf("Meerut SP asking for Lucknow sees %d places (%v)", len(asked.Places), err)
		}
	})
}

func TestBacktestForecast(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	persistentPlaces(t, b)
	p := NewPipeline(b.db, Deps{Jobs: b.jobs})
	date := testAsOf.Add(-60 * 24 * time.Hour)
	cfg := forecast.DefaultConfig()
	bt, err := p.BacktestForecast(ctx, date, cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(bt.Rows) != len(forecast.Candidates(cfg))+2 {
		t.Fatalf("%d rows, want default, every candidate and Gi*", len(bt.Rows))
	}
	naive := bt.Rows[1]
	if !strings.HasPrefix(bt.Rows[0].Model, "default: ") || naive.Model != "naive-90d" ||
		bt.Rows[len(bt.Rows)-1].Model != GiStarModel {
		t.Errorf("rows %s, %s … %s", bt.Rows[0].Model, naive.Model, bt.Rows[len(bt.Rows)-1].Model)
	}
	for _, r := range bt.Rows {
		if r.StudyCells != naive.StudyCells || r.TargetCells != naive.TargetCells || r.TestTotal != naive.TestTotal {
			t.Errorf("%s judged on another study area: %+v", r.Model, r)
		}
		if math.IsNaN(r.PAI) || r.PAI <= 0 {
			t.Errorf("%s: PAI %v (%s)", r.Model, r.PAI, r.PAIUndefined)
		}
	}

	t.Run("OneModel", func(t *testing.T) {
		bt, err := p.BacktestForecast(ctx, date, cfg, "decayed-180d+kde-400m")
		if err != nil || len(bt.Rows) != 4 || bt.Rows[2].Model != "decayed-180d+kde-400m" {
			t.Fatalf("%v rows, %v", len(bt.Rows), err)
		}
	})
	t.Run("UndefinedWithoutData", func(t *testing.T) {
		bt, err := p.BacktestForecast(ctx, testAsOf.Add(-5*365*24*time.Hour), cfg, "naive-90d")
		if err != nil {
			t.Fatal(err)
		}
		if r := bt.Rows[1]; !math.IsNaN(r.PAI) || r.PAIUndefined == "" {
			t.Errorf("PAI with no data: %v %q", r.PAI, r.PAIUndefined)
		}
	})
	t.Run("InvalidInput", func(t *testing.T) {
		for name, c := range map[string]forecast.Config{
			"resolution10": {Resolution: 10, TrainDays: 90, TestDays: 30, TopShare: 0.01, Shares: []float64{0.01}, Folds: 6},
			"trainDays0":   {Resolution: 8, TrainDays: 0, TestDays: 30, TopShare: 0.01, Shares: []float64{0.01}, Folds: 6},
			"testDaysNeg":  {Resolution: 8, TrainDays: 90, TestDays: -5, TopShare: 0.01, Shares: []float64{0.01}, Folds: 6},
			"shareNeg":     {Resolution: 8, TrainDays: 90, TestDays: 30, TopShare: -0.5, Shares: []float64{0.01}, Folds: 6},
			"shareOver1":   {Resolution: 8, TrainDays: 90, TestDays: 30, TopShare: 1.5, Shares: []float64{0.01}, Folds: 6},
		} {
			if _, err := p.BacktestForecast(ctx, date, c, ""); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		if _, err := p.BacktestForecast(ctx, date, cfg, "oracle"); err == nil {
			t.Error("unknown model accepted")
		}
		if _, err := p.BacktestForecast(ctx, time.Now().Add(48*time.Hour), cfg, ""); err == nil {
			t.Error("future date accepted")
		}
	})
}
