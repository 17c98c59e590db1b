package tiles_test

import (
	"testing"
	"time"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/tiles"
)

// TestServiceReadsReplicaWritesPrimary gives the service two
// different databases: tiles and the hotspot run that keys the cache come
// from the read side, the report rollup is rewritten on the primary.
func TestServiceReadsReplicaWritesPrimary(t *testing.T) {
	t.Parallel()
	primary, replica := setup(t), setup(t)
	svc := tiles.NewService(primary.db, tiles.Deps{Read: replica.db,
		Config: tiles.Config{RunCheckInterval: time.Millisecond}})
	cells, err := geo.Index(lucknow[0], lucknow[1])
	if err != nil {
		t.Fatal(err)
	}
	replica.hex(t, replica.run(t), cells.R8, 5, replica.districtAt(t, lucknow[0], lucknow[1]))
	req := tiles.Request{Layer: tiles.LayerHotspots, Address: tiles.TileOf(lucknow[0], lucknow[1], 12)}
	tl, err := svc.Tile(replica.ctx, auth.Principal{}, req)
	if err != nil || tl.Empty() {
		t.Fatalf("hotspot tile: %v, empty %v; want the replica's cell", err, tl.Empty())
	}
	// A run on the replica invalidates the cache; the primary's runs do not count.
	if _, err := replica.db.Exec(replica.ctx, `DELETE FROM hex_stats`); err != nil {
		t.Fatal(err)
	}
	primary.run(t)
	time.Sleep(5 * time.Millisecond)
	if again, err := svc.Tile(replica.ctx, auth.Principal{}, req); err != nil || again != tl {
		t.Fatalf("a run on the primary alone re-rendered the tile: %v", err)
	}
	replica.run(t)
	time.Sleep(5 * time.Millisecond)
	if next, err := svc.Tile(replica.ctx, auth.Principal{}, req); err != nil || !next.Empty() {
		t.Errorf("after a replica run: %v, want the re-rendered empty tile", err)
	}

	primary.report(t, lucknow[0], lucknow[1], "approved")
	if err := svc.RefreshReportCells(primary.ctx); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]*bundle{"primary": primary, "replica": replica} {
		var n int
		if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM tile_report_cells`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if (n > 0) != (name == "primary") {
			t.Errorf("%s has %d rollup rows; want rows on the primary only", name, n)
		}
	}
}
