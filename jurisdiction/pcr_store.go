package jurisdiction

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// PCRStore reads and writes the pcr_units table.
type PCRStore struct{ db pg.DBTX }

// NewPCRStore returns a PCRStore on db (a pool or a transaction).
func NewPCRStore(db pg.DBTX) *PCRStore { return &PCRStore{db: db} }

// pcrHitSQL selects the id of the PCR unit for point pt.g in district
// dist.id: the unit whose zone contains the point (preferring one of the
// same district; pcr_units_zone_idx), else the nearest unit anywhere by
// index-assisted KNN on pcr_units_geom_idx (distance in degrees, which ranks
// neighbours the same as metres at this scale).
const pcrHitSQL = `
	SELECT hit.id FROM (
		(SELECT u.id FROM pcr_units u WHERE ST_Intersects(u.zone, pt.g)
		  ORDER BY u.district_id <> dist.id, u.id LIMIT 1)
		UNION ALL
		(SELECT u.id FROM pcr_units u ORDER BY u.geom <-> pt.g LIMIT 1)
	) hit LIMIT 1`

const pcrColumns = `u.id, u.code, u.name_en, u.name_hi, u.district_id, ST_AsBinary(u.geom), u.zone IS NOT NULL`

func scanPCRUnit(row pgx.CollectableRow) (PCRUnit, error) {
	var u PCRUnit
	err := row.Scan(&u.ID, &u.Code, &u.NameEN, &u.NameHI, &u.DistrictID, wkb.Scanner(&u.Location), &u.HasZone)
	return u, err
}

// oneUnit runs a query returning at most one unit row.
func (s *PCRStore) oneUnit(ctx context.Context, query string, args ...any) (PCRUnit, error) {
	return pg.QueryOne(ctx, s.db, scanPCRUnit, query, args...)
}

const pcrUnitSQL = `SELECT ` + pcrColumns + ` FROM pcr_units u WHERE u.id = $1`

// PCRUnit returns the unit with id, or vikalp.ErrNotFound.
func (s *PCRStore) PCRUnit(ctx context.Context, id int64) (PCRUnit, error) {
	u, err := s.oneUnit(ctx, pcrUnitSQL, id)
	if err != nil {
		return PCRUnit{}, fmt.Errorf("get pcr unit %d: %w", id, err)
	}
	return u, nil
}

const pcrUnitByCodeSQL = `SELECT ` + pcrColumns + ` FROM pcr_units u WHERE u.code = $1`

// PCRUnitByCode returns the unit with code, or vikalp.ErrNotFound.
func (s *PCRStore) PCRUnitByCode(ctx context.Context, code string) (PCRUnit, error) {
	u, err := s.oneUnit(ctx, pcrUnitByCodeSQL, code)
	if err != nil {
		return PCRUnit{}, fmt.Errorf("get pcr unit %q: %w", code, err)
	}
	return u, nil
}

const pcrUnitForSQL = `WITH pt AS (` + pointSQL + `)
SELECT ` + pcrColumns + `
FROM pt CROSS JOIN LATERAL (` + districtHitSQL + `) dist
CROSS JOIN LATERAL (` + pcrHitSQL + `) hit
JOIN pcr_units u ON u.id = hit.id`

// PCRUnitFor returns the PCR unit for lat, lon: the one whose zone contains
// it, else the nearest unit. A point outside Uttar Pradesh is a user-safe
// vikalp.ErrInvalid; no unit at all is vikalp.ErrNotFound.
func (s *PCRStore) PCRUnitFor(ctx context.Context, lat, lon float64) (PCRUnit, error) {
	return unitAt(ctx, s.db, scanPCRUnit, pcrUnitForSQL, "pcr unit", lat, lon)
}

const upsertPCRUnitsSQL = `
INSERT INTO pcr_units AS u (code, name_en, name_hi, district_id, geom)
SELECT t.code, t.name_en, t.name_hi, t.district_id, ST_GeomFromWKB(t.geom, 4326)
FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bytea[])
	AS t(code, name_en, name_hi, district_id, geom)
ON CONFLICT (code) DO UPDATE SET
	name_en = EXCLUDED.name_en, name_hi = EXCLUDED.name_hi, district_id = EXCLUDED.district_id,
	geom = EXCLUDED.geom, updated_at = now()
WHERE (u.name_en, u.name_hi, u.district_id, ST_AsBinary(u.geom))
	IS DISTINCT FROM (EXCLUDED.name_en, EXCLUDED.name_hi, EXCLUDED.district_id, ST_AsBinary(EXCLUDED.geom))
RETURNING (xmax = 0) AS inserted`

// UpsertPCRUnits creates or updates units by code and counts what changed.
// Codes must be unique within in.
func (s *PCRStore) UpsertPCRUnits(ctx context.Context, in []PCRUnitInput) (Counts, error) {
	n := len(in)
	codes, nameEN, nameHI := make([]string, n), make([]string, n), make([]string, n)
	districts, geoms := make([]int, n), make([][]byte, n)
	for i, u := range in {
		codes[i], nameEN[i], nameHI[i], districts[i] = u.Code, u.NameEN, u.NameHI, u.DistrictID
		var err error
		if geoms[i], err = wkb.Marshal(u.Location); err != nil {
			return Counts{}, fmt.Errorf("encode pcr unit %q location: %w", u.Code, err)
		}
	}
	c, err := runUpsert(ctx, s.db, upsertPCRUnitsSQL, n, codes, nameEN, nameHI, districts, geoms)
	if err != nil {
		return Counts{}, fmt.Errorf("upsert pcr units: %w", err)
	}
	return c, nil
}

// voronoiZonesSQL gives every unit of each district in $1 that has at least
// two units a zone: its Voronoi cell among them, clipped to the district.
// Only changed zones are written.
const voronoiZonesSQL = `
WITH pts AS (
	SELECT u.district_id, ST_Collect(u.geom ORDER BY u.code) AS g
	FROM pcr_units u WHERE u.district_id = ANY($1::int[])
	GROUP BY u.district_id HAVING count(*) >= 2
), cells AS (
	SELECT pts.district_id, d.geom AS district, (ST_Dump(ST_VoronoiPolygons(pts.g, 0, d.geom))).geom AS cell
	FROM pts JOIN districts d ON d.id = pts.district_id
), zones AS (
	SELECT u.id, ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, c.district), 3)) AS zone
	FROM cells c JOIN pcr_units u ON u.district_id = c.district_id AND ST_Intersects(c.cell, u.geom)
)
UPDATE pcr_units p SET zone = zones.zone, updated_at = now()
FROM zones
WHERE p.id = zones.id AND ST_AsBinary(p.zone) IS DISTINCT FROM ST_AsBinary(zones.zone)`

// SetVoronoiZones derives demo zones in the given districts: each unit gets
// the part of its district nearer to it than to the district's other units.
// It returns how many zones changed.
func (s *PCRStore) SetVoronoiZones(ctx context.Context, districtIDs []int) (int, error) {
	tag, err := s.db.Exec(ctx, voronoiZonesSQL, districtIDs)
	if err != nil {
		return 0, fmt.Errorf("set pcr zones: %w", pg.Interpret(err))
	}
	return int(tag.RowsAffected()), nil
}
