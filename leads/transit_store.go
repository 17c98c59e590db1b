package leads

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// TransitStore reads and writes the transit_places and border_lines tables.
type TransitStore struct{ db pg.DBTX }

// NewTransitStore returns a TransitStore on db.
func NewTransitStore(db pg.DBTX) *TransitStore { return &TransitStore{db: db} }

// TransitInput is one transit place to import.
type TransitInput struct {
	Kind       string
	Code       string
	NameEN     string
	NameHI     string
	DistrictID int // LGD code; 0 (or unknown) finds the district from the point
	Lat, Lon   float64
}

const transitPlacesSQL = `
SELECT id, kind, code, name_en, name_hi, district_id FROM transit_places ORDER BY kind, code`

// Places returns every transit place.
func (s *TransitStore) Places(ctx context.Context) ([]TransitPlace, error) {
	out, err := leadRows[TransitPlace](ctx, s.db, transitPlacesSQL)
	if err != nil {
		return nil, fmt.Errorf("list transit places: %w", err)
	}
	return out, nil
}

// The district is the given LGD code when such a district exists, else the
// district containing the point (NULL outside every district). xmax = 0
// marks a freshly inserted row; the WHERE on DO UPDATE skips rows already
// as given, so they are not returned and count as unchanged.
const upsertTransitSQL = `
WITH u AS (
	SELECT u.kind, u.code, u.name_en, u.name_hi, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) AS geom,
		COALESCE((SELECT d.id FROM districts d WHERE d.id = u.lgd),
			(SELECT d.id FROM districts d WHERE ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326))
			 ORDER BY d.id LIMIT 1)) AS district_id
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::float8[])
		AS u(kind, code, name_en, name_hi, lgd, lat, lon))
INSERT INTO transit_places AS t (kind, code, name_en, name_hi, district_id, geom)
SELECT kind, code, name_en, name_hi, district_id, geom FROM u
ON CONFLICT (kind, code) DO UPDATE SET name_en = EXCLUDED.name_en, name_hi = EXCLUDED.name_hi,
	district_id = EXCLUDED.district_id, geom = EXCLUDED.geom
WHERE (t.name_en, t.name_hi, t.district_id) IS DISTINCT FROM (EXCLUDED.name_en, EXCLUDED.name_hi, EXCLUDED.district_id)
	OR NOT ST_Equals(t.geom, EXCLUDED.geom)
RETURNING xmax = 0 AS inserted`

// Upsert inserts or updates places by (kind, code) and returns the counts
// inserted, updated and unchanged. A code listed twice keeps its first row.
func (s *TransitStore) Upsert(ctx context.Context, in []TransitInput) ([3]int, error) {
	var counts [3]int
	seen := map[[2]string]bool{}
	var kind, code, en, hi []string
	var lgd []int
	var lat, lon []float64
	for _, p := range in {
		if k := [2]string{p.Kind, p.Code}; !seen[k] {
			seen[k] = true
			kind, code, en, hi = append(kind, p.Kind), append(code, p.Code), append(en, p.NameEN), append(hi, p.NameHI)
			lgd, lat, lon = append(lgd, p.DistrictID), append(lat, p.Lat), append(lon, p.Lon)
		}
	}
	rows, err := s.db.Query(ctx, upsertTransitSQL, kind, code, en, hi, lgd, lat, lon)
	if err != nil {
		return counts, fmt.Errorf("upsert transit places: %w", pg.Interpret(err))
	}
	defer rows.Close()
	changed := 0
	for rows.Next() {
		var inserted bool
		if err := rows.Scan(&inserted); err != nil {
			return counts, fmt.Errorf("upsert transit places: %w", err)
		}
		if inserted {
			counts[0]++
		} else {
			counts[1]++
		}
		changed++
	}
	if err := rows.Err(); err != nil {
		return counts, fmt.Errorf("upsert transit places: %w", pg.Interpret(err))
	}
	counts[2] = len(code) - changed
	return counts, nil
}

const upsertBorderSQL = `
INSERT INTO border_lines AS b (variant, name, geom) VALUES ($1, $2, ST_GeomFromWKB($3, 4326))
ON CONFLICT (variant) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom
RETURNING xmax = 0 AS inserted`

// UpsertBorder stores border line variant and reports whether it is new.
func (s *TransitStore) UpsertBorder(ctx context.Context, variant, name string, line orb.MultiLineString) (bool, error) {
	var inserted bool
	if err := s.db.QueryRow(ctx, upsertBorderSQL, variant, name, wkb.Value(line)).Scan(&inserted); err != nil {
		return false, fmt.Errorf("upsert border %s: %w", variant, pg.Interpret(err))
	}
	return inserted, nil
}
