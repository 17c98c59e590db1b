package analytics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/forecast"
)

// ForecastBacktest is a backtest of the forecast models at one date
// (`vikalp analyze --backtest DATE --compare` or `--model NAME`): every row
// judged on the same study area and number of hotspot cells as naive count.
type ForecastBacktest struct {
	Date time.Time
	// Default is the model Choose picks from the reports before Date alone
	// (the model the platform would have used), with its reason.
	Default       string
	DefaultScore  float64 // geometric-mean PAI ratio to naive in Choose's folds; NaN when none
	DefaultReason string
	// Rows: the default, naive, then the other candidates (or the one model
	// asked for), then Gi* (the top cells by Gi* z of the training counts).
	Rows []forecast.Result
}

// GiStarModel names the Gi* row of a ForecastBacktest.
const GiStarModel = "gi*-z"

// BacktestForecast backtests at date, reading approved reports only: with
// model "" every candidate, else that model (forecast.ParseModel; naive's
// own name gives naive alone), beside naive, the default and Gi*.
func (p *Pipeline) BacktestForecast(ctx context.Context, date time.Time, cfg forecast.Config, model string) (ForecastBacktest, error) {
	out := ForecastBacktest{Date: date}
	if err := cfg.Validate(); err != nil {
		return out, err
	}
	var one forecast.Model
	if model != "" {
		m, err := forecast.ParseModel(model)
		if err != nil {
			return out, err
		}
		one = m
	}
	if date.After(time.Now()) {
		return out, vikalp.InvalidField("backtest", "future", "the backtest date must not be in the future: there is nothing to test yet")
	}
	until := date.Add(time.Duration(cfg.TestDays) * 24 * time.Hour)
	groups, err := NewPriorityStore(p.stats.db).Events(ctx, date.Add(-forecastLookback(cfg)), until)
	if err != nil {
		return out, err
	}
	h, err := forecast.NewHistory(toForecastEvents(groups, until), date)
	if err != nil {
		return out, fmt.Errorf("index backtest events: %w", err)
	}
	choice, err := h.Choose(date, cfg)
	if err != nil {
		return out, err
	}
	out.Default, out.DefaultScore, out.DefaultReason = choice.Model.Name(), choice.Score, choice.Reason
	def, err := h.Backtest(choice.Model, date, cfg)
	if err != nil {
		return out, err
	}
	def.Model = "default: " + def.Model
	out.Rows = append(out.Rows, def)
	if one != nil {
		models := []forecast.Model{forecast.Naive(cfg.TrainDays)}
		if one.Name() != models[0].Name() {
			models = append(models, one)
		}
		for _, m := range models {
			r, err := h.Backtest(m, date, cfg)
			if err != nil {
				return out, err
			}
			out.Rows = append(out.Rows, r)
		}
	} else {
		rs, err := h.Compare(date, cfg)
		if err != nil {
			return out, err
		}
		out.Rows = append(out.Rows, rs...)
	}
	out.Rows = append(out.Rows, giStarRow(groups, until, out.Rows[1], cfg, p.cfg.K))
	return out, nil
}

// giStarRow judges Gi* as a forecast on naive's study area and number of
// cells: the training window's counts per cell, Gi* z over the cells with
// training events (k-ring k), the top TargetCells by z.
func giStarRow(groups []forecastEvent, until time.Time, naive forecast.Result, cfg forecast.Config, k int) forecast.Result {
	r := naive
	r.Model, r.LookbackFrom = GiStarModel, naive.TrainFrom
	train, test := map[int64]float64{}, map[int64]float64{}
	for _, g := range groups {
		c := h3.Cell(g.Cell)
		if !c.IsValid() {
			continue
		}
		at := g.at(until)
		parent := int64(c.Parent(cfg.Resolution))
		switch {
		case !at.Before(naive.TrainFrom) && at.Before(naive.Date):
			train[parent] += float64(g.N)
		case !at.Before(naive.Date) && at.Before(naive.TestTo):
			test[parent] += float64(g.N)
		}
	}
	cells := make([]int64, 0, len(train))
	set := make(map[int64]struct{}, len(train))
	for c := range train {
		cells = append(cells, c)
		set[c] = struct{}{}
	}
	slices.Sort(cells)
	x := make([]float64, len(cells))
	for i, c := range cells {
		x[i] = train[c]
	}
	var z []float64
	if len(cells) >= 2 {
		z = giStarSparse(cells, x, neighbourLists(set, max(k, 1)))
	}
	order := make([]int, len(cells))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case z[a] > z[b]:
			return -1
		case z[a] < z[b]:
			return 1
		}
		return 0 // cells are sorted: ties by cell id
	})
	r.HotspotCells, r.HotspotKm2, r.TrainHits, r.TestHits = 0, 0, 0, 0
	for _, i := range order[:min(naive.TargetCells, len(order))] {
		c := cells[i]
		r.HotspotCells++
		r.HotspotKm2 += h3.CellAreaKm2(h3.Cell(c))
		r.TrainHits += train[c]
		r.TestHits += test[c]
	}
	r.HitShare = math.NaN()
	if r.TestTotal > 0 {
		r.HitShare = r.TestHits / r.TestTotal
	}
	r.PAI, r.PAIUndefined = forecast.PAI(r.TestHits, r.TestTotal, r.HotspotKm2, r.StudyKm2)
	r.RRI, r.RRIUndefined = forecast.RRI(r.TrainHits, r.TrainTotal, r.TestHits, r.TestTotal)
	return r
}
