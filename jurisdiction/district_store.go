package jurisdiction

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
)

// DistrictStore reads and writes the districts table.
type DistrictStore struct{ db pg.DBTX }

// NewDistrictStore returns a DistrictStore on db (a pool or a transaction).
func NewDistrictStore(db pg.DBTX) *DistrictStore { return &DistrictStore{db: db} }

// pointSQL is the lookup point from $1 (latitude) and $2 (longitude). Note
// the order: PostGIS points are (x = lon, y = lat).
const pointSQL = `SELECT ST_SetSRID(ST_MakePoint($2::float8, $1::float8), 4326) AS g`

// districtHitSQL selects the id of the district for the point pt.g: the one
// containing it (lowest id on a shared edge), else the nearest one within
// NearDistrictMeters. Both branches are index-assisted (ST_Intersects on
// districts_geom_idx, ST_DWithin on district_pieces_geom_idx), and the
// 0.06° prefilter (≥ 5 km anywhere in UP) keeps the geodesic distance to a
// few candidates. The nearest district is searched among the districts'
// pieces (migration 00047): the same district, without a geodesic distance
// to a whole boundary of thousands of vertices per candidate.
// UNION ALL … LIMIT 1 stops after the first branch that finds a row.
const districtHitSQL = `
	SELECT hit.id FROM (
		(SELECT d.id FROM districts d WHERE ST_Intersects(d.geom, pt.g) ORDER BY d.id LIMIT 1)
		UNION ALL
		(SELECT d.district_id FROM district_pieces d
		  WHERE ST_DWithin(d.geom, pt.g, 0.06)
		    AND ST_DWithin(d.geom::geography, pt.g::geography, 5000)
		  ORDER BY d.geom <-> pt.g LIMIT 1)
	) hit LIMIT 1`

const districtColumns = `d.id, d.name_en, d.name_hi, d.slug, d.police_range, d.police_zone,
	COALESCE(d.commissionerate, ''), d.borders_nepal, d.approximate,
	ST_AsBinary(COALESCE(d.hq, ST_PointOnSurface(d.geom)))`

func scanDistrict(row pgx.CollectableRow) (District, error) {
	var d District
	err := row.Scan(&d.ID, &d.NameEN, &d.NameHI, &d.Slug, &d.PoliceRange, &d.PoliceZone,
		&d.Commissionerate, &d.BordersNepal, &d.Approximate, wkb.Scanner(&d.HQ))
	return d, err
}

const districtsSQL = `SELECT id, name_en, name_hi, slug, ST_Y(hq) AS hq_lat, ST_X(hq) AS hq_lon
FROM districts ORDER BY name_en`

// Districts lists every district by English name.
func (s *DistrictStore) Districts(ctx context.Context) ([]DistrictSummary, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[DistrictSummary], districtsSQL)
	if err != nil {
		return nil, fmt.Errorf("list districts: %w", err)
	}
	return list, nil
}

const districtSQL = `SELECT ` + districtColumns + ` FROM districts d WHERE d.id = $1`

// District returns the district with LGD code id, or vikalp.ErrNotFound.
func (s *DistrictStore) District(ctx context.Context, id int) (District, error) {
	d, err := pg.QueryOne(ctx, s.db, scanDistrict, districtSQL, id)
	if err != nil {
		return District{}, fmt.Errorf("get district %d: %w", id, err)
	}
	return d, nil
}

const districtAtSQL = `WITH pt AS (` + pointSQL + `)
SELECT ` + districtColumns + `
FROM pt CROSS JOIN LATERAL (` + districtHitSQL + `) dist
JOIN districts d ON d.id = dist.id`

// DistrictAt returns the district containing lat, lon, or the nearest one
// within NearDistrictMeters. Anything else is a user-safe vikalp.ErrInvalid
// ("this location is outside Uttar Pradesh").
func (s *DistrictStore) DistrictAt(ctx context.Context, lat, lon float64) (District, error) {
	if err := geo.CheckInUP(lat, lon); err != nil {
		return District{}, err
	}
	rows, err := s.db.Query(ctx, districtAtSQL, lat, lon)
	if err != nil {
		return District{}, fmt.Errorf("find district at point: %w", err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDistrict)
	if errors.Is(err, pgx.ErrNoRows) {
		return District{}, geo.ErrOutsideUP()
	}
	if err != nil {
		return District{}, fmt.Errorf("find district at point: %w", err)
	}
	return d, nil
}

// unitAt runs query, a lookup of the unit for the point $1 (lat), $2 (lon),
// and scans its one row with scan. A point outside Uttar Pradesh is
// geo.CheckInUP's user-safe vikalp.ErrInvalid. When no unit is found it
// tells "outside every district" (DistrictAt's error) from "the district has
// no such unit" (vikalp.ErrNotFound).
func unitAt[T any](ctx context.Context, db pg.DBTX, scan pgx.RowToFunc[T], query, what string,
	lat, lon float64) (T, error) {
	var zero T
	if err := geo.CheckInUP(lat, lon); err != nil {
		return zero, err
	}
	u, err := pg.QueryOne(ctx, db, scan, query, lat, lon)
	if errors.Is(err, vikalp.ErrNotFound) {
		if _, derr := NewDistrictStore(db).DistrictAt(ctx, lat, lon); derr != nil {
			return zero, derr
		}
	}
	if err != nil {
		return zero, fmt.Errorf("find %s at point: %w", what, err)
	}
	return u, nil
}

const districtGeometrySQL = `SELECT ST_AsBinary(geom) FROM districts WHERE id = $1`

// DistrictGeometry returns the boundary of district id (lon/lat).
func (s *DistrictStore) DistrictGeometry(ctx context.Context, id int) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	if err := s.db.QueryRow(ctx, districtGeometrySQL, id).Scan(wkb.Scanner(&mp)); err != nil {
		return nil, fmt.Errorf("get district %d geometry: %w", id, pg.Interpret(err))
	}
	return mp, nil
}

