package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/forecast"
	"github.com/vikalp/vikalp/internal/pg"
)

// PriorityPlace is one cell of the forecast of where the next incidents
// will be ("priority places" for patrol), from approved reports only.
type PriorityPlace struct {
	Cell       int64
	Resolution int
	RunID      int64
	Rank       int // state-wide, 1 is the highest score
	Score      float64
	DistrictID int // the district most of the cell's reports (or its nearest reported neighbours') fall in; 0 unknown
}

// MaxPriorityPlaces bounds the cells a forecast run stores (state-wide,
// best first): far more than any patrol plan reads, and every district's
// best cells are among them unless the state has more than this many cells
// with reports.
const MaxPriorityPlaces = 20000

// ForecastSummary is what a forecast run records in analysis_runs.summary
// and what analysts are shown beside the priority places: the model in use
// and how it scored against naive counting in the rolling backtests.
type ForecastSummary struct {
	RunID       int64     `json:"run_id"`
	AsOf        time.Time `json:"as_of"`
	Resolution  int       `json:"resolution"`
	HorizonDays int       `json:"horizon_days"`
	Model       string    `json:"model"`
	// Score is the geometric mean over the folds and shares of the model's
	// PAI over naive's (1 for naive itself); nil when no fold could be
	// judged.
	Score  *float64               `json:"score"`
	Reason string                 `json:"reason"`
	Folds  []time.Time            `json:"folds"`
	Shares []float64              `json:"shares"`
	Table  []ForecastModelSummary `json:"table"`
	Events int                    `json:"events"`
	Cells  int                    `json:"cells"`
	// Timings: read, choose (rolling backtests), forecast, write.
	Timings map[string]time.Duration `json:"timings_ns"`
	Elapsed time.Duration            `json:"elapsed_ns"`
}

// ForecastModelSummary is one candidate's line of the rolling backtests.
type ForecastModelSummary struct {
	Model  string   `json:"model"`
	Score  *float64 `json:"score"` // nil: no fold judged
	Wins   int      `json:"wins"`
	Ties   int      `json:"ties"`
	Losses int      `json:"losses"`
	Pairs  int      `json:"pairs"`
}

// forecastConfig is the forecast's backtest setting (forecast.DefaultConfig
// unless set).
func (p *Pipeline) forecastConfig() forecast.Config {
	if p.cfg.Forecast.Resolution != 0 {
		return p.cfg.Forecast
	}
	return forecast.DefaultConfig()
}

// Forecast chooses the forecast model by rolling backtests on the approved
// reports before asOf, forecasts the next HorizonDays (the backtests' test
// window) with it, and replaces priority_places, recorded as a "forecast"
// analysis run.
func (p *Pipeline) Forecast(ctx context.Context, asOf time.Time) (ForecastSummary, error) {
	start := time.Now()
	cfg := p.forecastConfig()
	runID, err := p.runs.Start(ctx, "forecast", map[string]any{"as_of": asOf, "config": cfg}, start)
	if err != nil {
		return ForecastSummary{}, err
	}
	sum, err := p.forecast(ctx, runID, asOf, cfg)
	sum.RunID, sum.AsOf, sum.Elapsed = runID, asOf, time.Since(start)
	if ferr := p.runs.Finish(context.WithoutCancel(ctx), runID, err != nil, sum, time.Now()); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return sum, fmt.Errorf("forecast run %d: %w", runID, err)
	}
	p.logger.Info("Forecast run finished", slog.Int64("run_id", runID), slog.String("model", sum.Model),
		slog.Int("cells", sum.Cells), slog.Duration("elapsed", sum.Elapsed))
	return sum, nil
}

// forecastLookback is how far back the choice reads: the folds, then each
// fold's training window or the longest candidate lookback.
func forecastLookback(cfg forecast.Config) time.Duration {
	days := cfg.TrainDays
	for _, m := range forecast.Candidates(cfg) {
		days = max(days, m.LookbackDays())
	}
	return time.Duration(cfg.Folds*cfg.TestDays+days) * 24 * time.Hour
}

