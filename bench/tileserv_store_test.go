package bench

import (
	"context"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/vikalp/vikalp/tiles"
)

// TestTileservTile: a pg_tileserv-shape tile holds one feature per report
// in its buffered envelope, each with its id, and an empty tile is empty.
func TestTileservTile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := setupImported(t, 2000)
	a := tiles.TileOf(26.85, 80.95, 12) // Lucknow, where the synthetic reports cluster
	var want int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM reports
		WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 256.0 / 4096), 4326))`,
		a.Z, a.X, a.Y).Scan(&want); err != nil {
		t.Fatal(err)
	}
	data, err := NewTileservStore(db).Tile(ctx, a.Z, a.X, a.Y)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if want == 0 || len(layers) != 1 || len(layers[0].Features) != want {
		t.Fatalf("tile %s: %d layers, want one of %d features", a, len(layers), want)
	}
	ids := map[any]bool{}
	for _, f := range layers[0].Features {
		ids[f.ID] = true
	}
	if len(ids) != want {
		t.Errorf("%d distinct ids over %d features", len(ids), want)
	}
	empty, err := NewTileservStore(db).Tile(ctx, 14, 0, 0)
	if err != nil || len(empty) != 0 {
		t.Errorf("tile far from Uttar Pradesh: %d bytes, err %v", len(empty), err)
	}
}