const districtIDsSQL = `SELECT id FROM districts ORDER BY id`

// DistrictIDs returns the LGD codes of every stored district.
func (s *DistrictStore) DistrictIDs(ctx context.Context) (map[int]bool, error) {
	ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int], districtIDsSQL)
	if err != nil {
		return nil, fmt.Errorf("list district ids: %w", err)
	}
	set := make(map[int]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

const districtIDsAtSQL = `SELECT COALESCE(dist.id, 0)
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(lat, lon, ord)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS g) pt
LEFT JOIN LATERAL (` + districtHitSQL + `) dist ON true
ORDER BY t.ord`

// DistrictIDsAt returns, for each point, the id of its district by the rule
// of DistrictAt, or 0 when the point is in none. It does one round trip.
func (s *DistrictStore) DistrictIDsAt(ctx context.Context, pts []orb.Point) ([]int, error) {
	lats, lons := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lats[i], lons[i] = p.Lat(), p.Lon()
	}
	ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int], districtIDsAtSQL, lats, lons)
	if err != nil {
		return nil, fmt.Errorf("find districts at points: %w", err)
	}
	return ids, nil
}

// upsertDistrictsSQL writes districts from parallel arrays. Geometry arrives
// as WKB, is repaired only when invalid (so valid input stays byte-identical
// and re-imports compare equal), and is promoted to MultiPolygon. The HQ is
// kept only when it lies in the district, else an interior point stands in.
// The WHERE on DO UPDATE skips rows that would not change, so RETURNING lists
// only inserted (xmax = 0) and really updated rows.
const upsertDistrictsSQL = `
WITH input AS (
	SELECT t.id, t.name_en, t.name_hi, t.slug, t.police_range, t.police_zone,
		NULLIF(t.commissionerate, '') AS commissionerate, t.borders_nepal,
		ST_Multi(ST_CollectionExtract(CASE WHEN ST_IsValid(g.raw) THEN g.raw ELSE ST_MakeValid(g.raw) END, 3)) AS geom,
		ST_GeomFromWKB(t.hq, 4326) AS hq
	FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::bool[], $9::bytea[], $10::bytea[])
		AS t(id, name_en, name_hi, slug, police_range, police_zone, commissionerate, borders_nepal, geom, hq)
	CROSS JOIN LATERAL (SELECT ST_GeomFromWKB(t.geom, 4326) AS raw) g
)
INSERT INTO districts AS d (id, name_en, name_hi, slug, police_range, police_zone,
	commissionerate, borders_nepal, approximate, geom, hq)
SELECT id, name_en, name_hi, slug, police_range, police_zone, commissionerate, borders_nepal, false, geom,
	CASE WHEN hq IS NOT NULL AND ST_Intersects(geom, hq) THEN hq ELSE ST_PointOnSurface(geom) END
FROM input
ON CONFLICT (id) DO UPDATE SET
	name_en = EXCLUDED.name_en, name_hi = EXCLUDED.name_hi, slug = EXCLUDED.slug,
	police_range = EXCLUDED.police_range, police_zone = EXCLUDED.police_zone,
	commissionerate = EXCLUDED.commissionerate, borders_nepal = EXCLUDED.borders_nepal,
	approximate = false, geom = EXCLUDED.geom, hq = EXCLUDED.hq, updated_at = now()
WHERE (d.name_en, d.name_hi, d.slug, d.police_range, d.police_zone, d.commissionerate,
		d.borders_nepal, d.approximate, ST_AsBinary(d.geom), ST_AsBinary(d.hq))
	IS DISTINCT FROM (EXCLUDED.name_en, EXCLUDED.name_hi, EXCLUDED.slug, EXCLUDED.police_range,
		EXCLUDED.police_zone, EXCLUDED.commissionerate, EXCLUDED.borders_nepal, false,
		ST_AsBinary(EXCLUDED.geom), ST_AsBinary(EXCLUDED.hq))
RETURNING (xmax = 0) AS inserted`

