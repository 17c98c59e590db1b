package tiles_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/vikalp/vikalp/geo"
)

// rollupDiffSQL counts the rows in which tile_report_cells differs from the
// rollup grouped afresh from every report: a key (resolution, cell, routing,
// rejected) on one side only, another count, another r5 parent, or a mean
// position more than a micrometre away (the two sum in different orders).
const rollupDiffSQL = `
WITH fresh AS (
	SELECT g.res AS resolution, g.cell, r.h3_r5 AS parent, r.district_id, r.station_id, r.pcr_unit_id,
		r.status = 'rejected' AS rejected, count(*)::int AS n,
		ST_Transform(ST_SetSRID(ST_MakePoint(avg(ST_X(r.geom)), avg(ST_Y(r.geom))), 4326), 3857) AS geom
	FROM reports r
	CROSS JOIN LATERAL (VALUES (5::smallint, r.h3_r5), (7::smallint, r.h3_r7), (8::smallint, r.h3_r8)) AS g(res, cell)
	GROUP BY 1, 2, 3, 4, 5, 6, 7
)
SELECT count(*) FROM fresh f
FULL JOIN tile_report_cells c ON c.resolution = f.resolution AND c.cell = f.cell AND c.district_id = f.district_id
	AND c.station_id IS NOT DISTINCT FROM f.station_id AND c.pcr_unit_id IS NOT DISTINCT FROM f.pcr_unit_id
	AND c.rejected = f.rejected
WHERE f.cell IS NULL OR c.cell IS NULL OR c.n <> f.n OR c.parent <> f.parent OR ST_Distance(c.geom, f.geom) > 1e-6`

