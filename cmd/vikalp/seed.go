package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/jurisdiction"
)

func newSeedCmd(a *app) *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "seed --demo",
		Short: "Load the living demo data set",
		Long: `seed --demo fills a migrated database with demo data:

  - districts from VIKALP_DISTRICTS_FILE (default ../shared/data/up-districts.geojson);
    when that file is missing, approximate districts are generated around the
    75 district HQs and flagged approximate
  - a default Mahila Thana at every district HQ, more thanas in the big cities
  - the 35 Anti-Human Trafficking Units, covering every district exactly once
  - a PCR (UP 112) unit per district, more in Lucknow

Running it again changes nothing. Run 'vikalp migrate' first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !demo {
				return fmt.Errorf("seed needs --demo: the demo data set is the only one")
			}
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			return seedDemo(cmd.Context(), a, pool, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "load the demo data set")
	return cmd
}

// seedDemo runs each demo seeding step in order.
func seedDemo(ctx context.Context, a *app, pool *pgxpool.Pool, out io.Writer) error {
	res, err := jurisdiction.SeedDemo(ctx, pool, a.cfg.DistrictsFile, a.logger)
	if err != nil {
		return err
	}
	printSeedResult(out, res)
	// Accounts after the jurisdictions their scopes refer to.
	return seedDemoUsers(ctx, pool, out)
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
