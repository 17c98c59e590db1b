package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/bench"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/loadgen"
	"github.com/vikalp/vikalp/tiles"
)

// newBenchCeilingCmd groups the database ceilings make bench prints beside
// each HTTP path (issue 20): the same statements, rows and concurrency
// without HTTP, on DATABASE_URL.
func newBenchCeilingCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ceiling",
		Short: "Measure a hot path's database ceiling (the same work without HTTP) on DATABASE_URL",
		Long: `bench ceiling measures what the database alone does on each hot path, so that
make bench reports the path as a ratio to its ceiling in the same run:

  import      plain COPY of the imported reports into a copy of reports with
              the same indexes, and the same rows through the import's routing
  reports     the JSON report filing (ingest.SubmitReport) in a loop, no HTTP
  complaints  the complaint filing (cases.File) in a loop, no HTTP
  tiles       the tile statement alone over the tile list of bench tiles
              (--layer reports|hotspots), or pg_tileserv's statement shape
              over reports (--layer tileserv)
  analysis    a hotspot run's input read alone and output written alone

The filing loops write real rows, as the HTTP scenarios do.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCeilingImportCmd(a), newCeilingFilingCmd(a, "reports"), newCeilingFilingCmd(a, "complaints"),
		newCeilingTilesCmd(a), newCeilingAnalysisCmd(a))
	return cmd
}

func newCeilingImportCmd(a *cli) *cobra.Command {
	opts := bench.ImportOptions{Workers: runtime.NumCPU(), BatchRows: 20_000}
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Plain and routed COPY ceilings of the bulk import over the imported reports",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			c, err := bench.MeasureImport(cmd.Context(), pool, opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "plain COPY ceiling: %d rows in %s (%.0f rows/s)\n", c.Rows, c.Plain.Round(time.Millisecond), c.PlainRate())
			fmt.Fprintf(out, "routed COPY ceiling: %d rows in %s (%.0f rows/s)\n", c.Rows, c.Routed.Round(time.Millisecond), c.RoutedRate())
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Workers, "workers", opts.Workers, "batches loaded at once (as seed --synthetic)")
	cmd.Flags().IntVar(&opts.BatchRows, "batch-rows", opts.BatchRows, "rows a batch (as the import)")
	return cmd
}

// newCeilingFilingCmd loops the domain call behind POST /api/v1/reports or
// /api/v1/complaints with the inputs bench reports or bench complaints
// send, so the two runs differ only by HTTP.
func newCeilingFilingCmd(a *cli, kind string) *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   kind,
		Short: "Loop the " + kind + " filing's domain call (its whole transaction) without HTTP",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lat, lon, err := parseLatLon(f.center)
			if err != nil {
				return err
			}
			return a.withServices(cmd.Context(), func(_ *pgxpool.Pool, svc *app.Services) error {
				runID := time.Now().UnixNano()
				call := func(ctx context.Context, n int64) (int64, error) {
					pLat, pLon := benchPoint(n, lat, lon, f.radiusKM)
					key := fmt.Sprintf("ceiling-%s-%d-%d", kind, runID, n)
					if kind == "complaints" {
						_, err := svc.Cases.File(ctx, nil, benchComplaint(pLat, pLon, key), cases.English)
						return 0, err
					}
					_, err := svc.Ingest.SubmitReport(ctx, ingest.NewReport{Source: ingest.SourceWeb,
						Category: benchCategories[n%int64(len(benchCategories))], Text: "bench", Lat: &pLat, Lon: &pLon,
						WithoutPhotos: true, IdempotencyKey: key})
					return 0, err
				}
				return runCalls(cmd, []loadgen.Target{{Group: kind, Call: call}}, f.duration, f.concurrency)
			})
		},
	}
	f.register(cmd)
	return cmd
}

// benchComplaint is the complaint bench complaints files at lat, lon.
func benchComplaint(lat, lon float64, key string) cases.FileInput {
	return cases.FileInput{Category: "stalking", Language: "en",
		Description: "A man follows me from the bus stop every evening.", Lat: &lat, Lon: &lon, IdempotencyKey: key}
}

// benchPoint is the n-th submission point of a bench within ±radiusKM of
// lat, lon: the same for HTTP and ceiling runs.
func benchPoint(n int64, lat, lon, radiusKM float64) (float64, float64) {
	return jitterKM(rand.New(rand.NewPCG(uint64(n), 7)), lat, lon, radiusKM)
}

// runCalls runs targets with loadgen and prints the report; a run in which
// every call failed is an error.
func runCalls(cmd *cobra.Command, targets []loadgen.Target, duration time.Duration, concurrency int) error {
	rep, err := loadgen.Run(cmd.Context(), loadgen.Config{Targets: targets, Duration: duration, Concurrency: concurrency})
	if err != nil {
		return err
	}
	rep.Write(cmd.OutOrStdout())
	if rep.FirstError != nil && rep.Overall.Errors == rep.Overall.Requests {
		return fmt.Errorf("every call failed: %w", rep.FirstError)
	}
	return nil
}

func newCeilingTilesCmd(a *cli) *cobra.Command {
	var (
		layer, window, center, zooms string
		radius, concurrency          int
		duration                     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "tiles --layer reports|hotspots|tileserv",
		Short: "Loop one tile layer's statement over bench tiles' tile list, without HTTP",
		Long: `ceiling tiles runs the statement of a staff tile (state-wide scope, as the
MSP analyst of make bench sees it) for the same (2·radius+1)² tiles a zoom as
bench tiles, with the same workers and duration: reports and hotspots call
tiles.TileStore directly; tileserv runs pg_tileserv's statement shape over
reports (one feature per report, as Vikalp's point tiles from z14).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lat, lon, err := parseLatLon(center)
			if err != nil {
				return err
			}
			zs, err := loadgen.ParseZooms(zooms)
			if err != nil {
				return err
			}
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			targets, err := tileCalls(pool, layer, window, lat, lon, zs, radius)
			if err != nil {
				return err
			}
			return runCalls(cmd, targets, duration, concurrency)
		},
	}
	f := cmd.Flags()
	f.StringVar(&layer, "layer", "reports", "reports, hotspots or tileserv")
	f.StringVar(&window, "window", "365d", "hotspot window")
	f.StringVar(&center, "center", "26.85,80.95", "centre as LAT,LON (default Lucknow)")
	f.StringVar(&zooms, "zooms", "8-14", `zoom levels, e.g. "8-14" or "14"`)
	f.IntVar(&radius, "radius", 2, "tiles on each side of the centre tile (2: a 5×5 square)")
	f.DurationVar(&duration, "duration", 20*time.Second, "how long to run")
	f.IntVar(&concurrency, "concurrency", 2, "concurrent workers")
	return cmd
}

