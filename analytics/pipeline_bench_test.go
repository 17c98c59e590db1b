package analytics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/uber/h3-go/v4"
)

// BenchmarkPipeline1M runs the whole hotspot pipeline (aggregate queries,
// Gi* for 4 windows × 5 resolutions, emerging hot spots, COPY into staging,
// index build and swap, and the density surfaces; not the lead relink, which does not read reports) over 1,000,000 reports spread over a year and UP:
// 75 city centres, 60 % within ~5 km of a centre, 20 % in tight hotspots and
// 20 % in a 25 km tail, like ingest's synthetic generator. Run it with
//
//	go test ./analytics/ -run '^$' -bench Pipeline1M -benchtime 1x
func BenchmarkPipeline1M(b *testing.B) {
	ctx := context.Background()
	bundle := setupPipeline(b)
	const n = 1_000_000
	copySyntheticReports(b, bundle, n)
	p := NewPipeline(bundle.db, Deps{Jobs: bundle.jobs})
	b.ResetTimer()
	var sum RunSummary
	for i := 0; i < b.N; i++ {
		var err error
		if sum, err = p.Run(ctx, testAsOf); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(sum.Cells), "cells")
	b.ReportMetric(sum.Timings["read"].Seconds(), "read_s")
	b.ReportMetric(sum.Timings["compute"].Seconds(), "compute_s")
	b.ReportMetric(sum.Timings["write"].Seconds(), "write_s")
	for _, step := range []string{"copy", "index", "analyze", "swap"} {
		b.ReportMetric(sum.Timings["write_"+step].Seconds(), "write_"+step+"_s")
	}
	b.ReportMetric(sum.Timings["density"].Seconds(), "density_s")             // KDE compute, beside Gi*
	b.ReportMetric(sum.Timings["density_write"].Seconds(), "density_write_s") // beside the hex_stats write
	b.ReportMetric(float64(sum.Density), "density_cells")
	b.ReportMetric(sum.Elapsed.Seconds(), "run_s") // read + compute + write, as ns/op
}

// BenchmarkForecast1M is the priority-places forecast (read, rolling
// choice, forecast, write) on the reports of BenchmarkPipeline1M.
func BenchmarkForecast1M(b *testing.B) {
	ctx := context.Background()
	bundle := setupPipeline(b)
	copySyntheticReports(b, bundle, 1_000_000)
	p := NewPipeline(bundle.db, Deps{Jobs: bundle.jobs})
	b.ResetTimer()
	var sum ForecastSummary
	for i := 0; i < b.N; i++ {
		var err error
		if sum, err = p.Forecast(ctx, testAsOf); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for _, stage := range []string{"read", "choose", "forecast", "write"} {
		b.ReportMetric(sum.Timings[stage].Seconds(), stage+"_s")
	}
	b.ReportMetric(float64(sum.Cells), "places")
	b.ReportMetric(sum.Elapsed.Seconds(), "run_s")
}

// copySyntheticReports COPYs n clustered reports of the year before testAsOf.
func copySyntheticReports(b *testing.B, bundle pipelineBundle, n int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(42, 42))
	type centre struct{ lat, lon float64 }
	centres := make([]centre, 75)
	hotspots := make([][]centre, 75)
	for i := range centres {
		centres[i] = centre{24.5 + rng.Float64()*5, 77.5 + rng.Float64()*6.5}
		for j := 0; j < 8; j++ {
			hotspots[i] = append(hotspots[i], jitter(rng, centres[i], 3000))
		}
	}
	cats := []string{"catcalling_comments", "staring_following", "stalking", "poorly_lit_area", "groping"}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		i++
		c := centres[rng.IntN(len(centres))]
		var pt centre
		switch u := rng.Float64(); {
		case u < 0.2:
			pt = jitter(rng, hotspots[rng.IntN(75)][rng.IntN(8)], 250)
		case u < 0.8:
			pt = jitter(rng, c, 5000)
		default:
			pt = jitter(rng, c, 25000)
		}
		cell := h3.LatLngToCell(h3.NewLatLng(pt.lat, pt.lon), 9)
		g, err := ewkb.Marshal(orb.Point{pt.lon, pt.lat}, 4326)
		if err != nil {
			return nil, err
		}
		at := testAsOf.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		status := "approved"
		if rng.IntN(10) == 0 {
			status = "pending"
		}
		return []any{"import", status, cats[rng.IntN(len(cats))], at, at, at, "import", g,
			int64(cell.Parent(5)), int64(cell.Parent(7)), int64(cell.Parent(8)), int64(cell), int32(testDistrict)}, nil
	})
	_, err := bundle.db.CopyFrom(context.Background(), pgx.Identifier{"reports"}, []string{"source", "status",
		"category", "occurred_at", "received_at", "event_at", "location_source", "geom", "h3_r5", "h3_r7",
		"h3_r8", "h3_r9", "district_id"}, src)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bundle.db.Exec(context.Background(), "VACUUM ANALYZE reports"); err != nil {
		b.Fatal(err)
	}
}

func jitter(rng *rand.Rand, c struct{ lat, lon float64 }, sigma float64) struct{ lat, lon float64 } {
	const m = 111_320.0
	return struct{ lat, lon float64 }{c.lat + rng.NormFloat64()*sigma/m,
		c.lon + rng.NormFloat64()*sigma/(m*math.Cos(c.lat*math.Pi/180))}
}
