package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"golang.org/x/sync/errgroup"

	"github.com/vikalp/vikalp/internal/pg"
)

// Deps are what a Pipeline needs besides the database.
type Deps struct {
	Jobs   pg.JobInserter // required: hotspot alerts are River jobs
	Logger *slog.Logger   // slog.Default() when nil
	Config Config         // defaults when zero
	// Progress, when set, is told each stage as it starts.
	Progress func(stage string)
}

// Pipeline computes hotspots and density surfaces and writes hex_stats,
// density_cells and density_grids.
type Pipeline struct {
	cfg    Config
	stats  *HexStatStore
	runs   *AnalysisRunStore
	jobs   pg.JobInserter
	logger *slog.Logger
	prog   func(string)
}

// NewPipeline returns a pipeline on db (a pool: Run uses several
// transactions).
func NewPipeline(db pg.DBTX, d Deps) *Pipeline {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Progress == nil {
		d.Progress = func(string) {}
	}
	return &Pipeline{cfg: d.Config.withDefaults(), stats: NewHexStatStore(db), runs: NewAnalysisRunStore(db),
		jobs: d.Jobs, logger: d.Logger, prog: d.Progress}
}

// RunSummary is what a run did, stored in analysis_runs.summary.
type RunSummary struct {
	RunID       int64                    `json:"run_id"`
	AsOf        time.Time                `json:"as_of"`
	Inputs      int                      `json:"input_groups"`
	Cells       int                      `json:"cells"`
	Significant map[string]int           `json:"significant"` // "7d/r8" → cells with bin ≠ 0
	Emerging    map[EmergingClass]int    `json:"emerging"`
	Density     int                      `json:"density_cells"` // rows over all windows
	NewHotspots int                      `json:"new_hotspots"`
	Timings     map[string]time.Duration `json:"timings_ns"`
	Elapsed     time.Duration            `json:"elapsed_ns"`
}

// Run computes every window and resolution as of asOf, rewrites hex_stats
// and inserts a HotspotDetectedArgs job for each new significant hot spot,
// all recorded as one analysis run.
func (p *Pipeline) Run(ctx context.Context, asOf time.Time) (RunSummary, error) {
	start := time.Now()
	runID, err := p.runs.Start(ctx, "hotspots", p.params(asOf), start)
	if err != nil {
		return RunSummary{}, err
	}
	sum, err := p.run(ctx, runID, asOf)
	// The run's working set (~400 MB of heap for a million reports, 50 MB
	// of it still live at the end) is garbage now. Collect it and hand the
	// pages back to the OS now rather than keep them resident until the
	// next run, and so that the forecast that follows in the same job
	// starts from its own heap instead of growing on top of this one
	// (bench/NOTES.md: with the groups let go early, the forecast's peak RSS
	// for a million reports went from 417–499 to 295 MB).
	debug.FreeOSMemory()
	sum.RunID, sum.AsOf, sum.Elapsed = runID, asOf, time.Since(start)
	if ferr := p.runs.Finish(context.WithoutCancel(ctx), runID, err != nil, sum, time.Now()); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return sum, fmt.Errorf("hotspot run %d: %w", runID, err)
	}
	p.logger.Info("Hotspot run finished", slog.Int64("run_id", runID), slog.Int("cells", sum.Cells),
		slog.Int("new_hotspots", sum.NewHotspots), slog.Duration("elapsed", sum.Elapsed))
	return sum, nil
}

func (p *Pipeline) params(asOf time.Time) map[string]any {
	return map[string]any{"as_of": asOf, "windows": p.cfg.Windows, "resolutions": p.cfg.Resolutions,
		"k": p.cfg.K, "half_life": p.cfg.HalfLife.String(), "fdr_bins": !p.cfg.RawBins,
		"emerging_periods": p.cfg.EmergingPeriods, "emerging_period": p.cfg.EmergingPeriod.String(),
		"density_cell": p.cfg.DensityCell, "density_bandwidth": p.cfg.DensityBandwidth}
}

func (p *Pipeline) run(ctx context.Context, runID int64, asOf time.Time) (RunSummary, error) {
	sum := RunSummary{Significant: map[string]int{}, Emerging: map[EmergingClass]int{}, Timings: map[string]time.Duration{}}
	lap := time.Now()
	mark := func(stage string) {
		sum.Timings[stage] = time.Since(lap)
		lap = time.Now()
	}
	p.prog("reading aggregates")
	in, err := p.read(ctx, asOf)
	if err != nil {
		return sum, err
	}
	sum.Inputs = in.groups()
	mark("read")
	// The staging table fills while Gi* still runs: each level's batches are
	// COPYed as soon as they are ready, so PostgreSQL and Go work side by
	// side. "compute" ends with the last batch; "write" is what remains.
	p.prog("computing Gi* and copying hex_stats")
	st, err := p.stats.newStage(ctx, runID)
	if err != nil {
		return sum, err
	}
	defer st.discard(ctx)
	ready := make(chan hexRowBatch, len(p.cfg.Resolutions)*len(p.cfg.Windows))
	copied := make(chan error, 1)
	go func() { copied <- st.copy(ctx, ready) }()
	batches, dens, err := p.compute(in, asOf, runID, &sum, ready)
	close(ready)
	if err != nil {
		<-copied
		return sum, err
	}
	for _, b := range batches {
		sum.Cells += b.Len()
	}
	for _, d := range dens {
		sum.Density += len(d.rows)
	}
	mark("compute")
	p.prog("writing hex_stats and density_cells")
	step := lap
	note := func(s string) {
		sum.Timings["write_"+s] = time.Since(step)
		step = time.Now()
	}
	densityWrite, err := p.write(ctx, st, runID, dens, batches, copied, &sum, note)
	if err == nil {
		sum.Timings["density_write"] = densityWrite // swap waited for the fill
	}
	mark("write")
	return sum, err
}

