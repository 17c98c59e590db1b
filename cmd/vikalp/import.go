package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// importFunc is the shape of the jurisdiction importers.
type importFunc func(context.Context, pg.DBTX, io.Reader, jurisdiction.ImportOptions) (jurisdiction.ImportReport, error)

func newImportCmd(a *cli) *cobra.Command {
	var strict bool
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import jurisdiction data (districts, police stations, AHTUs, PCR units) from GeoJSON",
		Long: `import loads jurisdiction data from GeoJSON FeatureCollection files (EPSG:4326).

Each import runs in one transaction and is idempotent: rows are matched by their
key (LGD code for districts, code for stations and PCR units, id for AHTUs),
and importing the same file again reports everything unchanged. Features that
fail validation are skipped and listed with their index in the features array
and the reason; with --strict any rejected feature aborts the import and
nothing is written.`,
	}
	cmd.PersistentFlags().BoolVar(&strict, "strict", false, "write nothing if any feature is rejected")
	cmd.AddCommand(
		newImportFileCmd(a, &strict, "districts", "Import district boundaries (Polygon/MultiPolygon features)",
			`Each feature needs an integer lgd_code and a name ("district", "name_en" or
"name"). Hindi names, HQ points and police ranges come from the feature when
present, else from Vikalp's built-in district facts joined by lgd_code.
Polygons are stored as MultiPolygons and repaired with ST_MakeValid when
invalid. Features with a bad lgd_code, no name, non-polygon geometry or
coordinates outside Uttar Pradesh are rejected.

Example: vikalp import districts ../shared/data/up-districts.geojson`,
			jurisdiction.ImportDistricts),
		newImportFileCmd(a, &strict, "stations", "Import police stations (Point features)",
			`Each feature is a Point with "code" and "name_en" (or "name"); optional
"name_hi", "lgd_code" (otherwise the district is found from the location) and
"is_default" (the district's station for complaints that name only the
district; it takes the flag from the previous default).`,
			jurisdiction.ImportStations),
		newImportFileCmd(a, &strict, "ahtus", "Import Anti-Human Trafficking Units (Point features at the unit HQ)",
			`Each feature is a Point with "id" (1-35), "code", "name_en" (or "name"),
optional "name_hi", and "districts": an array of the LGD codes the unit covers.
A district may be listed by one feature only; listing it moves it from its
previous unit. Districts that no unit covers afterwards are reported.`,
			jurisdiction.ImportAHTUs),
		newImportFileCmd(a, &strict, "pcr", "Import police control room (UP 112) units (Point features)",
			`Each feature is a Point with "code" and "name_en" (or "name"); optional
"name_hi" and "lgd_code" (otherwise the district is found from the location).`,
			jurisdiction.ImportPCRUnits),
	)
	cmd.AddCommand(newImportReportsCmd(a))
	cmd.AddCommand(newImportTransitCmd(a), newImportBorderCmd(a))
	return cmd
}

// newImportFileCmd builds one `import KIND FILE` subcommand.
func newImportFileCmd(a *cli, strict *bool, kind, short, long string, run importFunc) *cobra.Command {
	return &cobra.Command{
		Use:   kind + " FILE.geojson",
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			rep, err := run(cmd.Context(), pool, f, jurisdiction.ImportOptions{Strict: *strict})
			printImportReport(cmd.OutOrStdout(), rep)
			if err != nil {
				return err
			}
			return ensureRouteCells(cmd.Context(), pool, cmd.OutOrStdout())
		},
	}
}

// ensureRouteCells recomputes the bulk import's routing by H3 cell when a
// jurisdiction change invalidated it. The change itself emptied
// route_cells in its own transaction (a trigger), so nothing stale was ever
// readable; rebuilding here spares the next bulk import the wait, and a
// run that changed nothing (a repeated seed) rebuilds nothing.
func ensureRouteCells(ctx context.Context, pool pg.DBTX, out io.Writer) error {
	start := time.Now()
	n, rebuilt, err := jurisdiction.EnsureRouteCells(ctx, pool)
	switch {
	case err != nil:
		return err
	case rebuilt:
		fmt.Fprintf(out, "route cells: %d r%d cells route without point-in-polygon (rebuilt in %s)\n",
			n, jurisdiction.RouteCellResolution, time.Since(start).Round(time.Millisecond))
	default:
		fmt.Fprintln(out, "route cells: up to date")
	}
	return nil
}

// printImportReport writes the counts and every rejected feature.
func printImportReport(w io.Writer, rep jurisdiction.ImportReport) {
	fmt.Fprintf(w, "%s: %d features: %d inserted, %d updated, %d unchanged, %d rejected\n",
		rep.Kind, rep.Features, rep.Inserted, rep.Updated, rep.Unchanged, len(rep.Rejected))
	for _, r := range rep.Rejected {
		fmt.Fprintf(w, "  rejected %s\n", r)
	}
	if rep.Kind == "ahtus" {
		fmt.Fprintf(w, "district assignments: %d inserted, %d updated, %d unchanged\n",
			rep.Assigned.Inserted, rep.Assigned.Updated, rep.Assigned.Unchanged)
		if len(rep.Uncovered) > 0 {
			fmt.Fprintf(w, "warning: %d districts have no AHTU: %v\n", len(rep.Uncovered), rep.Uncovered)
		}
	}
}
