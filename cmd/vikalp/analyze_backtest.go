package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/forecast"
)

// backtestFlags are the flags that only mean something with --backtest.
var backtestFlags = []string{"train-days", "test-days", "resolution", "top-share", "folds", "compare", "model"}

// checkAnalyzeFlags validates the flags before anything connects: backtest
// flags without --backtest, conflicting flags and out-of-range values are
// user-safe errors (a non-zero exit), never a silent default. It sets
// f.btDate, and f.model to naive when neither --compare nor --model is given
// (the table then shows the default, naive and Gi*).
func checkAnalyzeFlags(cmd *cobra.Command, f *analyzeFlags) error {
	if f.backtest == "" {
		for _, name := range backtestFlags {
			if cmd.Flags().Changed(name) {
				return vikalp.Invalidf("--%s needs --backtest DATE", name)
			}
		}
		return nil
	}
	if f.compare && f.model != "" {
		return vikalp.Invalidf("--compare and --model exclude each other: --compare runs every model")
	}
	if cmd.Flags().Changed("half-life") || cmd.Flags().Changed("raw-bins") || f.asOf != "" {
		return vikalp.Invalidf("--as-of, --half-life and --raw-bins do not apply to --backtest")
	}
	date, err := parseTime(f.backtest)
	if err != nil {
		return vikalp.Invalidf("--backtest: %v", err)
	}
	if date.After(time.Now()) {
		return vikalp.Invalidf("--backtest %s is in the future: there is nothing to test yet", f.backtest)
	}
	f.btDate = date
	if err := f.bt.Validate(); err != nil {
		return err
	}
	if f.model != "" {
		if _, err := forecast.ParseModel(f.model); err != nil {
			return err
		}
	} else if !f.compare {
		f.model = forecast.Naive(f.bt.TrainDays).Name()
	}
	return nil
}

// printForecastBacktest prints the windows, then one line per model: cells,
// hits, PAI (or why it is undefined), RRI and the PAI ratio to naive.
func printForecastBacktest(w io.Writer, bt analytics.ForecastBacktest, cfg forecast.Config) {
	if len(bt.Rows) < 2 {
		return
	}
	naive := bt.Rows[1]
	day := func(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }
	fmt.Fprintf(w, "Backtest at %s (r%d, top %g %% of the study cells)\n", day(bt.Date), cfg.Resolution, cfg.TopShare*100)
	fmt.Fprintf(w, "  training window (naive, Gi*, study area): %s – %s (%d days)\n", day(naive.TrainFrom), day(naive.Date), cfg.TrainDays)
	fmt.Fprintf(w, "  test window: %s – %s (%d days)\n", day(naive.Date), day(naive.TestTo), cfg.TestDays)
	fmt.Fprintf(w, "  study area: %d cells, %.2f km²; hotspots: %d cells each; %g reports in the test window\n",
		naive.StudyCells, naive.StudyKm2, naive.TargetCells, naive.TestTotal)
	score := "no fold to judge on"
	if !math.IsNaN(bt.DefaultScore) {
		score = fmt.Sprintf("%.3f× naive's PAI over %d folds before the date", bt.DefaultScore, cfg.Folds)
	}
	fmt.Fprintf(w, "  default model: %s (%s; %s)\n\n", bt.Default, score, bt.DefaultReason)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tlookback from\tcells\thits\tPAI\tRRI\tPAI / naive")
	for _, r := range bt.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%g of %g\t%s\t%s\t%s\n", r.Model, r.LookbackFrom.Format("2006-01-02"),
			r.HotspotCells, r.TestHits, r.TestTotal, index(r.PAI, r.PAIUndefined), index(r.RRI, r.RRIUndefined),
			ratio(r.PAI, naive.PAI))
	}
	_ = tw.Flush()
	var undefined []string
	for _, r := range bt.Rows {
		if r.PAIUndefined != "" {
			undefined = append(undefined, r.Model+": "+r.PAIUndefined)
		}
	}
	if len(undefined) > 0 {
		fmt.Fprintf(w, "\nPAI undefined — %s\n", strings.Join(undefined, "; "))
	}
}

// index prints an index, or "undefined (why)".
func index(v float64, why string) string {
	if math.IsNaN(v) {
		return "undefined (" + why + ")"
	}
	return fmt.Sprintf("%.3f", v)
}

// ratio prints v / base, or "–" when either is undefined or base is 0.
func ratio(v, base float64) string {
	if math.IsNaN(v) || math.IsNaN(base) || base == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", v/base)
}
