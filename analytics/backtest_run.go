package analytics

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uber/h3-go/v4"
)

// BacktestConfig sets a backtest: hotspots from TrainDays before the date,
// judged on the TestDays after it, at Resolution.
type BacktestConfig struct {
	TrainDays  int     // default 90
	TestDays   int     // default 30
	Resolution int     // default 8
	MinBin     int     // hot spots are cells at bin ≥ MinBin (default 2); ignored with TopShare
	TopShare   float64 // when > 0, the hotspots are this share of study-area cells with the highest z
}

// BacktestResult is what a backtest found, stored in analysis_runs.summary.
type BacktestResult struct {
	RunID        int64     `json:"run_id"`
	Date         time.Time `json:"date"`
	Resolution   int       `json:"resolution"`
	HotspotCells int       `json:"hotspot_cells"`
	StudyCells   int       `json:"study_cells"`
	HotspotKm2   float64   `json:"hotspot_km2"`
	StudyKm2     float64   `json:"study_km2"`
	TrainTotal   int       `json:"train_records"`
	TrainHits    int       `json:"train_records_in_hotspots"`
	TestTotal    int       `json:"test_records"`
	TestHits     int       `json:"test_records_in_hotspots"`
	PAI          float64   `json:"pai"`
	RRI          float64   `json:"rri"`
}

// Backtest computes Gi* hotspots from the data before date and scores them
// on the data after it with PAI and RRI, recorded as a "backtest" run. The
// study area is every cell with data in either period.
func (p *Pipeline) Backtest(ctx context.Context, date time.Time, bc BacktestConfig) (BacktestResult, error) {
	bc = bc.withDefaults()
	res := BacktestResult{Date: date, Resolution: bc.Resolution}
	runID, err := p.runs.Start(ctx, "backtest", bc, time.Now())
	if err != nil {
		return res, err
	}
	res.RunID = runID
	err = p.backtest(ctx, date, bc, &res)
	if ferr := p.runs.Finish(context.WithoutCancel(ctx), runID, err != nil, res, time.Now()); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return res, fmt.Errorf("backtest run %d: %w", runID, err)
	}
	return res, nil
}

func (bc BacktestConfig) withDefaults() BacktestConfig {
	if bc.TrainDays <= 0 {
		bc.TrainDays = 90
	}
	if bc.TestDays <= 0 {
		bc.TestDays = 30
	}
	if bc.Resolution == 0 {
		bc.Resolution = 8
	}
	if bc.MinBin == 0 {
		bc.MinBin = 2
	}
	return bc
}

func (p *Pipeline) backtest(ctx context.Context, date time.Time, bc BacktestConfig, res *BacktestResult) error {
	day := 24 * time.Hour
	train, err := p.stats.CellCounts(ctx, date.Add(-time.Duration(bc.TrainDays)*day), date)
	if err != nil {
		return err
	}
	test, err := p.stats.CellCounts(ctx, date, date.Add(time.Duration(bc.TestDays)*day))
	if err != nil {
		return err
	}
	cfg := p.cfg
	cfg.Windows = []Window{{Key: "train", Days: bc.TrainDays}}
	trainLevel := newCube(cfg, train).level(bc.Resolution)
	cells, x := trainLevel.window(0)
	hot := map[int64]bool{}
	if len(cells) >= 2 {
		results := classify(giStarSparse(cells, x, neighbourLists(trainLevel.cells, cfg.K)), !cfg.RawBins)
		hot = pickHotspots(cells, results, bc)
	}
	study := map[int64]bool{}
	count := func(counts []CellCount) (total, hits int) {
		for _, c := range counts {
			if cfg.ReportWeights[c.Category] <= 0 || !h3.Cell(c.Cell).IsValid() {
				continue
			}
			parent := int64(h3.Cell(c.Cell).Parent(bc.Resolution))
			study[parent] = true
			total += c.N
			if hot[parent] {
				hits += c.N
			}
		}
		return total, hits
	}
	res.TrainTotal, res.TrainHits = count(train)
	res.TestTotal, res.TestHits = count(test)
	for c := range study {
		area := h3.CellAreaKm2(h3.Cell(c))
		res.StudyKm2 += area
		if hot[c] {
			res.HotspotKm2 += area
		}
	}
	res.StudyCells, res.HotspotCells = len(study), len(hot)
	res.PAI = jsonSafe(PAI(res.TestHits, res.TestTotal, res.HotspotKm2, res.StudyKm2))
	res.RRI = jsonSafe(RRI(res.TrainHits, res.TrainTotal, res.TestHits, res.TestTotal))
	return nil
}

// pickHotspots returns the top TopShare of cells by z, or the cells at
// bin ≥ MinBin.
func pickHotspots(cells []int64, results []GiResult, bc BacktestConfig) map[int64]bool {
	hot := map[int64]bool{}
	if bc.TopShare > 0 {
		order := make([]int, len(cells))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case results[a].Z > results[b].Z:
				return -1
			case results[a].Z < results[b].Z:
				return 1
			}
			return 0
		})
		n := max(int(bc.TopShare*float64(len(cells))+0.5), 1)
		for _, i := range order[:min(n, len(order))] {
			hot[cells[i]] = true
		}
		return hot
	}
	for i, r := range results {
		if r.Bin >= bc.MinBin {
			hot[cells[i]] = true
		}
	}
	return hot
}

// jsonSafe maps NaN (undefined index) to 0, which JSON can carry.
func jsonSafe(v float64) float64 {
	if v != v {
		return 0
	}
	return v
}
