package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/internal/pg"
)

// Config sets the hotspot pipeline's parameters. The zero value gives the
// defaults documented on each field (see docs/ANALYTICS.md).
type Config struct {
	// Windows to compute, each ending at the as-of time (DefaultWindows).
	Windows []Window
	// Resolutions to compute, 5–9 (default all five).
	Resolutions []int
	// K is the k-ring distance of the Gi* neighbourhood (default 1).
	K int
	// HalfLife, when set, decays each count by 0.5^(age/HalfLife); 0 means
	// no decay.
	HalfLife time.Duration
	// RawBins bins on the raw p instead of the Benjamini–Hochberg adjusted p
	// (default false: bins are FDR corrected).
	RawBins bool
	// ReportWeights and ComplaintWeights are the severity weight of each
	// category (DefaultReportWeights, DefaultComplaintWeights). A category
	// with weight 0 or missing does not count.
	ReportWeights    map[string]float64
	ComplaintWeights map[string]float64
	// EmergingPeriods periods of EmergingPeriod each (default 12 weeks)
	// form the space-time cube of the emerging hot spot analysis at
	// EmergingResolution (default 8).
	EmergingPeriods    int
	EmergingPeriod     time.Duration
	EmergingResolution int
	// AlertWindow, AlertResolution and AlertMinBin select the cells whose
	// first appearance as significant hot spots raises an alert (default
	// 7d, r8, bin ≥ 2).
	AlertWindow     string
	AlertResolution int
	AlertMinBin     int
}

// DefaultReportWeights ranks report categories by severity: physical
// contact and stalking 3, verbal harassment and following 2, unsafe places 1–1.5.
var DefaultReportWeights = map[string]float64{
	"groping": 3, "stalking": 3, "indecent_exposure": 3, "staring_following": 2,
	"catcalling_comments": 2, "drunk_gathering": 1.5, "unsafe_transport_stop": 1.5,
	"poorly_lit_area": 1, "other": 1,
}

// DefaultComplaintWeights counts complaints about harm in public places.
// Domestic violence, dowry, workplace and cyber harassment do not make a place
// a public hotspot, and their location is usually the complainant's home or
// workplace, so they have weight 0.
var DefaultComplaintWeights = map[string]float64{
	"public_sexual_harassment": 3, "stalking": 3, "trafficking_suspicion": 3,
	"threats_intimidation": 2, "other": 1,
}

func (c Config) withDefaults() Config {
	if len(c.Windows) == 0 {
		c.Windows = DefaultWindows
	}
	if len(c.Resolutions) == 0 {
		c.Resolutions = []int{5, 6, 7, 8, 9}
	}
	if c.K <= 0 {
		c.K = 1
	}
	if c.ReportWeights == nil {
		c.ReportWeights = DefaultReportWeights
	}
	if c.ComplaintWeights == nil {
		c.ComplaintWeights = DefaultComplaintWeights
	}
	if c.EmergingPeriods <= 0 {
		c.EmergingPeriods = 12
	}
	if c.EmergingPeriod <= 0 {
		c.EmergingPeriod = 7 * 24 * time.Hour
	}
	if c.EmergingResolution == 0 {
		c.EmergingResolution = 8
	}
	if c.AlertWindow == "" {
		c.AlertWindow = "7d"
	}
	if c.AlertResolution == 0 {
		c.AlertResolution = 8
	}
	if c.AlertMinBin == 0 {
		c.AlertMinBin = 2
	}
	return c
}

// Deps are what a Pipeline needs besides the database.
type Deps struct {
	Jobs   pg.JobInserter // required: hotspot alerts are River jobs
	Logger *slog.Logger
	// Progress, when set, is told each stage as it starts.
	Progress func(stage string)
}

// Pipeline computes hotspots and writes hex_stats.
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
func NewPipeline(db pg.DBTX, cfg Config, d Deps) *Pipeline {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Progress == nil {
		d.Progress = func(string) {}
	}
	return &Pipeline{cfg: cfg.withDefaults(), stats: NewHexStatStore(db), runs: NewAnalysisRunStore(db),
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
		"emerging_periods": p.cfg.EmergingPeriods, "emerging_period": p.cfg.EmergingPeriod.String()}
}

