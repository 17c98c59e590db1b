package bench

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/shareddata"
	"github.com/vikalp/vikalp/jurisdiction"
)

// setupImported returns a database with the real district boundaries (the
// approximate demo shapes when shared/data is absent) and n synthetic
// reports loaded by the import.
func setupImported(t *testing.T, n int) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	districts, _ := shareddata.Path("up-districts.geojson")
	if _, err := jurisdiction.SeedDemo(ctx, db, districts, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportSynthetic(ctx, db, ingest.SyntheticOptions{Count: n, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestRoutedCeilingRoutesLikeTheImport: the routed ceiling writes, into its
// copy of reports, every imported row with the same district, station, PCR
// unit, AHTU, point and cells as the import stored: it is the import's
// database work, not an approximation of it.
func TestRoutedCeilingRoutesLikeTheImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setupImported(t, 3000)
	if err := createCeilingTable(ctx, db); err != nil {
		t.Fatal(err)
	}
	// The copy pays reports' insert trigger (the rollup's cell marking) and
	// has none that could touch the real rollup.
	var triggers string
	if err := db.QueryRow(ctx, `SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger
		WHERE tgrelid = 'bench_ceiling.reports'::regclass AND NOT tgisinternal`).Scan(&triggers); err != nil {
		t.Fatal(err)
	}
	if triggers != "reports_tile_dirty_insert" {
		t.Errorf("ceiling table triggers %q, want reports_tile_dirty_insert alone", triggers)
	}
	staging, err := dump(ctx, db, "COPY (SELECT "+stagingSelect()+" FROM public.reports WHERE source = 'import' ORDER BY id) TO STDOUT")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(staging) })
	rows, _, err := loadBatches(ctx, staging, ImportOptions{Workers: 2, BatchRows: 700}, func(ctx context.Context, b []byte) error {
		return routedBatch(ctx, db, b)
	})
	if err != nil || rows != 3000 {
		t.Fatalf("routed %d rows, err %v: want all 3000", rows, err)
	}
	var copied, differing int
	err = db.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE (r.district_id, r.station_id, r.pcr_unit_id, r.ahtu_id, r.category,
				r.body, r.occurred_at, r.h3_r5, r.h3_r7, r.h3_r8, r.h3_r9, ST_AsBinary(r.geom))
			IS DISTINCT FROM (c.district_id, c.station_id, c.pcr_unit_id, c.ahtu_id, c.category,
				c.body, c.occurred_at, c.h3_r5, c.h3_r7, c.h3_r8, c.h3_r9, ST_AsBinary(c.geom)))
		FROM public.reports r JOIN bench_ceiling.reports c USING (source_id)`).Scan(&copied, &differing)
	if err != nil {
		t.Fatal(err)
	}
	if copied != 3000 || differing != 0 {
		t.Errorf("%d rows in the copy, %d routed differently: want 3000 and 0", copied, differing)
	}
}

// TestMeasureImport times both ceilings over every imported row and leaves
// no scratch schema behind.
func TestMeasureImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setupImported(t, 2000)
	c, err := MeasureImport(ctx, db, ImportOptions{Workers: 2, BatchRows: 600})
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows != 2000 || c.Plain <= 0 || c.Routed <= 0 || c.PlainRate() <= 0 || c.RoutedRate() <= 0 {
		t.Errorf("ceilings %+v: want 2000 rows and both loads timed", c)
	}
	var left bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'bench_ceiling')`).Scan(&left); err != nil || left {
		t.Errorf("bench_ceiling schema left behind (%v, err %v)", left, err)
	}
}
