package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/forecast"
)

// analyzeFlags are the options of `vikalp analyze`.
type analyzeFlags struct {
	asOf, backtest string
	halfLife       time.Duration
	rawBins        bool
	compare        bool
	model          string
	bt             forecast.Config
	btDate         time.Time // --backtest, parsed
}

func newAnalyzeCmd(a *cli) *cobra.Command {
	var f analyzeFlags
	cmd := &cobra.Command{
		Use:   "analyze [--as-of TIME] [--backtest DATE]",
		Short: "Run the hotspot analysis once (or a backtest) and print a summary",
		Long: `analyze runs the hotspot pipeline once, as the periodic analytics job does
(every VIKALP_ANALYTICS_INTERVAL, default 15m, in 'serve' and 'work'): Getis–Ord
Gi* with Benjamini–Hochberg FDR bins for the windows 7d, 30d, 90d and 365d at
H3 resolutions 5–9, emerging hot spots over 12 weekly periods at r8, then
hex_stats is replaced in one transaction and new significant r8 hot spots of
the 7d window raise alerts. Then every trafficking tip is relinked into leads
(as the periodic job does), with its own summary line. See docs/ANALYTICS.md.

Then it forecasts where the next incidents will be ("priority places"): the
forecast model is chosen by rolling backtests against naive counting on the
approved reports before the as-of time, and its best cells replace
priority_places (docs/ANALYTICS.md, "Forecasts").

With --backtest DATE it instead judges the forecasts made at DATE from the
reports before it on the --test-days after it, at the --top-share of the study
cells (every cell with a report in the --train-days before DATE or the test
days after it): the default model (as Choose would have picked it at DATE),
naive count over --train-days, and Gi* (the cells of highest z), each with its
hits, Predictive Accuracy Index (PAI) and Recapture Rate Index (RRI), at the
same number of cells. --compare adds every candidate model; --model NAME one.
Nothing is written.

Examples:
  vikalp analyze
  vikalp analyze --as-of 2025-03-01T00:00:00+05:30 --half-life 336h
  vikalp analyze --backtest 2025-02-01 --compare
  vikalp analyze --backtest 2025-02-01 --model decayed-180d+kde-400m --top-share 0.05`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.limitWorkerMemory()
			return a.analyze(cmd, f)
		},
	}
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "end of the windows (RFC 3339 or YYYY-MM-DD; default now)")
	cmd.Flags().DurationVar(&f.halfLife, "half-life", 0, "time-decay half-life of counts (e.g. 336h; default none)")
	cmd.Flags().BoolVar(&f.rawBins, "raw-bins", false, "confidence bins from raw p instead of FDR-adjusted p")
	def := forecast.DefaultConfig()
	f.bt = def
	cmd.Flags().StringVar(&f.backtest, "backtest", "", "backtest date (YYYY-MM-DD or RFC 3339)")
	cmd.Flags().IntVar(&f.bt.TrainDays, "train-days", def.TrainDays, "backtest: naive count's window, days before the date (> 0)")
	cmd.Flags().IntVar(&f.bt.TestDays, "test-days", def.TestDays, "backtest: days after the date to score (> 0)")
	cmd.Flags().IntVar(&f.bt.Resolution, "resolution", def.Resolution, "backtest: H3 resolution (5–9)")
	cmd.Flags().Float64Var(&f.bt.TopShare, "top-share", def.TopShare, "backtest: hotspots are this share of the study cells, in (0, 1]")
	cmd.Flags().IntVar(&f.bt.Folds, "folds", def.Folds, "backtest: rolling folds the default model is chosen on (> 0)")
	cmd.Flags().BoolVar(&f.compare, "compare", false, "backtest: every candidate model beside naive count")
	cmd.Flags().StringVar(&f.model, "model", "", "backtest: one model beside naive count, e.g. decayed-180d+kde-400m")
	return cmd
}

// analyze runs the pipeline or a backtest and prints the summary.
func (a *cli) analyze(cmd *cobra.Command, f analyzeFlags) error {
	if err := checkAnalyzeFlags(cmd, &f); err != nil {
		return err
	}
	return a.withServices(cmd.Context(), func(pool *pgxpool.Pool, svc *app.Services) error {
		return a.analyzeWith(cmd, f, pool, svc)
	})
}

