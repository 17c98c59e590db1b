package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/leads"
)

// transitImporter is the shape of the transit and border importers.
type transitImporter func(context.Context, pg.DBTX, io.Reader) (leads.TransitImportReport, error)

func newImportTransitCmd(a *cli) *cobra.Command {
	return newTransitFileCmd(a, "transit", "Import railway stations and bus stands (Point features) for trafficking leads",
		`Each feature is a Point with "code" and "name" (or "name_en"); optional
"name_hi", "kind" (railway_station, the default, or bus_stand) and "lgd_code"
(otherwise the district is found from the location). Rows are matched by kind
and code, so importing the same file again changes nothing. Tips naming a
station ("Gonda Jn", "Lucknow railway station") then count it as a transit hub.

Example: vikalp import transit ../shared/data/up-railway-stations.geojson`, leads.ImportTransit)
}

func newImportBorderCmd(a *cli) *cobra.Command {
	return newTransitFileCmd(a, "border", "Import the India–Nepal border line for the lead border indicator",
		`Each feature is a LineString or MultiLineString keyed by its "variant"
property. Leads with places near the line, or moving toward it, score higher.

Example: vikalp import border ../shared/data/up-nepal-border.geojson`, leads.ImportBorder)
}

// newTransitFileCmd builds one `import KIND FILE` subcommand.
func newTransitFileCmd(a *cli, kind, short, long string, run transitImporter) *cobra.Command {
	return &cobra.Command{
		Use:   kind + " FILE.geojson",
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			return importTransitFile(cmd.Context(), pool, args[0], run, cmd.OutOrStdout())
		},
	}
}

// importTransitFile runs one importer on path in a transaction and prints
// its report.
func importTransitFile(ctx context.Context, pool *pgxpool.Pool, path string, run transitImporter, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var rep leads.TransitImportReport
	err = pg.WithTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		rep, err = run(ctx, tx, f)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d features: %d inserted, %d updated, %d unchanged, %d rejected\n",
		rep.Kind, rep.Features, rep.Inserted, rep.Updated, rep.Unchanged, len(rep.Rejected))
	for _, r := range rep.Rejected {
		fmt.Fprintf(out, "  rejected %s\n", r)
	}
	return nil
}

// seedTransit loads the configured stations and border line when their
// files exist; without them leads still work, with fewer indicators.
func seedTransit(ctx context.Context, a *cli, pool *pgxpool.Pool, out io.Writer) error {
	for _, f := range []struct {
		path string
		run  transitImporter
	}{{a.cfg.TransitFile, leads.ImportTransit}, {a.cfg.BorderFile, leads.ImportBorder}} {
		if _, err := os.Stat(f.path); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(out, "%s not found: skipped (leads work without it)\n", f.path)
			continue
		}
		if err := importTransitFile(ctx, pool, f.path, f.run, out); err != nil {
			return fmt.Errorf("seed from %s: %w", f.path, err)
		}
	}
	return nil
}
