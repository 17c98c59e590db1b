package ingest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/jurisdiction"
)

// TestRoutedCopy drives loadBatch's two paths on the demo jurisdiction:
// rows of stored cells COPYed with their routing from the import's copy of
// route_cells, the rest staged; a copy taken before a jurisdiction change
// is not used; stored source_ids are skipped; and a COPY that meets a
// source_id it did not expect falls back to the staged insert. Every
// inserted row must route as jurisdiction.RouteStore.Route says.
func TestRoutedCopy(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), pgtest.New(t)
	if _, err := jurisdiction.SeedDemo(ctx, db, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := jurisdiction.RebuildRouteCells(ctx, db); err != nil {
		t.Fatal(err)
	}
	src := newTestSource(ctx, t, db)
	routes := src.routes.Load()

	batch := testRows(t, "a", 2000)
	hits, rest := splitByCell(batch, *routes)
	if len(hits) < len(batch)/2 || len(rest) == 0 {
		t.Fatalf("%d rows of stored cells, %d others: the test needs both", len(hits), len(rest))
	}
	loadAndCount(ctx, t, db, src, batch, 0)
	wantRouted(ctx, t, db, "a")

	// The same rows again: all stored already (or outside again),
	// whichever path.
	if d := loadAndCount(ctx, t, db, src, batch, -1); d.Loaded != 0 {
		t.Errorf("the same rows again: %d loaded, want 0", d.Loaded)
	}

	// A jurisdiction change after the import read route_cells: the batch
	// must not route by the stale copy, and asks for a new one.
	if _, err := db.Exec(ctx, `UPDATE police_stations SET area = NULL WHERE id = (SELECT min(id) FROM police_stations WHERE area IS NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	b := testRows(t, "b", 500)
	loadAndCount(ctx, t, db, src, b, 0)
	if !src.routesStale.Load() {
		t.Error("a batch after a jurisdiction change did not ask to read route_cells again")
	}
	wantRouted(ctx, t, db, "b")

	// Rebuilt and read again: back on the COPY path. Two rows of one stored
	// cell share a source_id (as a concurrent import would make it): the
	// COPY fails on the unique key, and the batch goes staged, where ON
	// CONFLICT keeps one.
	if _, err := jurisdiction.RebuildRouteCells(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := src.loadRoutes(ctx, db); err != nil {
		t.Fatal(err)
	}
	c := testRows(t, "c", 300)
	hits, _ = splitByCell(c, *src.routes.Load())
	if len(hits) < 2 {
		t.Fatal("too few rows in stored cells")
	}
	hits[1].row.sourceID = hits[0].row.sourceID
	loadAndCount(ctx, t, db, src, c, 1)
	wantRouted(ctx, t, db, "c")
}

func newTestSource(ctx context.Context, t *testing.T, db *pgxpool.Pool) *importSource {
	t.Helper()
	src := &importSource{sum: &ImportSummary{}, seen: map[string]int{}}
	if err := src.loadRoutes(ctx, db); err != nil {
		t.Fatal(err)
	}
	if r := src.routes.Load(); r == nil || len(r.Cells) == 0 {
		t.Fatal("no route cells loaded")
	}
	return src
}

// testRows are n rows at random points over the demo districts, with
// source_ids prefix-0…
func testRows(t *testing.T, prefix string, n int) []importRow {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(len(prefix)), uint64(n)))
	rows := make([]importRow, n)
	for i := range rows {
		lat, lon := 25.0+rng.Float64()*3.5, 78.5+rng.Float64()*5
		cells, err := geo.Index(lat, lon)
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = importRow{line: i + 2, sourceID: fmt.Sprintf("%s-%d", prefix, i), category: CategoryStalking,
			body: "test", lat: lat, lon: lon, cells: cells,
			occurredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)}
	}
	return rows
}

// loadAndCount loads batch in one transaction and checks what the
// import's counts gained: every row loaded, refused as outside the state
// or already imported, and already imported exactly already times (-1:
// any). It returns the gain.
func loadAndCount(ctx context.Context, t *testing.T, db *pgxpool.Pool, src *importSource, batch []importRow, already int) ImportSummary {
	t.Helper()
	before := src.summary()
	if err := pg.WithTx(ctx, db, func(tx pgx.Tx) error { return src.loadBatch(ctx, tx, batch) }); err != nil {
		t.Fatal(err)
	}
	after := src.summary()
	d := ImportSummary{Loaded: after.Loaded - before.Loaded, RejectedCount: after.RejectedCount - before.RejectedCount,
		AlreadyImported: after.AlreadyImported - before.AlreadyImported}
	if d.Loaded+d.RejectedCount+d.AlreadyImported != len(batch) || (already >= 0 && d.AlreadyImported != already) {
		t.Errorf("%d rows: %d loaded, %d outside, %d already imported (want %d already imported)",
			len(batch), d.Loaded, d.RejectedCount, d.AlreadyImported, already)
	}
	return d
}

// wantRouted checks every report whose source_id starts with prefix
// against RouteStore.Route, and the columns the staged insert sets.
func wantRouted(ctx context.Context, t *testing.T, db *pgxpool.Pool, prefix string) {
	t.Helper()
	rows, err := db.Query(ctx, `SELECT source_id, ST_Y(geom), ST_X(geom), district_id, COALESCE(station_id, 0),
		COALESCE(pcr_unit_id, 0), COALESCE(ahtu_id, 0),
		status = 'approved' AND source = 'import' AND location_source = 'import' AND event_at = occurred_at
			AND code IS NULL AND NOT happening_now AND ST_SRID(geom) = 4326
		FROM reports WHERE source_id LIKE $1 || '-%'`, prefix)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		id       string
		lat, lon float64
		r        jurisdiction.Routing
		columns  bool
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (got, error) {
		var g got
		err := row.Scan(&g.id, &g.lat, &g.lon, &g.r.DistrictID, &g.r.StationID, &g.r.PCRUnitID, &g.r.AHTUID, &g.columns)
		return g, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatalf("no reports %s-…", prefix)
	}
	router := jurisdiction.NewRouteStore(db)
	for _, g := range list {
		want, err := router.Route(ctx, g.lat, g.lon)
		if err != nil {
			t.Fatal(err)
		}
		if g.r != want || !g.columns {
			t.Errorf("%s: routed %+v (columns as staged: %v), Route says %+v", g.id, g.r, g.columns, want)
		}
	}
}