// tileCalls is bench tiles' tile list with each tile a call of layer's
// statement.
func tileCalls(pool *pgxpool.Pool, layer, window string, lat, lon float64, zooms []int, radius int) ([]loadgen.Target, error) {
	urls, err := loadgen.TileTargets("{z}/{x}/{y}", lat, lon, zooms, radius)
	if err != nil {
		return nil, err
	}
	store, rival := tiles.NewTileStore(pool), bench.NewTileservStore(pool)
	out := make([]loadgen.Target, len(urls))
	for i, u := range urls {
		zxy := strings.Split(u.URL, "/")
		a, err := tiles.ParseAddress(zxy[0], zxy[1], zxy[2])
		if err != nil {
			return nil, err
		}
		var render func(ctx context.Context) ([]byte, error)
		switch layer {
		case "reports":
			q := tiles.Query{Address: a, Res: tiles.ClusterResolution(a.Z), Scope: tiles.Scope{All: true}}
			render = func(ctx context.Context) ([]byte, error) { return store.Reports(ctx, q) }
		case "hotspots":
			q := tiles.Query{Address: a, Window: window, Res: geo.ResolutionForZoom(a.Z), Scope: tiles.Scope{All: true}}
			render = func(ctx context.Context) ([]byte, error) { return store.Hotspots(ctx, q) }
		case "tileserv":
			render = func(ctx context.Context) ([]byte, error) { return rival.Tile(ctx, a.Z, a.X, a.Y) }
		default:
			return nil, fmt.Errorf("--layer must be reports, hotspots or tileserv, not %q", layer)
		}
		out[i] = loadgen.Target{Group: u.Group, Call: func(ctx context.Context, _ int64) (int64, error) {
			mvt, err := render(ctx)
			return int64(len(mvt)), err
		}}
	}
	return out, nil
}

func newCeilingAnalysisCmd(a *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "analysis",
		Short: "A hotspot run's input read alone and output written alone",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(pool *pgxpool.Pool, svc *app.Services) error {
				p := analytics.NewPipeline(pool, analytics.Deps{Jobs: svc.Jobs, Logger: a.logger})
				t, err := p.MeasureIO(cmd.Context(), time.Now())
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "hotspot run input read alone in %s, output written alone in %s (together %s)\n",
					t.Read.Round(time.Millisecond), t.Write.Round(time.Millisecond), (t.Read + t.Write).Round(time.Millisecond))
				return nil
			})
		},
	}
}