// UpsertDistricts creates or updates districts by LGD code in one statement
// and counts what changed. Upserted districts are no longer approximate.
func (s *DistrictStore) UpsertDistricts(ctx context.Context, in []DistrictInput) (Counts, error) {
	n := len(in)
	ids := make([]int, n)
	nameEN, nameHI, slug := make([]string, n), make([]string, n), make([]string, n)
	rng, zone, comm := make([]string, n), make([]string, n), make([]string, n)
	nepal := make([]bool, n)
	geoms, hqs := make([][]byte, n), make([][]byte, n)
	for i, d := range in {
		ids[i], nameEN[i], nameHI[i], slug[i] = d.ID, d.NameEN, d.NameHI, d.Slug
		rng[i], zone[i], comm[i], nepal[i] = d.PoliceRange, d.PoliceZone, d.Commissionerate, d.BordersNepal
		var err error
		if geoms[i], err = wkb.Marshal(d.Geom); err != nil {
			return Counts{}, fmt.Errorf("encode district %d geometry: %w", d.ID, err)
		}
		if d.HQ != nil {
			if hqs[i], err = wkb.Marshal(*d.HQ); err != nil {
				return Counts{}, fmt.Errorf("encode district %d hq: %w", d.ID, err)
			}
		}
	}
	c, err := runUpsert(ctx, s.db, upsertDistrictsSQL, n, ids, nameEN, nameHI, slug, rng, zone, comm, nepal, geoms, hqs)
	if err != nil {
		return Counts{}, fmt.Errorf("upsert districts: %w", err)
	}
	return c, nil
}

// runUpsert runs an upsert of n input rows whose RETURNING clause yields one
// "inserted" flag per row it wrote, and counts inserted, updated and
// unchanged rows.
func runUpsert(ctx context.Context, db pg.DBTX, query string, n int, args ...any) (Counts, error) {
	inserted, err := pg.QueryAll(ctx, db, pgx.RowTo[bool], query, args...)
	if err != nil {
		return Counts{}, err
	}
	return countUpserts(n, inserted), nil
}

// approximateDistrictsSQL generates demo district shapes when no boundary
// file is at hand: the Voronoi cells of the district HQs, clipped to the
// HQs' convex hull grown by 0.3° and to the box $11. Each cell is matched to
// the HQ it contains. Existing districts (real or approximate) are left
// alone, so this never overwrites imported boundaries and re-running it
// changes nothing. Inputs are sorted by id, which keeps the diagram stable.
const approximateDistrictsSQL = `
WITH f AS (
	SELECT t.*, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS hq
	FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::bool[], $9::float8[], $10::float8[])
		AS t(id, name_en, name_hi, slug, police_range, police_zone, commissionerate, borders_nepal, lat, lon)
), clip AS (
	SELECT ST_Collect(hq ORDER BY id) AS pts,
		ST_Intersection(ST_Buffer(ST_ConvexHull(ST_Collect(hq)), 0.3), ST_GeomFromWKB($11, 4326)) AS g
	FROM f
), cells AS (
	SELECT (ST_Dump(ST_VoronoiPolygons(clip.pts, 0, clip.g))).geom AS cell, clip.g AS clip FROM clip
)
INSERT INTO districts (id, name_en, name_hi, slug, police_range, police_zone,
	commissionerate, borders_nepal, approximate, geom, hq)
SELECT f.id, f.name_en, f.name_hi, f.slug, f.police_range, f.police_zone,
	NULLIF(f.commissionerate, ''), f.borders_nepal, true,
	ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, c.clip), 3)), f.hq
FROM f JOIN cells c ON ST_Intersects(c.cell, f.hq)
ORDER BY f.id
ON CONFLICT (id) DO NOTHING
RETURNING id`

// InsertApproximateDistricts creates approximate demo districts (Voronoi
// cells around each fact's HQ, clipped to bound) for the facts whose district
// does not exist yet. Existing districts count as unchanged.
func (s *DistrictStore) InsertApproximateDistricts(ctx context.Context, facts []DistrictFact, bound orb.Bound) (Counts, error) {
	sorted := slices.SortedFunc(slices.Values(facts), func(a, b DistrictFact) int { return a.ID - b.ID })
	n := len(sorted)
	ids := make([]int, n)
	nameEN, nameHI, slug := make([]string, n), make([]string, n), make([]string, n)
	rng, zone, comm := make([]string, n), make([]string, n), make([]string, n)
	nepal := make([]bool, n)
	lats, lons := make([]float64, n), make([]float64, n)
	for i, f := range sorted {
		ids[i], nameEN[i], nameHI[i], slug[i] = f.ID, f.NameEN, f.NameHI, f.Slug
		rng[i], zone[i], comm[i], nepal[i] = f.PoliceRange, f.PoliceZone, f.Commissionerate, f.BordersNepal
		lats[i], lons[i] = f.HQ.Lat(), f.HQ.Lon()
	}
	box, err := wkb.Marshal(bound.ToPolygon())
	if err != nil {
		return Counts{}, fmt.Errorf("encode clip box: %w", err)
	}
	inserted, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int], approximateDistrictsSQL, ids, nameEN,
		nameHI, slug, rng, zone, comm, nepal, lats, lons, box)
	if err != nil {
		return Counts{}, fmt.Errorf("insert approximate districts: %w", err)
	}
	return Counts{Inserted: len(inserted), Unchanged: n - len(inserted)}, nil
}
