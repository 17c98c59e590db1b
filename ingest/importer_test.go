package ingest_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/jurisdiction"
)

const importCSV = `source_id,time,lat,lon,category,text
lko-1,2024-05-01T19:30:00+05:30,26.8467,80.9462,groping,"crowded bus stand, evening"
lko-2,2024-05-02 21:00,26.8500,80.9400,Poorly lit area,
vns-1,2024-05-03,25.3176,82.9739,stalking,"घाट के पास पीछा किया"
bad-lat,2024-05-03,north,82.97,stalking,
mumbai,2024-05-03,19.0760,72.8777,stalking,
bad-cat,2024-05-03,25.31,82.97,robbery,
no-time,,25.31,82.97,stalking,
lko-1,2024-05-04,26.84,80.94,other,repeat of line 2
pokhara,2024-05-04,28.2096,83.9856,other,in the box but in no district
gkp-1,2024-05-05T08:00:00Z,26.7606,83.3732,unsafe_transport_stop,
`

func TestImportReportsCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sum, err := ingest.ImportReports(b.ctx, b.db, strings.NewReader(importCSV), ingest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 10 || sum.Loaded != 4 || sum.AlreadyImported != 0 || sum.RejectedCount != 6 {
		t.Fatalf("summary = %+v", sum)
	}
	want := map[int]string{5: "lat is not a number", 6: "outside Uttar Pradesh", 7: "category",
		8: "time is missing", 9: `source_id "lko-1" repeats line 2`, 10: "outside Uttar Pradesh"}
	for i, r := range sum.Rejected {
		if !strings.Contains(r.Reason, want[r.Line]) || (i > 0 && sum.Rejected[i-1].Line > r.Line) {
			t.Errorf("rejection %d = %s; want line order and reason containing %q", i, r, want[r.Line])
		}
	}
	if n := b.count(t, `SELECT count(*) FROM reports WHERE source = 'import' AND status = 'approved' AND code IS NULL
		AND station_id IS NOT NULL AND pcr_unit_id IS NOT NULL AND ahtu_id IS NOT NULL`); n != 4 {
		t.Errorf("routed imported reports = %d, want 4", n)
	}
	var body string
	var r9 int64
	var at time.Time
	if err := b.db.QueryRow(b.ctx, `SELECT body, h3_r9, event_at FROM reports WHERE source_id = 'vns-1'`).Scan(&body, &r9, &at); err != nil {
		t.Fatal(err)
	}
	cells, _ := geo.Index(25.3176, 82.9739)
	ist := vikalp.IST
	if body != "घाट के पास पीछा किया" || r9 != cells.R9 || !at.Equal(time.Date(2024, 5, 3, 0, 0, 0, 0, ist)) {
		t.Errorf("vns-1 stored %q r9 %d at %v", body, r9, at)
	}

	again, err := ingest.ImportReports(b.ctx, b.db, strings.NewReader(importCSV), ingest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Loaded != 0 || again.AlreadyImported != 4 {
		t.Errorf("re-import = %+v, want nothing loaded and 4 already imported", again)
	}
}

func TestImportReportsGeoJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"a1","geometry":{"type":"Point","coordinates":[80.9462,26.8467]},
	  "properties":{"time":"2024-02-01T10:00:00+05:30","category":"stalking","text":"market"}},
	 {"type":"Feature","geometry":{"type":"LineString","coordinates":[[80,26],[81,27]]},"properties":{}},
	 {"type":"Feature","geometry":{"type":"Point","coordinates":[72.87,19.07]},
	  "properties":{"time":"2024-02-01","category":"other","source_id":"far"}}]}`
	sum, err := ingest.ImportReports(b.ctx, b.db, strings.NewReader("\n  "+doc), ingest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 3 || sum.Loaded != 1 || len(sum.Rejected) != 2 || sum.Rejected[0].Line != 2 {
		t.Errorf("summary = %+v", sum)
	}
}

// TestImportRoutingMatchesRoute checks the set-wise SQL routing against the
// one-point router on the same seeded jurisdictions.
func TestImportRoutingMatchesRoute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	data := ingesttest.ReportsCSV(t, 300, 7, "cmp")
	if _, err := ingest.ImportReports(b.ctx, b.db, bytes.NewReader(data), ingest.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := b.db.Query(b.ctx, `SELECT source_id, ST_Y(geom), ST_X(geom), district_id, COALESCE(station_id, 0),
		COALESCE(pcr_unit_id, 0), COALESCE(ahtu_id, 0) FROM reports`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	router := jurisdiction.NewRouteStore(b.db)
	n := 0
	for rows.Next() {
		var src string
		var lat, lon float64
		var got jurisdiction.Routing
		if err := rows.Scan(&src, &lat, &lon, &got.DistrictID, &got.StationID, &got.PCRUnitID, &got.AHTUID); err != nil {
			t.Fatal(err)
		}
		want, err := router.Route(b.ctx, lat, lon)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: import routed %+v, Route says %+v", src, got, want)
		}
		n++
	}
	if n < 290 {
		t.Errorf("only %d of 300 generated rows imported", n)
	}
}

func TestImport100kRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 100_000
	data := ingesttest.ReportsCSV(t, n, 1, "bulk")
	start := time.Now()
	sum, err := ingest.ImportReports(b.ctx, b.db, bytes.NewReader(data), ingest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d rows in %v (%.0f rows/s)", sum.Loaded, time.Since(start), float64(sum.Loaded)/time.Since(start).Seconds())
	if sum.Rows != n || sum.Loaded+sum.RejectedCount != n || sum.Loaded < n*99/100 {
		t.Fatalf("summary: rows %d loaded %d rejected %d (%v)", sum.Rows, sum.Loaded, sum.RejectedCount, firstRejections(sum))
	}
	if got := b.count(t, `SELECT count(*) FROM reports`); got != sum.Loaded {
		t.Errorf("reports table has %d rows, summary says %d", got, sum.Loaded)
	}
	again, err := ingest.ImportReports(b.ctx, b.db, bytes.NewReader(data), ingest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Loaded != 0 || again.AlreadyImported != sum.Loaded {
		t.Errorf("re-import: loaded %d, already %d; want 0, %d", again.Loaded, again.AlreadyImported, sum.Loaded)
	}
	if got := b.count(t, `SELECT count(*) FROM reports`); got != sum.Loaded {
		t.Errorf("re-import changed the table to %d rows", got)
	}
}

func firstRejections(s ingest.ImportSummary) string {
	var parts []string
	for i, r := range s.Rejected {
		if i == 5 {
			break
		}
		parts = append(parts, r.String())
	}
	return fmt.Sprint(parts)
}
