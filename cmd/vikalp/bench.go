package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/internal/loadgen"
)

// newBenchCmd is the parent of the HTTP load generators, each a subcommand
// built on package loadgen, and of their database ceilings (bench ceiling,
// bench_ceiling.go), which need the app's configuration and database.
func newBenchCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "HTTP load generators against a running server (any server), and their database ceilings",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newBenchTilesCmd(), newBenchReportsCmd(), newBenchComplaintsCmd(), newBenchAlertsCmd(),
		newBenchCeilingCmd(a))
	return cmd
}

func newBenchTilesCmd() *cobra.Command {
	var (
		template, center, zooms string
		headers                 []string
		radius, concurrency     int
		duration                time.Duration
		once                    bool
	)
	cmd := &cobra.Command{
		Use:   "tiles --template URL --center LAT,LON",
		Short: "Load-test an XYZ vector tile server around a point",
		Long: `bench tiles requests a fixed square of (2·radius+1)² tiles centred on the tile
containing --center at every zoom of --zooms, with --concurrency workers for
--duration (or each tile once with --once, a cold-cache pass), and prints
requests/s, p50/p90/p99 latency and status counts (200/204/304/…) per zoom
and overall. The template may be any XYZ server's, so the same run compares
Vikalp with another tile server on the same data.

Examples:
  vikalp bench tiles --template 'http://localhost:8080/tiles/hotspots/{z}/{x}/{y}.mvt' \
      --center 26.85,80.95 --zooms 8-14 --duration 20s --concurrency 16
  vikalp bench tiles --template 'http://localhost:8080/tiles/reports/{z}/{x}/{y}.mvt' \
      --center 26.85,80.95 --zooms 8-14 --once --header 'Authorization: Bearer vkt_…'
  vikalp bench tiles --template 'http://localhost:7800/public.reports/{z}/{x}/{y}.pbf' --center 26.85,80.95`,
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
			targets, err := loadgen.TileTargets(template, lat, lon, zs, radius)
			if err != nil {
				return err
			}
			hdr, err := parseHeaders(headers)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d tiles (%d zooms × up to %d²), concurrency %d\n",
				len(targets), len(zs), 2*radius+1, concurrency)
			rep, err := loadgen.Run(cmd.Context(), loadgen.Config{Targets: targets, Duration: duration, Once: once,
				Concurrency: concurrency, Header: hdr})
			if err != nil {
				return err
			}
			rep.Write(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&template, "template", "http://localhost:8080/tiles/hotspots/{z}/{x}/{y}.mvt", "tile URL with {z}, {x} and {y}")
	f.StringVar(&center, "center", "26.85,80.95", "centre as LAT,LON (default Lucknow)")
	f.StringVar(&zooms, "zooms", "8-14", `zoom levels, e.g. "8-14" or "6,8,10"`)
	f.IntVar(&radius, "radius", 2, "tiles on each side of the centre tile (2: a 5×5 square)")
	f.DurationVar(&duration, "duration", 20*time.Second, "how long to run")
	f.BoolVar(&once, "once", false, "request every tile exactly once instead of looping for --duration")
	f.IntVar(&concurrency, "concurrency", 8, "concurrent workers")
	f.StringArrayVar(&headers, "header", nil, `extra request header "Name: value" (repeatable), e.g. a Cookie or Authorization`)
	return cmd
}

// parseLatLon parses "LAT,LON".
func parseLatLon(s string) (float64, float64, error) {
	a, b, ok := strings.Cut(s, ",")
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("--center must be LAT,LON, not %q", s)
	}
	return lat, lon, nil
}

// parseHeaders parses repeated "Name: value" flags.
func parseHeaders(hs []string) (http.Header, error) {
	out := http.Header{}
	for _, h := range hs {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--header must be \"Name: value\", not %q", h)
		}
		out.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return out, nil
}