// write finishes a run's output: the density grids are written while the
// hex_stats COPY (copied) completes, then one transaction emits the run's
// alerts and swaps both in. note marks each step ("copy", then finish's);
// densityWrite is how long the density fill took.
func (p *Pipeline) write(ctx context.Context, st *hexStatStage, runID int64, dens []densitySurface,
	batches []*windowBatch, copied <-chan error, sum *RunSummary, note func(string)) (densityWrite time.Duration, _ error) {
	dw, err := p.writeDensity(ctx, runID, dens)
	if err != nil {
		<-copied
		return 0, err
	}
	defer dw.close(ctx)
	if err := <-copied; err != nil {
		return 0, err
	}
	note("copy")
	err = st.finish(ctx, func(tx pgx.Tx) error {
		n, err := p.emitAlerts(ctx, tx, batches)
		sum.NewHotspots = n
		if err != nil {
			return err
		}
		return dw.swap(ctx, tx)
	}, note)
	return dw.elapsed, err
}

// lookback is how far back the input reaches: the longest window or the
// emerging hot spot cube, whichever is longer.
func (p *Pipeline) lookback() time.Duration {
	d := time.Duration(p.cfg.EmergingPeriods) * p.cfg.EmergingPeriod
	for _, w := range p.cfg.Windows {
		d = max(d, time.Duration(w.Days)*24*time.Hour)
	}
	return d
}

// runInput is what a run reads: per-window aggregates of approved reports
// per r9 cell and district (in readParts parts, each of its own cells), and
// the emerging cube's scores.
type runInput struct {
	reports [][]windowCount
	periods []periodScore
}

// groups is how many input rows the run read.
func (in runInput) groups() int {
	n := len(in.periods)
	for _, part := range in.reports {
		n += len(part)
	}
	return n
}

// readParts is how many parts the report aggregate is read in: its sort,
// window function and hash aggregate ran on one core for 2.7 of a
// 1 M-report run's 11 s while the other core finished the emerging cube in
// 0.7 (bench/NOTES.md). Split by a hash of the r9 cell, each part holds
// whole window partitions and groups, so the parts' rows are exactly the
// whole's.
const readParts = 2

// read runs the input aggregates side by side, each on its own pool
// connection (PostgreSQL works each in its own backend).
func (p *Pipeline) read(ctx context.Context, asOf time.Time) (runInput, error) {
	day := 24 * time.Hour
	q := windowQuery{Since: asOf.Add(-p.lookback()), AsOf: asOf, HalfLife: p.cfg.HalfLife,
		PeriodDays: max(int(p.cfg.EmergingPeriod/day), 1), Periods: p.cfg.EmergingPeriods,
		EmergingCells: "h3_r9"}
	if col, ok := emergingColumns[p.cfg.EmergingResolution]; ok {
		q.EmergingCells = col
	}
	for _, w := range p.cfg.Windows {
		q.WindowStarts = append(q.WindowStarts, asOf.Add(-time.Duration(w.Days)*day))
	}
	in := runInput{reports: make([][]windowCount, readParts)}
	g, gctx := errgroup.WithContext(ctx)
	if parallelism(p.stats.db) > 1 {
		g.SetLimit(readParts + 1) // all at once on a pool
	} else {
		g.SetLimit(1) // one at a time on a single connection
	}
	rq := q
	rq.Weights = p.cfg.ReportWeights
	for k := range readParts {
		g.Go(func() (err error) {
			in.reports[k], err = p.stats.windowCounts(gctx, reportInputPart(k, readParts), rq)
			return err
		})
	}
	g.Go(func() (err error) {
		in.periods, err = p.stats.periodScores(gctx, q, p.cfg.ReportWeights)
		return err
	})
	return in, g.Wait()
}

