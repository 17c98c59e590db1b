package analytics

import (
	"context"
	"fmt"
	"time"
)

// IOTimes are the times a hotspot run spends on its input and its output
// alone, measured by Pipeline.MeasureIO.
type IOTimes struct {
	// Read is the time to read the input aggregates, nothing else running.
	Read time.Duration
	// Write is the time to write the output (COPY into the staging tables,
	// index, analyze, alerts and swap) with every row already computed.
	Write time.Duration
}

// MeasureIO is a hotspot run as of asOf done in three separate phases: it
// reads the input (timed), computes every window and resolution (not
// timed), then writes the output through the same staging tables, alerts
// and swap as Run (timed). Read plus write is the floor a run cannot go
// under on this database, the ceiling the bench compares Run with; the run
// is recorded and its output replaces the previous one like Run's.
func (p *Pipeline) MeasureIO(ctx context.Context, asOf time.Time) (IOTimes, error) {
	start := time.Now()
	runID, err := p.runs.Start(ctx, "hotspots", p.params(asOf), start)
	if err != nil {
		return IOTimes{}, err
	}
	sum := RunSummary{Significant: map[string]int{}, Emerging: map[EmergingClass]int{}, Timings: map[string]time.Duration{}}
	times, err := p.measureIO(ctx, runID, asOf, &sum)
	sum.RunID, sum.AsOf, sum.Elapsed = runID, asOf, time.Since(start)
	sum.Timings["read"], sum.Timings["write"] = times.Read, times.Write
	if ferr := p.runs.Finish(context.WithoutCancel(ctx), runID, err != nil, sum, time.Now()); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return times, fmt.Errorf("hotspot run %d (input and output alone): %w", runID, err)
	}
	return times, nil
}

// measureIO runs MeasureIO's three phases for run runID.
func (p *Pipeline) measureIO(ctx context.Context, runID int64, asOf time.Time, sum *RunSummary) (IOTimes, error) {
	var times IOTimes
	lap := time.Now()
	in, err := p.read(ctx, asOf)
	if err != nil {
		return times, err
	}
	times.Read = time.Since(lap)
	sum.Inputs = in.groups()
	ready := make(chan hexRowBatch, len(p.cfg.Resolutions)*len(p.cfg.Windows))
	batches, dens, err := p.compute(in, asOf, runID, sum, ready)
	close(ready)
	if err != nil {
		return times, err
	}
	lap = time.Now()
	st, err := p.stats.newStage(ctx, runID)
	if err != nil {
		return times, err
	}
	defer st.discard(ctx)
	copied := make(chan error, 1)
	go func() { copied <- st.copy(ctx, ready) }()
	_, err = p.write(ctx, st, runID, dens, batches, copied, sum, func(string) {})
	times.Write = time.Since(lap)
	return times, err
}
