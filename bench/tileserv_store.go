package bench

import (
	"context"
	"fmt"

	"github.com/vikalp/vikalp/internal/pg"
)

// TileservStore renders report tiles the way pg_tileserv renders a table
// layer: the rival the staff point tiles are compared with on the same
// data and tile list.
type TileservStore struct{ db pg.DBTX }

// NewTileservStore returns a TileservStore on db.
func NewTileservStore(db pg.DBTX) *TileservStore { return &TileservStore{db: db} }

// tileservSQL is pg_tileserv's statement shape for the reports table
// (layer.go of pg_tileserv: every row's geometry transformed to 3857 and
// clipped with a 256-pixel buffer, the rows found by ST_Intersects with the
// buffered envelope transformed to the table's SRID, at most 10,000
// features), with one feature per report carrying its id, the content of
// Vikalp's staff point tiles.
const tileservSQL = `
SELECT ST_AsMVT(m, 'reports', 4096, 'geom', 'id') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(r.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 256, true) AS geom, r.id
	FROM reports r
	WHERE ST_Intersects(r.geom, ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 256.0 / 4096), 4326))
	LIMIT 10000
) m`

// Tile renders tile z/x/y of reports in pg_tileserv's shape.
func (s *TileservStore) Tile(ctx context.Context, z, x, y int) ([]byte, error) {
	var mvt []byte
	if err := s.db.QueryRow(ctx, tileservSQL, z, x, y).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("render pg_tileserv-shape tile: %w", pg.Interpret(err))
	}
	return mvt, nil
}
