package tiles_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
	"github.com/vikalp/vikalp/tiles"
)

// BenchmarkTileStore renders uncached tiles straight from the store around
// Lucknow (the 5×5 square of tiles centred on it) at zooms 8–14, over 200k
// synthetic reports and hex_stats for every r5–r9 cell holding one.
// `vikalp bench tiles` measures the same through HTTP on a million rows.
func BenchmarkTileStore(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	testkit.SeedJurisdictions(ctx, b, db)
	if _, err := ingest.ImportSynthetic(ctx, db, ingest.SyntheticOptions{Count: 200_000, Seed: 1, Workers: runtime.NumCPU()}); err != nil {
		b.Fatal(err)
	}
	fillHexStats(ctx, b, db)
	store := tiles.NewTileStore(db)
	all := tiles.Scope{All: true}
	for _, layer := range []string{tiles.LayerReports, tiles.LayerHotspots} {
		for z := 8; z <= 14; z++ {
			b.Run(fmt.Sprintf("%s/z%d", layer, z), func(b *testing.B) {
				c := tiles.TileOf(lucknow[0], lucknow[1], z)
				var bytes int
				for i := 0; i < b.N; i++ {
					a := tiles.Address{Z: z, X: c.X + i%5 - 2, Y: c.Y + (i/5)%5 - 2}
					var data []byte
					var err error
					if layer == tiles.LayerReports {
						data, err = store.Reports(ctx, tiles.Query{Address: a, Res: tiles.ClusterResolution(z), Scope: all})
					} else {
						data, err = store.Hotspots(ctx, tiles.Query{Address: a, Window: "30d", Res: geo.ResolutionForZoom(z), Scope: all})
					}
					if err != nil {
						b.Fatal(err)
					}
					bytes += len(data)
				}
				b.ReportMetric(float64(bytes)/float64(b.N), "B/tile")
			})
		}
	}
}

// fillHexStats writes a stand-in analysis run: one hex_stats row per cell at
// r5–r9 holding a report (r6 from the r7 parents), with made-up statistics.
func fillHexStats(ctx context.Context, b *testing.B, db pg.DBTX) {
	b.Helper()
	var run int64
	if err := db.QueryRow(ctx, `INSERT INTO analysis_runs (kind, status, started_at, finished_at)
		VALUES ('hotspots', 'done', now(), now()) RETURNING id`).Scan(&run); err != nil {
		b.Fatal(err)
	}
	rows, err := db.Query(ctx, `SELECT h3_r7, h3_r8, h3_r9, count(*)::int FROM reports GROUP BY 1, 2, 3`)
	if err != nil {
		b.Fatal(err)
	}
	counts := map[int64]int{}
	var r7, r8, r9 int64
	var n int
	_, err = pgx.ForEachRow(rows, []any{&r7, &r8, &r9, &n}, func() error {
		for _, c := range []int64{r9, r8, r7} {
			counts[c] += n
		}
		p6, _ := geo.Parent(r7, 6)
		p5, _ := geo.Parent(r7, 5)
		counts[p6] += n
		counts[p5] += n
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	var cells []int64
	var ns []int
	for c, n := range counts {
		cells, ns = append(cells, c), append(ns, n)
	}
	_, err = db.Exec(ctx, `INSERT INTO hex_stats (window_key, resolution, cell, run_id, window_start, window_end,
		n_reports, n_distinct, score, gi_z, gi_p, gi_p_fdr, bin)
		SELECT '30d', res, t.cell, $1, now() - interval '30 days', now(), t.n, t.n, t.n, 0, 0.5, 0.5, 0
		FROM unnest($2::bigint[], $3::int[], $4::smallint[]) AS t(cell, n, res)`,
		run, cells, ns, resolutions(cells))
	if err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"hex_stats", "reports"} {
		if _, err := db.Exec(ctx, "ANALYZE "+table); err != nil {
			b.Fatal(err)
		}
	}
}

func resolutions(cells []int64) []int16 {
	out := make([]int16, len(cells))
	for i, c := range cells {
		out[i] = int16(geo.Resolution(c))
	}
	return out
}

// BenchmarkHeatTiles renders uncached heat tiles around Lucknow at zooms
// 4–14 from the density surface the analytics pipeline writes for 200k
// synthetic reports, for the whole state (the costliest scope: every
// district's rows are summed).
func BenchmarkHeatTiles(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	testkit.SeedJurisdictions(ctx, b, db)
	if _, err := ingest.ImportSynthetic(ctx, db, ingest.SyntheticOptions{Count: 200_000, Seed: 1, Workers: runtime.NumCPU()}); err != nil {
		b.Fatal(err)
	}
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := analytics.NewPipeline(db, analytics.Deps{Jobs: jobs}).Run(ctx, time.Now()); err != nil {
		b.Fatal(err)
	}
	store := tiles.NewTileStore(db)
	for z := 4; z <= 14; z += 2 {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			c := tiles.TileOf(lucknow[0], lucknow[1], z)
			var bytes int
			for i := 0; i < b.N; i++ {
				a := tiles.Address{Z: z, X: c.X + i%3 - 1, Y: c.Y + (i/3)%3 - 1}
				data, err := store.Heat(ctx, tiles.Query{Address: a, Window: "365d", Scope: tiles.Scope{All: true}})
				if err != nil {
					b.Fatal(err)
				}
				bytes += len(data)
			}
			b.ReportMetric(float64(bytes)/float64(b.N), "B/tile")
		})
	}
}