// analyzeWith is analyze on an open pool and services.
func (a *cli) analyzeWith(cmd *cobra.Command, f analyzeFlags, pool *pgxpool.Pool, svc *app.Services) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	deps := analytics.Deps{Jobs: svc.Jobs, Logger: a.logger,
		Config: analytics.Config{HalfLife: f.halfLife, RawBins: f.rawBins}}
	if file, ok := out.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		started := time.Now()
		deps.Progress = func(stage string) {
			fmt.Fprintf(os.Stderr, "[%5.1fs] %s…\n", time.Since(started).Seconds(), stage)
		}
	}
	p := analytics.NewPipeline(pool, deps)
	if f.backtest != "" {
		bt, err := p.BacktestForecast(ctx, f.btDate, f.bt, f.model)
		if err != nil {
			return err
		}
		printForecastBacktest(out, bt, f.bt)
		return nil
	}
	asOf := time.Now()
	if f.asOf != "" {
		var err error
		if asOf, err = parseTime(f.asOf); err != nil {
			return err
		}
	}
	resetPeakRSS()
	sum, err := p.Run(ctx, asOf)
	if err != nil {
		return err
	}
	printRunSummary(out, sum)
	printPeakRSS(out, "hotspot run")
	resetPeakRSS()
	fs, err := p.Forecast(ctx, asOf)
	if err != nil {
		return err
	}
	printForecastSummary(out, fs)
	printPeakRSS(out, "forecast")
	// Then relink trafficking tips into leads, as the periodic job does.
	if deps.Progress != nil {
		deps.Progress("relinking leads")
	}
	started := time.Now()
	leads, err := svc.Leads.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Leads relinked in %s: %d tips, %d active leads, %d new, %d absorbed, %d alerts\n",
		time.Since(started).Round(time.Millisecond), leads.Tips, leads.Leads, leads.Created, leads.Absorbed, leads.Alerts)
	return nil
}

// parseTime accepts RFC 3339 or a date (midnight IST).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, vikalp.IST)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or RFC 3339 time", s)
	}
	return t, nil
}

func printRunSummary(w io.Writer, s analytics.RunSummary) {
	fmt.Fprintf(w, "Hotspot run %d as of %s: %d input groups, %d cells written in %s\n",
		s.RunID, s.AsOf.Format(time.RFC3339), s.Inputs, s.Cells, s.Elapsed.Round(time.Millisecond))
	keys := make([]string, 0, len(s.Significant))
	for k := range s.Significant {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  significant cells %-9s %d\n", k, s.Significant[k])
	}
	for class, n := range s.Emerging {
		if class != analytics.EmergingNone {
			fmt.Fprintf(w, "  emerging %-13s %d\n", class, n)
		}
	}
	fmt.Fprintf(w, "  new hot spots alerted: %d\n", s.NewHotspots)
	for _, stage := range []string{"read", "compute", "write", "write_copy", "write_index", "write_analyze", "write_swap"} {
		fmt.Fprintf(w, "  %-8s %s\n", stage, s.Timings[stage].Round(time.Millisecond))
	}
}

// printPeakRSS prints the process's resident set high-water mark since the
// last resetPeakRSS (what the step before it needed, start-up included) and
// the share of the step's CPU time spent collecting garbage.
func printPeakRSS(w io.Writer, step string) {
	if b := peakRSS(); b > 0 {
		fmt.Fprintf(w, "  peak RSS of the %s: %d MB\n", step, b>>20)
	}
	fmt.Fprintf(w, "  garbage collection: %.0f %% of its CPU time\n", 100*gcShare())
}

func printForecastSummary(w io.Writer, s analytics.ForecastSummary) {
	score := "no fold to judge on"
	if s.Score != nil {
		score = fmt.Sprintf("PAI %.3f× naive count's (geometric mean over %d folds)", *s.Score, len(s.Folds))
	}
	fmt.Fprintf(w, "Forecast run %d: model %s, %s; %d priority places (r%d, next %d days) in %s\n",
		s.RunID, s.Model, score, s.Cells, s.Resolution, s.HorizonDays, s.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  %s\n", s.Reason)
}