func (p *Pipeline) run(ctx context.Context, runID int64, asOf time.Time) (RunSummary, error) {
	sum := RunSummary{Significant: map[string]int{}, Emerging: map[EmergingClass]int{}, Timings: map[string]time.Duration{}}
	lap := time.Now()
	mark := func(stage string) {
		sum.Timings[stage] = time.Since(lap)
		lap = time.Now()
	}
	p.prog("reading aggregates")
	counts, err := p.stats.CellCounts(ctx, asOf.Add(-p.lookback()), asOf)
	if err != nil {
		return sum, err
	}
	sum.Inputs = len(counts)
	mark("read")
	p.prog("computing Gi*")
	rows := p.compute(counts, asOf, runID, &sum)
	sum.Cells = len(rows)
	mark("compute")
	p.prog("writing hex_stats")
	err = p.stats.Replace(ctx, runID, rows, func(tx pgx.Tx) error {
		n, err := p.emitAlerts(ctx, tx, runID, rows)
		sum.NewHotspots = n
		return err
	})
	mark("write")
	return sum, err
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

// compute turns the aggregates into hex_stats rows for every window and
// resolution, with the emerging classes on the emerging resolution's rows.
func (p *Pipeline) compute(counts []CellCount, asOf time.Time, runID int64, sum *RunSummary) []HexStat {
	cube := newCube(p.cfg, counts)
	emerging := cube.emerging(p.cfg)
	for _, e := range emerging {
		sum.Emerging[e.Class]++
	}
	var out []HexStat
	for _, res := range p.cfg.Resolutions {
		level := cube.level(res)
		nb := neighbourLists(level.cells, p.cfg.K)
		for wi, w := range p.cfg.Windows {
			cells, x := level.window(wi)
			if len(cells) < 2 {
				continue
			}
			z := giStarSparse(cells, x, nb)
			results := classify(z, !p.cfg.RawBins)
			for i, c := range cells {
				a := level.acc[c][wi]
				r := HexStat{WindowKey: w.Key, Resolution: res, Cell: c, RunID: runID,
					WindowStart: asOf.Add(-time.Duration(w.Days) * 24 * time.Hour), WindowEnd: asOf,
					NReports: int(a.nReports), NComplaints: int(a.nComplaints), NDistinct: int(a.nDistinct),
					Score: x[i], GiZ: results[i].Z, GiP: results[i].P, GiPFDR: results[i].PFDR, Bin: results[i].Bin,
					DistrictID: level.district[c]}
				if res == p.cfg.EmergingResolution {
					e := emerging[c]
					r.Emerging, r.EmergingCold = e.Class, e.Cold
				}
				if r.Bin != 0 {
					sum.Significant[fmt.Sprintf("%s/r%d", w.Key, res)]++
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// emitAlerts inserts a HotspotDetectedArgs job for every alert-window cell
// at bin ≥ AlertMinBin that was below it in the run being replaced. It runs
// on the swap transaction, before the swap, so it reads the previous run.
func (p *Pipeline) emitAlerts(ctx context.Context, tx pgx.Tx, runID int64, rows []HexStat) (int, error) {
	prev, err := NewHexStatStore(tx).SignificantCells(ctx, p.cfg.AlertWindow, p.cfg.AlertResolution, p.cfg.AlertMinBin)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		if r.WindowKey != p.cfg.AlertWindow || r.Resolution != p.cfg.AlertResolution ||
			r.Bin < p.cfg.AlertMinBin || prev[r.Cell] {
			continue
		}
		args := HotspotDetectedArgs{Cell: r.Cell, WindowKey: r.WindowKey, Bin: r.Bin, GiZ: r.GiZ,
			DistrictID: r.DistrictID, RunID: runID}
		if _, err := p.jobs.InsertTx(ctx, tx, args, nil); err != nil {
			return n, fmt.Errorf("insert hotspot alert job: %w", err)
		}
		n++
	}
	return n, nil
}

// neighbourLists returns, for each cell, the cells of the set within grid
// distance k (itself excluded).
func neighbourLists(cells map[int64]struct{}, k int) map[int64][]int64 {
	out := make(map[int64][]int64, len(cells))
	buf := make([]h3.Cell, 0, 3*k*(k+1)+1)
	for c := range cells {
		buf = buf[:0]
		buf = append(buf, h3.GridDisk(h3.Cell(c), k)...)
		var nb []int64
		for _, d := range buf {
			if _, ok := cells[int64(d)]; ok && int64(d) != c {
				nb = append(nb, int64(d))
			}
		}
		out[c] = nb
	}
	return out
}

// giStarSparse is GiStar over cells with neighbour lists keyed by cell;
// neighbours outside cells (not in this window) are skipped.
func giStarSparse(cells []int64, x []float64, nb map[int64][]int64) []float64 {
	idx := make(map[int64]int, len(cells))
	for i, c := range cells {
		idx[c] = i
	}
	w := &Weights{IDs: make([]string, len(cells)), Neighbors: make([][]int, len(cells))}
	for i, c := range cells {
		for _, d := range nb[c] {
			if j, ok := idx[d]; ok {
				w.Neighbors[i] = append(w.Neighbors[i], j)
			}
		}
	}
	z, err := GiStar(x, w)
	if err != nil { // only for fewer than 2 cells or non-finite scores
		return make([]float64, len(cells))
	}
	return z
}

// decay returns the weight of a count aged age days under half-life hl.
func decay(ageDays int, hl time.Duration) float64 {
	if hl <= 0 {
		return 1
	}
	// The middle of the day bucket stands for its reports.
	return math.Pow(0.5, (float64(ageDays)+0.5)*24*float64(time.Hour)/float64(hl))
}

// sortedCells returns the keys of m in increasing order (deterministic output).
func sortedCells[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
