package jurisdiction

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// AHTUStore reads and writes the ahtu_units and ahtu_districts tables.
type AHTUStore struct{ db pg.DBTX }

// NewAHTUStore returns an AHTUStore on db (a pool or a transaction).
func NewAHTUStore(db pg.DBTX) *AHTUStore { return &AHTUStore{db: db} }

const ahtuColumns = `a.id, a.code, a.name_en, a.name_hi, ST_AsBinary(a.hq)`

func scanAHTU(row pgx.CollectableRow) (AHTU, error) {
	var a AHTU
	err := row.Scan(&a.ID, &a.Code, &a.NameEN, &a.NameHI, wkb.Scanner(&a.HQ))
	return a, err
}

// oneAHTU runs a query returning at most one unit row.
func (s *AHTUStore) oneAHTU(ctx context.Context, query string, args ...any) (AHTU, error) {
	return pg.QueryOne(ctx, s.db, scanAHTU, query, args...)
}

const ahtusSQL = `SELECT ` + ahtuColumns + ` FROM ahtu_units a ORDER BY a.id`

// AHTUs lists every unit by id.
func (s *AHTUStore) AHTUs(ctx context.Context) ([]AHTU, error) {
	list, err := pg.QueryAll(ctx, s.db, scanAHTU, ahtusSQL)
	if err != nil {
		return nil, fmt.Errorf("list ahtus: %w", err)
	}
	return list, nil
}

const ahtuSQL = `SELECT ` + ahtuColumns + ` FROM ahtu_units a WHERE a.id = $1`

// AHTU returns the unit with id, or vikalp.ErrNotFound.
func (s *AHTUStore) AHTU(ctx context.Context, id int) (AHTU, error) {
	a, err := s.oneAHTU(ctx, ahtuSQL, id)
	if err != nil {
		return AHTU{}, fmt.Errorf("get ahtu %d: %w", id, err)
	}
	return a, nil
}

const ahtuForDistrictSQL = `SELECT ` + ahtuColumns + `
FROM ahtu_districts ad JOIN ahtu_units a ON a.id = ad.ahtu_id WHERE ad.district_id = $1`

// AHTUForDistrict returns the unit covering district districtID, or
// vikalp.ErrNotFound when the district is unknown or not yet covered.
func (s *AHTUStore) AHTUForDistrict(ctx context.Context, districtID int) (AHTU, error) {
	a, err := s.oneAHTU(ctx, ahtuForDistrictSQL, districtID)
	if err != nil {
		return AHTU{}, fmt.Errorf("get ahtu of district %d: %w", districtID, err)
	}
	return a, nil
}

// AHTUAt returns the unit covering the district at lat, lon (by the rule of
// DistrictStore.DistrictAt, whose errors it returns).
func (s *AHTUStore) AHTUAt(ctx context.Context, lat, lon float64) (AHTU, error) {
	d, err := NewDistrictStore(s.db).DistrictAt(ctx, lat, lon)
	if err != nil {
		return AHTU{}, err
	}
	return s.AHTUForDistrict(ctx, d.ID)
}

const ahtuCoverageSQL = `SELECT district_id, ahtu_id FROM ahtu_districts ORDER BY district_id`

// Coverage maps each covered district's LGD code to its unit's id.
func (s *AHTUStore) Coverage(ctx context.Context) (map[int]int, error) {
	rows, err := s.db.Query(ctx, ahtuCoverageSQL)
	if err != nil {
		return nil, fmt.Errorf("list ahtu coverage: %w", err)
	}
	m := map[int]int{}
	var district, unit int
	_, err = pgx.ForEachRow(rows, []any{&district, &unit}, func() error {
		m[district] = unit
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list ahtu coverage: %w", err)
	}
	return m, nil
}

const upsertAHTUsSQL = `
INSERT INTO ahtu_units AS a (id, code, name_en, name_hi, hq)
SELECT t.id, t.code, t.name_en, t.name_hi, ST_GeomFromWKB(t.hq, 4326)
FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::bytea[]) AS t(id, code, name_en, name_hi, hq)
ON CONFLICT (id) DO UPDATE SET
	code = EXCLUDED.code, name_en = EXCLUDED.name_en, name_hi = EXCLUDED.name_hi,
	hq = EXCLUDED.hq, updated_at = now()
WHERE (a.code, a.name_en, a.name_hi, ST_AsBinary(a.hq))
	IS DISTINCT FROM (EXCLUDED.code, EXCLUDED.name_en, EXCLUDED.name_hi, ST_AsBinary(EXCLUDED.hq))
RETURNING (xmax = 0) AS inserted`

const assignAHTUDistrictsSQL = `
INSERT INTO ahtu_districts AS ad (district_id, ahtu_id)
SELECT * FROM unnest($1::int[], $2::int[])
ON CONFLICT (district_id) DO UPDATE SET ahtu_id = EXCLUDED.ahtu_id
WHERE ad.ahtu_id <> EXCLUDED.ahtu_id
RETURNING (xmax = 0) AS inserted`

// UpsertAHTUs creates or updates units by id and assigns each listed
// district to its unit (moving it from any previous unit). It returns the
// counts for units and for district assignments. A district must appear in
// at most one input.
func (s *AHTUStore) UpsertAHTUs(ctx context.Context, in []AHTUInput) (units, assignments Counts, err error) {
	n := len(in)
	ids, codes, nameEN, nameHI, hqs := make([]int, n), make([]string, n), make([]string, n), make([]string, n), make([][]byte, n)
	var districts, owners []int
	for i, a := range in {
		ids[i], codes[i], nameEN[i], nameHI[i] = a.ID, a.Code, a.NameEN, a.NameHI
		if hqs[i], err = wkb.Marshal(a.HQ); err != nil {
			return units, assignments, fmt.Errorf("encode ahtu %d hq: %w", a.ID, err)
		}
		for _, d := range a.DistrictIDs {
			districts, owners = append(districts, d), append(owners, a.ID)
		}
	}
	if units, err = runUpsert(ctx, s.db, upsertAHTUsSQL, n, ids, codes, nameEN, nameHI, hqs); err != nil {
		return units, assignments, fmt.Errorf("upsert ahtus: %w", err)
	}
	if assignments, err = runUpsert(ctx, s.db, assignAHTUDistrictsSQL, len(districts), districts, owners); err != nil {
		return units, assignments, fmt.Errorf("assign ahtu districts: %w", err)
	}
	return units, assignments, nil
}