func (p *Pipeline) forecast(ctx context.Context, runID int64, asOf time.Time, cfg forecast.Config) (ForecastSummary, error) {
	sum := ForecastSummary{Resolution: cfg.Resolution, HorizonDays: cfg.TestDays, Shares: cfg.Shares,
		Timings: map[string]time.Duration{}}
	lap := time.Now()
	mark := func(stage string) {
		sum.Timings[stage] = time.Since(lap)
		lap = time.Now()
	}
	p.prog("reading reports for the forecast")
	store := NewPriorityStore(p.stats.db)
	groups, err := store.Events(ctx, asOf.Add(-forecastLookback(cfg)), asOf)
	if err != nil {
		return sum, err
	}
	sum.Events = len(groups)
	h, err := forecast.NewHistory(toForecastEvents(groups, asOf), asOf)
	if err != nil {
		return sum, fmt.Errorf("index forecast events: %w", err)
	}
	// The districts are all the places need of the groups: index them now
	// and let the groups (~27 MB for a million reports) go before the
	// backtests, the forecast's high-water mark (bench/NOTES.md).
	district := placeDistricts(groups, cfg.Resolution)
	groups = nil
	mark("read")
	p.prog("choosing the forecast model by rolling backtests")
	choice, err := h.Choose(asOf, cfg)
	if err != nil {
		return sum, fmt.Errorf("choose forecast model: %w", err)
	}
	sum.Model, sum.Score, sum.Reason, sum.Folds = choice.Model.Name(), finite(choice.Score), choice.Reason, choice.Folds
	for _, m := range choice.Table {
		sum.Table = append(sum.Table, ForecastModelSummary{Model: m.Model, Score: finite(m.Score), Wins: m.Wins,
			Ties: m.Ties, Losses: m.Losses, Pairs: m.Pairs})
	}
	mark("choose")
	scores, err := h.Forecast(choice.Model, asOf, cfg.Resolution, cfg.TestDays)
	if err != nil {
		return sum, fmt.Errorf("forecast with %s: %w", sum.Model, err)
	}
	places := rankPlaces(scores, district)
	sum.Cells = len(places)
	mark("forecast")
	err = pg.WithTx(ctx, p.stats.db, func(tx pgx.Tx) error {
		return store.Replace(ctx, tx, runID, cfg.Resolution, places)
	})
	mark("write")
	return sum, err
}

// rankPlaces keeps the best MaxPriorityPlaces cells of a forecast (best
// first) with their state-wide rank and district.
func rankPlaces(scores []forecast.CellScore, district func(int64) int) []PriorityPlace {
	n := min(len(scores), MaxPriorityPlaces)
	out := make([]PriorityPlace, 0, n)
	for i, s := range scores[:n] {
		if !(s.Score > 0) {
			break
		}
		out = append(out, PriorityPlace{Cell: s.Cell, Rank: i + 1, Score: s.Score, DistrictID: district(s.Cell)})
	}
	return out
}

// placeDistricts returns the district of a cell at res: the district with
// most of its reports, else that of the nearest cell (up to three rings
// away, the reach of the widest kernel) that has reports, else 0.
func placeDistricts(groups []forecastEvent, res int) func(int64) int {
	counts := map[int64]map[int32]int32{}
	for _, g := range groups {
		c := h3.Cell(g.Cell)
		if !c.IsValid() {
			continue
		}
		parent := int64(c.Parent(res))
		m := counts[parent]
		if m == nil {
			m = map[int32]int32{}
			counts[parent] = m
		}
		m[g.DistrictID] += g.N
	}
	best := make(map[int64]int, len(counts))
	for cell, m := range counts {
		var d, n int32 = 0, -1
		for id, k := range m {
			if k > n || (k == n && id < d) {
				d, n = id, k
			}
		}
		best[cell] = int(d)
	}
	return func(cell int64) int {
		if d, ok := best[cell]; ok {
			return d
		}
		for _, ring := range h3.Cell(cell).GridDiskDistances(3)[1:] {
			d := 0
			for _, c := range ring {
				if id, ok := best[int64(c)]; ok && (d == 0 || id < d) {
					d = id
				}
			}
			if d != 0 {
				return d
			}
		}
		return 0
	}
}

// finite returns a pointer to v, or nil when v is NaN or infinite (JSON
// has no NaN).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// PriorityService answers staff requests for priority places, scoped like
// the hotspot statistics (StatsViewOf): the forecast is computed from
// approved reports only, and a caller sees the cells of its scope's
// districts. Anonymous callers get none.
type PriorityService struct {
	db pg.DBTX
}

// NewPriorityService returns a service on db.
func NewPriorityService(db pg.DBTX) *PriorityService { return &PriorityService{db: db} }

// PriorityAnswer is the latest forecast as one caller may see it.
type PriorityAnswer struct {
	Forecast *ForecastSummary // nil before the first forecast run
	Places   []PriorityPlace
}

// Places returns the latest forecast's summary and the best limit cells of
// p's scope (districtID narrows it to one district of the scope).
func (s *PriorityService) Places(ctx context.Context, p auth.Principal, districtID, limit int) (PriorityAnswer, error) {
	var out PriorityAnswer
	run, err := NewAnalysisRunStore(s.db).Latest(ctx, "forecast")
	switch {
	case err == nil:
		var sum ForecastSummary
		if err := json.Unmarshal(run.Summary, &sum); err != nil {
			return out, fmt.Errorf("decode forecast summary: %w", err)
		}
		out.Forecast = &sum
	case !errors.Is(err, vikalp.ErrNotFound):
		return out, err
	}
	districts, err := scopedDistricts(ctx, s.db, p, districtID)
	if err != nil {
		return out, err
	}
	if districts != nil && len(districts) == 0 {
		return out, nil
	}
	out.Places, err = NewPriorityStore(s.db).Places(ctx, districts, limit)
	return out, err
}
