package ingest_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/testkit"
)

// metresEast returns the point d metres east of lat, lon.
func metresEast(lat, lon, d float64) (float64, float64) {
	return lat, lon + d/(111320*math.Cos(lat*math.Pi/180))
}

// acrossEdge returns a point near Lucknow whose neighbour 10 m east lies in
// another cell at resolution res (8 or 9).
func acrossEdge(t *testing.T, res int) (lat, lon float64) {
	t.Helper()
	lat, lon = testkit.Lucknow[0], testkit.Lucknow[1]
	for range 100000 {
		a, errA := geo.Index(lat, lon)
		b, errB := geo.Index(metresEast(lat, lon, 10))
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		ca, _ := a.At(res)
		cb, _ := b.At(res)
		if ca != cb {
			return lat, lon
		}
		_, lon = metresEast(lat, lon, 7)
	}
	t.Fatalf("no r%d edge found", res)
	return 0, 0
}

// submitAt files a report without photos at lat, lon.
func submitAt(t *testing.T, b *bundle, cat string, lat, lon float64, at *time.Time) ingest.ReportReceipt {
	t.Helper()
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: cat, Lat: &lat, Lon: &lon,
		OccurredAt: at, WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestDuplicateByDistance: duplicates are linked by distance, not by H3
// cell: 10 m apart across an r9 edge links, 200 m apart, another category
// or outside the window does not.
func TestDuplicateByDistance(t *testing.T) {
	t.Parallel()

	t.Run("TenMetresAcrossCellEdgeLinked", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		lat, lon := acrossEdge(t, 9)
		first := submitAt(t, b, "stalking", lat, lon, nil)
		lat2, lon2 := metresEast(lat, lon, 10)
		second := submitAt(t, b, "stalking", lat2, lon2, nil)
		if first.LinkedTo || !second.LinkedTo || second.AlsoReported != 1 {
			t.Fatalf("first %+v, second %+v; want the second linked to the first", first, second)
		}
		if n := b.count(t, `SELECT count(DISTINCT h3_r9) FROM reports`); n != 2 {
			t.Fatalf("reports in %d r9 cells, want 2 (across an edge)", n)
		}
	})

	t.Run("TwoHundredMetresApartNotLinked", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
		submitAt(t, b, "stalking", lat, lon, nil)
		lat2, lon2 := metresEast(lat, lon, 200)
		if rec := submitAt(t, b, "stalking", lat2, lon2, nil); rec.LinkedTo {
			t.Fatalf("report 200 m away linked: %+v", rec)
		}
		lat3, lon3 := metresEast(lat, lon, 45)
		if rec := submitAt(t, b, "stalking", lat3, lon3, nil); !rec.LinkedTo {
			t.Fatalf("report 45 m away not linked: %+v", rec)
		}
	})

	t.Run("OtherCategoryNotLinked", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		lat, lon := acrossEdge(t, 9)
		submitAt(t, b, "stalking", lat, lon, nil)
		lat2, lon2 := metresEast(lat, lon, 10)
		if rec := submitAt(t, b, "drunk_gathering", lat2, lon2, nil); rec.LinkedTo {
			t.Fatalf("report of another category linked: %+v", rec)
		}
	})

	t.Run("OutsideWindowNotLinked", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
		long := time.Now().Add(-30 * time.Hour)
		submitAt(t, b, "stalking", lat, lon, &long)
		lat2, lon2 := metresEast(lat, lon, 10)
		if rec := submitAt(t, b, "stalking", lat2, lon2, nil); rec.LinkedTo {
			t.Fatalf("report 30 h later linked: %+v", rec)
		}
	})

	t.Run("SimultaneousAcrossR8EdgeOneOriginal", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// Reports a few metres apart on both sides of an r8 edge, filed at
		// once: the neighbour locks must queue them, so exactly one stands.
		lat, lon := acrossEdge(t, 8)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				la, lo := metresEast(lat, lon, float64(i%2)*10+float64(i)*0.5)
				_, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "stalking", Lat: &la, Lon: &lo,
					WithoutPhotos: true})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := b.count(t, `SELECT count(*) FROM reports WHERE duplicate_of IS NULL`); n != 1 {
			t.Fatalf("%d originals among 8 simultaneous reports within 14 m, want 1", n)
		}
		if n := b.count(t, `SELECT count(DISTINCT h3_r8) FROM reports`); n < 2 {
			t.Fatalf("reports in %d r8 cells, want them across an edge", n)
		}
		if n := b.count(t, `SELECT also_reported FROM reports WHERE duplicate_of IS NULL`); n != 7 {
			t.Fatalf("also_reported = %d, want 7", n)
		}
	})

	t.Run("NeighbourCellLockQueuesReport", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// Hold the duplicate lock of cell A, as a report being filed there
		// would; a report 10 m away in cell B must wait for it, or both
		// could become originals.
		lat, lon := acrossEdge(t, 8)
		cellA, err := geo.Index(lat, lon)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := b.db.Begin(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(b.ctx) }()
		if _, err := tx.Exec(b.ctx, `SELECT pg_advisory_xact_lock(hashtextextended('ingest.reports.r8:' || $1::bigint || ':stalking', 0))`,
			cellA.R8); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			la, lo := metresEast(lat, lon, 10)
			_, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "stalking", Lat: &la, Lon: &lo, WithoutPhotos: true})
			done <- err
		}()
		deadline := time.Now().Add(60 * time.Second)
		for b.count(t, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) == 0 {
			select {
			case err := <-done:
				t.Fatalf("the report in the neighbouring cell did not wait for the lock (err %v)", err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatal("the report neither waited nor finished")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := tx.Rollback(b.ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