// compute turns the aggregates into one batch of hex_stats rows per window
// and resolution, with the emerging classes on the emerging resolution's
// rows, and sends each level's batches to ready as soon as the level (and,
// for the emerging resolution, the emerging cube) is done. ready must have
// room for every batch. Levels, the emerging cube and the density surfaces
// are computed concurrently, one task each.
//
// What a run holds at once sets the worker's memory (issue 20), so the
// order is chosen for it: the finest level first, then the density
// surfaces (their transient grids are the largest single allocation, and
// they need only the r9 level), then the coarser levels, each rolled up
// from r9 only when its turn comes. COPY drains the r9 batches meanwhile,
// so their rows are let go before the coarse levels are built.
func (p *Pipeline) compute(in runInput, asOf time.Time, runID int64, sum *RunSummary,
	ready chan<- hexRowBatch) ([]*windowBatch, []densitySurface, error) {
	r9 := newR9Level(len(p.cfg.Windows), in.reports)
	periods := in.periods
	var em emergingSet
	emDone := make(chan struct{})
	g := errgroup.Group{}
	g.SetLimit(runtime.GOMAXPROCS(0))
	g.Go(func() error {
		defer close(emDone)
		em = newEmergingSet(p.cfg, periods)
		return nil
	})
	var dens []densitySurface
	var densTime time.Duration
	density := func() error {
		start := time.Now()
		centres, err := cellCentres(r9.cells)
		if err != nil {
			return err
		}
		dens = densitySurfaces(r9, centres, p.cfg.Windows, p.cfg.DensityCell, p.cfg.DensityBandwidth)
		densTime = time.Since(start)
		return nil
	}
	order := make([]int, len(p.cfg.Resolutions)) // finest (biggest) level first
	for li := range order {
		order[li] = li
	}
	slices.SortStableFunc(order, func(a, b int) int { return p.cfg.Resolutions[b] - p.cfg.Resolutions[a] })
	stats := make([][]*windowBatch, len(order))
	var senders sync.WaitGroup
	for n, li := range order {
		l := rollUp(r9, p.cfg.Resolutions[li])
		done := make(chan struct{})
		g.Go(func() error {
			defer close(done)
			stats[li] = p.windows(l, newNeighbourIndex(l.cells, p.cfg.K), asOf, runID)
			return nil
		})
		if n == 0 {
			g.Go(density)
		}
		senders.Add(1)
		go func() {
			defer senders.Done()
			<-done
			if l.res == p.cfg.EmergingResolution {
				<-emDone
			}
			for _, b := range stats[li] {
				if l.res == p.cfg.EmergingResolution {
					b.emerging = &em
				}
				ready <- b
			}
		}()
	}
	err := g.Wait()
	senders.Wait()
	if err != nil {
		return nil, nil, err
	}
	sum.Timings["density"] = densTime
	for _, e := range em.res {
		sum.Emerging[e.Class]++
	}
	var out []*windowBatch
	for _, bs := range stats {
		for _, b := range bs {
			out = append(out, b)
			sum.Significant[fmt.Sprintf("%s/r%d", b.key, b.level.res)] += b.significant
		}
	}
	return out, dens, nil
}

// windows runs Gi* for every window of level l.
func (p *Pipeline) windows(l *gridLevel, ix neighbourIndex, asOf time.Time, runID int64) []*windowBatch {
	var out []*windowBatch
	for wi, w := range p.cfg.Windows {
		n := 0 // members, counted first: the slices are held until copied
		for i := range l.cells {
			if l.acc[i*l.nw+wi].nReports > 0 {
				n++
			}
		}
		if n < 2 {
			continue
		}
		members, x := make([]int32, 0, n), make([]float64, 0, n)
		for i := range l.cells {
			if a := l.acc[i*l.nw+wi]; a.nReports > 0 {
				members = append(members, int32(i))
				x = append(x, a.score)
			}
		}
		b := newWindowBatch(windowBatch{level: l, wi: wi, key: w.Key, runID: runID,
			start: asOf.Add(-time.Duration(w.Days) * 24 * time.Hour), end: asOf, members: members,
			alerts: w.Key == p.cfg.AlertWindow && l.res == p.cfg.AlertResolution},
			giStarSubset(members, x, ix, len(l.cells)), !p.cfg.RawBins)
		out = append(out, b)
	}
	return out
}

// emitAlerts inserts a HotspotDetectedArgs job for every alert-window cell
// at bin ≥ AlertMinBin that was below it in the run being replaced, all in
// one InsertManyTx. It runs on the swap transaction, before the swap, so it
// reads the previous run.
func (p *Pipeline) emitAlerts(ctx context.Context, tx pgx.Tx, batches []*windowBatch) (int, error) {
	prev, err := NewHexStatStore(tx).SignificantCells(ctx, p.cfg.AlertWindow, p.cfg.AlertResolution, p.cfg.AlertMinBin)
	if err != nil {
		return 0, err
	}
	var jobs []river.InsertManyParams
	for _, b := range batches {
		if !b.alerts {
			continue
		}
		for i, bin := range b.bin {
			m := b.members[i]
			cell := b.level.cells[m]
			if int(bin) < p.cfg.AlertMinBin || prev[cell] {
				continue
			}
			jobs = append(jobs, river.InsertManyParams{Args: HotspotDetectedArgs{Cell: cell, WindowKey: b.key,
				Bin: int(bin), GiZ: b.z[i], DistrictID: int(b.level.district[m]), RunID: b.runID}})
		}
	}
	if err := pg.InsertJobsTx(ctx, p.jobs, tx, jobs); err != nil {
		return 0, fmt.Errorf("insert hotspot alert jobs: %w", err)
	}
	return len(jobs), nil
}