// wantFreshRollup refreshes the rollup and checks it equals a fresh
// grouping of every report, with no cell left marked.
func (b *bundle) wantFreshRollup(t *testing.T, when string) {
	t.Helper()
	if err := b.svc.RefreshReportCells(b.ctx); err != nil {
		t.Fatal(err)
	}
	var diff, marked int
	if err := b.db.QueryRow(b.ctx, rollupDiffSQL).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM tile_report_dirty`).Scan(&marked); err != nil {
		t.Fatal(err)
	}
	if diff != 0 || marked != 0 {
		t.Errorf("%s: %d rollup rows differ from a fresh grouping, %d cells still marked", when, diff, marked)
	}
}

// TestReportCellsRefreshByCell checks the low-zoom report rollup, which a
// refresh brings up to date only in the r5 cells whose reports changed
// (migration 00052), against the rollup grouped afresh from all reports:
// after a first fill of several hundred r5 cells (regrouped by one scan of
// reports) and after reports are added, moderated, re-routed and deleted in
// one city (regrouped by r9 ranges). Rows of cells nobody touched are not
// rewritten, and a refresh leaves no cell marked.
func TestReportCellsRefreshByCell(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// A grid across the state: more r5 cells than a refresh regroups by
	// ranges, so the first fill takes the scan.
	var lko []int64
	for lat := 24.3; lat < 29.9; lat += 0.3 {
		for lon := 77.3; lon < 84.5; lon += 0.3 {
			b.report(t, lat, lon, "approved")
		}
	}
	for range 6 {
		lko = append(lko, b.report(t, lucknow[0], lucknow[1], "pending"))
	}
	agraID := b.report(t, agra[0], agra[1], "approved")
	var cells int
	if err := b.db.QueryRow(b.ctx, `SELECT count(DISTINCT cell) FROM tile_report_dirty`).Scan(&cells); err != nil {
		t.Fatal(err)
	}
	if cells <= 100 {
		t.Fatalf("%d r5 cells marked, want more than 100 (the scan path)", cells)
	}
	b.wantFreshRollup(t, "first fill")

	// The rows of Agra's r5 cell, as written by the first fill.
	const agraRows = `SELECT string_agg(xmin::text || ':' || ctid::text, ',' ORDER BY ctid) FROM tile_report_cells
		WHERE parent = (SELECT h3_r5 FROM reports WHERE id = $1)`
	var before, after string
	if err := b.db.QueryRow(b.ctx, agraRows, agraID).Scan(&before); err != nil {
		t.Fatal(err)
	}

	// Lucknow changes in every way the rollup reads.
	b.report(t, lucknow[0]+0.01, lucknow[1], "approved")
	for _, q := range []struct {
		sql string
		id  int64
	}{
		{`UPDATE reports SET status = 'approved' WHERE id = $1`, lko[0]},
		{`UPDATE reports SET status = 'rejected', reject_reason = 'spam' WHERE id = $1`, lko[1]},
		{`UPDATE reports SET station_id = (SELECT id FROM police_stations ORDER BY id LIMIT 1) WHERE id = $1`, lko[2]},
		{`UPDATE reports SET geom = ST_SetSRID(ST_MakePoint(80.96, 26.86), 4326) WHERE id = $1`, lko[3]},
		{`DELETE FROM reports WHERE id = $1`, lko[4]},
		{`UPDATE reports SET also_reported = also_reported + 1 WHERE id = $1`, agraID}, // not read by the rollup
	} {
		if _, err := b.db.Exec(b.ctx, q.sql, q.id); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	b.wantFreshRollup(t, "after changes in Lucknow")
	if err := b.db.QueryRow(b.ctx, agraRows, agraID).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before == "" || after != before {
		t.Errorf("Agra's rollup rows were rewritten: %q → %q", before, after)
	}

	// Emptying reports empties the rollup.
	if _, err := b.db.Exec(b.ctx, `TRUNCATE reports CASCADE`); err != nil {
		t.Fatal(err)
	}
	b.wantFreshRollup(t, "after TRUNCATE")
}

// TestReportCellsRefreshUnderConcurrentWrites: refreshes running while
// reports are being filed and moderated lose nothing. Each refresh sees
// some of the writes; a cell marked after a refresh's snapshot stays marked,
// so one last refresh, once the writers stop, leaves the rollup equal to a
// fresh grouping.
func TestReportCellsRefreshUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	type place struct {
		lat, lon float64
		district int
	}
	places := []place{{lat: lucknow[0], lon: lucknow[1]}, {lat: agra[0], lon: agra[1]}}
	for i := range places {
		places[i].district = b.districtAt(t, places[i].lat, places[i].lon)
	}
	const writers, perWriter = 4, 40
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				p := places[(w+i)%len(places)]
				lat, lon := p.lat+float64(i%7)*0.004, p.lon+float64(w)*0.004
				c, err := geo.Index(lat, lon)
				if err != nil {
					errs <- err
					return
				}
				var id int64
				if err := b.db.QueryRow(b.ctx, `INSERT INTO reports (source, status, category, received_at,
					event_at, location_source, geom, h3_r5, h3_r7, h3_r8, h3_r9, district_id)
					VALUES ('import', 'pending', 'stalking', now(), now(), 'import', ST_SetSRID(ST_MakePoint($2, $1), 4326),
					$3, $4, $5, $6, $7) RETURNING id`, lat, lon, c.R5, c.R7, c.R8, c.R9, p.district).Scan(&id); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 {
					if _, err := b.db.Exec(b.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, id); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	refreshes := 0
	for running := true; running; refreshes++ {
		select {
		case <-done:
			running = false
		default:
		}
		if err := b.svc.RefreshReportCells(b.ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if refreshes < 3 {
		t.Logf("only %d refreshes ran beside the writers", refreshes)
	}
	b.wantFreshRollup(t, fmt.Sprintf("after %d refreshes beside the writers", refreshes))
	var n int
	if err := b.db.QueryRow(b.ctx, `SELECT coalesce(sum(n), 0) FROM tile_report_cells WHERE resolution = 5`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers*perWriter {
		t.Errorf("%d reports counted in the rollup, want %d", n, writers*perWriter)
	}
}
