package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/jurisdiction"
)

func newSeedCmd(a *cli) *cobra.Command {
	var demo bool
	var synthetic ingest.SyntheticOptions
	cmd := &cobra.Command{
		Use:   "seed --demo | --synthetic N",
		Short: "Load the living demo data set or synthetic reports",
		Long: `seed --demo fills a migrated database with demo data:

  - districts from VIKALP_DISTRICTS_FILE (default ../shared/data/up-districts.geojson);
    when that file is missing, approximate districts are generated around the
    75 district HQs and flagged approximate
  - a default Mahila Thana at every district HQ, more thanas in the big cities
  - the 35 Anti-Human Trafficking Units, covering every district exactly once
  - a PCR (UP 112) unit per district, more in Lucknow

Running it again changes nothing. Run 'vikalp migrate' first.

seed --synthetic N loads N synthetic hotspot reports for benchmarks and
demos through the bulk-import path: clustered around the district HQs (the big
cities most), tight hotspots inside the cities, a long tail, spread over the
year before now with more in the evening. The same --seed gives the same rows,
so running it again adds nothing; another --seed adds another N. Districts must
be loaded first (seed --demo). 1 million rows take well under a minute.

Examples:
  vikalp seed --demo
  vikalp seed --synthetic 1000000 --seed 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !demo && synthetic.Count == 0 {
				return fmt.Errorf("seed needs --demo or --synthetic N")
			}
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			if demo {
				if err := seedDemo(cmd.Context(), a, pool, cmd.OutOrStdout()); err != nil {
					return err
				}
			}
			if synthetic.Count > 0 {
				return seedSynthetic(cmd.Context(), pool, synthetic, cmd.OutOrStdout())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "load the demo data set")
	cmd.Flags().IntVar(&synthetic.Count, "synthetic", 0, "load this many synthetic hotspot reports")
	cmd.Flags().Uint64Var(&synthetic.Seed, "seed", 1, "synthetic data set number (same seed, same rows)")
	cmd.Flags().IntVar(&synthetic.Workers, "workers", runtime.NumCPU(), "synthetic batches loaded at once")
	return cmd
}

// seedSynthetic loads synthetic reports with a progress bar on a terminal.
func seedSynthetic(ctx context.Context, pool *pgxpool.Pool, opts ingest.SyntheticOptions, out io.Writer) error {
	if isTerminal(out) {
		bar := progressbar.NewOptions(opts.Count, progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("synthetic reports"), progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		defer bar.Finish() //nolint:errcheck // display only
		opts.Progress = func(generated int) { _ = bar.Set(generated) }
	}
	start := time.Now()
	sum, err := ingest.ImportSynthetic(ctx, pool, opts)
	elapsed := time.Since(start)
	fmt.Fprintf(out, "synthetic reports (seed %d): %d loaded, %d already stored, %d outside UP redrawn in %s (%.0f rows/s)\n",
		opts.Seed, sum.Loaded, sum.AlreadyImported, sum.Outside, elapsed.Round(time.Millisecond),
		float64(sum.Generated)/elapsed.Seconds())
	return err
}

// seedDemo runs each demo seeding step in order.
func seedDemo(ctx context.Context, a *cli, pool *pgxpool.Pool, out io.Writer) error {
	res, err := jurisdiction.SeedDemo(ctx, pool, a.cfg.DistrictsFile, a.logger)
	if err != nil {
		return err
	}
	printSeedResult(out, res)
	if err := ensureRouteCells(ctx, pool, out); err != nil {
		return err
	}
	if err := seedTransit(ctx, a, pool, out); err != nil {
		return err
	}
	// Accounts after the jurisdictions their scopes refer to.
	if err := seedDemoUsers(ctx, pool, out); err != nil {
		return err
	}
	keyring, err := auth.ParseKeyring(a.cfg.DataKeys)
	if err != nil {
		return fmt.Errorf("VIKALP_DATA_KEY: %w", err)
	}
	return seedDemoTOTP(ctx, pool, keyring, out)
}

// printSeedResult writes what the jurisdiction seed did.
func printSeedResult(w io.Writer, res jurisdiction.SeedResult) {
	if res.ApproximateDistricts {
		fmt.Fprintln(w, "districts file not found: generated APPROXIMATE demo districts")
	}
	printImportReport(w, res.Districts)
	for _, c := range []struct {
		name string
		c    jurisdiction.Counts
	}{
		{"police stations", res.Stations},
		{"ahtus", res.AHTUs},
		{"ahtu district assignments", res.AHTUDistricts},
		{"pcr units", res.PCRUnits},
	} {
		fmt.Fprintf(w, "%s: %d inserted, %d updated, %d unchanged\n", c.name, c.c.Inserted, c.c.Updated, c.c.Unchanged)
	}
	fmt.Fprintf(w, "station areas changed: %d, pcr zones changed: %d\n", res.StationAreas, res.PCRZones)
}
