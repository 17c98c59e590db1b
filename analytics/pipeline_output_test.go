package analytics

import (
	"context"
	"testing"
	"time"
)

// outputDigestSQL hashes everything a run writes except its run id, in a
// fixed order: every hex_stats column, every
// density_cells column and the density grids.
const outputDigestSQL = `
SELECT md5(string_agg(r, E'\n' ORDER BY r)) FROM (
	SELECT concat_ws('|', 'hex', window_key, resolution, cell, window_start, window_end, n_reports, n_distinct,
		float8send(score), float8send(gi_z), float8send(gi_p), float8send(gi_p_fdr), bin, emerging, emerging_cold,
		district_id) AS r
	FROM hex_stats
	UNION ALL
	SELECT concat_ws('|', 'density', window_key, district_id, x, y, float8send(density)) FROM density_cells
	UNION ALL
	SELECT concat_ws('|', 'grid', window_key, float8send(cell_size), float8send(bandwidth), float8send(ref_density))
	FROM density_grids) AS o`

// TestPipelineOutputUnchanged pins a run's whole output over a fixed
// synthetic city (two districts, planted clusters, noise) to the digest
// the pipeline wrote before its memory was cut (bench/NOTES.md): how the
// run holds or streams its rows must not change one bit of what it writes.
// A deliberate change of the statistics updates the digest with a note why
// (migration 00049 dropped geom_4326: the digests are of the other columns,
// taken on the code before the drop; reading the report aggregate in two
// parts, readParts, let PostgreSQL sum some cells' decayed scores in another
// order: 37 window scores of this city moved by one ulp, ≤ 2.2e-16
// relative, so the half-life digest was retaken; migration 00051 dropped
// the hexagons, geom: the digests are of the other columns, taken on the
// code before the drop).
// The digests are amd64's: a compiler that fuses multiply-adds (arm64) may
// round differently.
func TestPipelineOutputUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(3, 12)
	reports := city.noise(1.5, 12)
	reports = append(reports, city.plant(city.cells[40], 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)...)
	reports = append(reports, city.plant(city.cells[200], 25, 0)...)
	for _, r := range city.plant(city.cells[300], 8, 0, 2, 4) {
		r.District = testOtherDistrict
		reports = append(reports, r)
	}
	copyReports(t, b.db, reports)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "fde3cf4064ea0abaaae2310920f8256d"},
		{Config{HalfLife: 14 * 24 * time.Hour}, "27783459817fcdfa6fe48899d5bfbbf3"},
	} {
		cfg := c.cfg
		if _, err := NewPipeline(b.db, Deps{Config: cfg, Jobs: b.jobs}).Run(ctx, testAsOf); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := b.db.QueryRow(ctx, outputDigestSQL).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("half-life %s: output digest %s, want %s", cfg.HalfLife, got, c.want)
		}
	}
}

// forecastDigestSQL digests the priority places a forecast wrote (all but
// run_id).
const forecastDigestSQL = `SELECT count(*) || ':' || md5(string_agg(
	concat_ws(',', cell, resolution, rank, score, district_id), ';' ORDER BY rank)) FROM priority_places`

// TestForecastOutputUnchanged pins the priority places the forecast writes
// for the synthetic city of TestPipelineOutputUnchanged without its second
// planted cluster (the city the digest was first taken on), so that a change
// made for memory or speed (bench/NOTES.md) cannot change them unnoticed.
func TestForecastOutputUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(3, 12)
	reports := city.noise(1.5, 12)
	reports = append(reports, city.plant(city.cells[40], 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)...)
	for _, r := range city.plant(city.cells[300], 8, 0, 2, 4) {
		r.District = testOtherDistrict
		reports = append(reports, r)
	}
	copyReports(t, b.db, reports)
	if _, err := NewPipeline(b.db, Deps{Jobs: b.jobs}).Forecast(ctx, testAsOf); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := b.db.QueryRow(ctx, forecastDigestSQL).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "547:1e966bccf13a483dad1bbdbfa9c0eb6e"; got != want {
		t.Errorf("priority places digest %s, want %s", got, want)
	}
}
