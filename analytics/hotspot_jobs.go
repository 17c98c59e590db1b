package analytics

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// AnalyzeArgs asks for one run of the hotspot pipeline as of the time the
// job runs. It is a River periodic job (see AnalyzePeriodicJob).
type AnalyzeArgs struct{}

// Kind implements river.JobArgs.
func (AnalyzeArgs) Kind() string { return "analytics.analyze" }

// InsertOpts keeps at most one analysis waiting or running at a time.
func (AnalyzeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}, MaxAttempts: 3}
}

// AnalyzeWorker runs the hotspot pipeline, then the forecast of priority
// places (Pipeline.Forecast), and then, when Then is set, a follow-up pass on
// the same schedule: the application relinks every trafficking tip into
// leads there (leads.Service.Relink), so lead scores follow recency without
// waiting for a new tip. analytics knows nothing of leads.
type AnalyzeWorker struct {
	river.WorkerDefaults[AnalyzeArgs]
	Pipeline *Pipeline
	Then     func(context.Context) error // optional
}

// Work implements river.Worker. Each pass runs even when an earlier one
// failed (they share no data); the first error is returned.
func (w *AnalyzeWorker) Work(ctx context.Context, _ *river.Job[AnalyzeArgs]) error {
	now := time.Now()
	_, err := w.Pipeline.Run(ctx, now)
	if _, ferr := w.Pipeline.Forecast(ctx, now); err == nil {
		err = ferr
	}
	if w.Then != nil {
		if terr := w.Then(ctx); err == nil {
			err = terr
		}
	}
	return err
}

// Timeout gives a run more than River's default job timeout.
func (w *AnalyzeWorker) Timeout(*river.Job[AnalyzeArgs]) time.Duration { return 10 * time.Minute }

// AnalyzePeriodicJob runs AnalyzeArgs every interval (and once at start).
func AnalyzePeriodicJob(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return AnalyzeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// HotspotDetectedArgs announces a new significant hot spot: an r8 cell of the
// alert window at bin ≥ 2 (95 % confidence) that was not significant in the
// previous run. It is inserted in the transaction that writes hex_stats and
// carries only the cell, its statistics and ids, never text or points.
type HotspotDetectedArgs struct {
	Cell       int64   `json:"cell"` // r8
	WindowKey  string  `json:"window_key"`
	Bin        int     `json:"bin"`
	GiZ        float64 `json:"gi_z"`
	DistrictID int     `json:"district_id"` // 0 when unknown
	RunID      int64   `json:"run_id"`
}

// Kind implements river.JobArgs. Package alerts runs these jobs
// (alerts.HotspotDetectedWorker).
func (HotspotDetectedArgs) Kind() string { return "analytics.hotspot_detected" }
