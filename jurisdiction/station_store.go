package jurisdiction

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// StationStore reads and writes the police_stations table.
type StationStore struct{ db pg.DBTX }

// NewStationStore returns a StationStore on db (a pool or a transaction).
func NewStationStore(db pg.DBTX) *StationStore { return &StationStore{db: db} }

// stationHitSQL selects the id of the station for point pt.g in district
// dist.id: the station whose area contains the point (preferring one of the
// same district; police_stations_area_idx), else the station of the district
// nearest to the point by KNN (police_stations_geom_idx, or the district
// index when the planner prefers it: a district has few stations).
const stationHitSQL = `
	SELECT hit.id FROM (
		(SELECT s.id FROM police_stations s WHERE ST_Intersects(s.area, pt.g)
		  ORDER BY s.district_id <> dist.id, s.id LIMIT 1)
		UNION ALL
		(SELECT s.id FROM police_stations s WHERE s.district_id = dist.id
		  ORDER BY s.geom <-> pt.g LIMIT 1)
	) hit LIMIT 1`

// defaultStationSQL selects the id of district dist.id's default station; a
// district without one falls back to the station nearest its HQ (pt.g).
const defaultStationSQL = `
	SELECT s.id FROM police_stations s WHERE s.district_id = dist.id
	ORDER BY s.is_default DESC, s.geom <-> pt.g, s.id LIMIT 1`

const stationColumns = `s.id, s.code, s.name_en, s.name_hi, s.district_id, ST_AsBinary(s.geom),
	s.area IS NOT NULL, s.is_default`

func scanStation(row pgx.CollectableRow) (Station, error) {
	var s Station
	err := row.Scan(&s.ID, &s.Code, &s.NameEN, &s.NameHI, &s.DistrictID, wkb.Scanner(&s.Location),
		&s.HasArea, &s.IsDefault)
	return s, err
}

// oneStation runs a query returning at most one station row.
func (s *StationStore) oneStation(ctx context.Context, query string, args ...any) (Station, error) {
	return pg.QueryOne(ctx, s.db, scanStation, query, args...)
}

const stationSQL = `SELECT ` + stationColumns + ` FROM police_stations s WHERE s.id = $1`

// Station returns the station with id, or vikalp.ErrNotFound.
func (s *StationStore) Station(ctx context.Context, id int64) (Station, error) {
	st, err := s.oneStation(ctx, stationSQL, id)
	if err != nil {
		return Station{}, fmt.Errorf("get station %d: %w", id, err)
	}
	return st, nil
}

const stationByCodeSQL = `SELECT ` + stationColumns + ` FROM police_stations s WHERE s.code = $1`

// StationByCode returns the station with code, or vikalp.ErrNotFound.
func (s *StationStore) StationByCode(ctx context.Context, code string) (Station, error) {
	st, err := s.oneStation(ctx, stationByCodeSQL, code)
	if err != nil {
		return Station{}, fmt.Errorf("get station %q: %w", code, err)
	}
	return st, nil
}

const stationsInDistrictSQL = `SELECT ` + stationColumns + ` FROM police_stations s
WHERE s.district_id = $1 ORDER BY s.is_default DESC, s.code`

// StationsInDistrict lists the stations of a district, default first.
func (s *StationStore) StationsInDistrict(ctx context.Context, districtID int) ([]Station, error) {
	list, err := pg.QueryAll(ctx, s.db, scanStation, stationsInDistrictSQL, districtID)
	if err != nil {
		return nil, fmt.Errorf("list stations of district %d: %w", districtID, err)
	}
	return list, nil
}

const stationForSQL = `WITH pt AS (` + pointSQL + `)
SELECT ` + stationColumns + `
FROM pt CROSS JOIN LATERAL (` + districtHitSQL + `) dist
CROSS JOIN LATERAL (` + stationHitSQL + `) hit
JOIN police_stations s ON s.id = hit.id`

// StationFor returns the station responsible for lat, lon: the one whose
// area contains it, else the nearest station of the district containing it.
// A point outside Uttar Pradesh is a user-safe vikalp.ErrInvalid; a district
// without any station is vikalp.ErrNotFound.
func (s *StationStore) StationFor(ctx context.Context, lat, lon float64) (Station, error) {
	return unitAt(ctx, s.db, scanStation, stationForSQL, "station", lat, lon)
}

const defaultStationByDistrictSQL = `SELECT ` + stationColumns + `
FROM districts dist
CROSS JOIN LATERAL (SELECT COALESCE(dist.hq, ST_PointOnSurface(dist.geom)) AS g) pt
CROSS JOIN LATERAL (` + defaultStationSQL + `) hit
JOIN police_stations s ON s.id = hit.id
WHERE dist.id = $1`

// DefaultStation returns the station that takes complaints naming only
// district districtID: its default station, else the one nearest its HQ.
// An unknown district, or one without stations, is vikalp.ErrNotFound.
func (s *StationStore) DefaultStation(ctx context.Context, districtID int) (Station, error) {
	st, err := s.oneStation(ctx, defaultStationByDistrictSQL, districtID)
	if err != nil {
		return Station{}, fmt.Errorf("get default station of district %d: %w", districtID, err)
	}
	return st, nil
}

// clearDefaultsSQL drops the default flag from stations of districts $1
// that are not among the incoming default stations $2, so the partial unique
// index (one default per district) holds while the upsert moves the flag.
const clearDefaultsSQL = `UPDATE police_stations SET is_default = false, updated_at = now()
WHERE is_default AND district_id = ANY($1::int[]) AND code <> ALL($2::text[])`

const upsertStationsSQL = `
INSERT INTO police_stations AS s (code, name_en, name_hi, district_id, geom, is_default)
SELECT t.code, t.name_en, t.name_hi, t.district_id, ST_GeomFromWKB(t.geom, 4326), t.is_default
FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bytea[], $6::bool[])
	AS t(code, name_en, name_hi, district_id, geom, is_default)
ON CONFLICT (code) DO UPDATE SET
	name_en = EXCLUDED.name_en, name_hi = EXCLUDED.name_hi, district_id = EXCLUDED.district_id,
	geom = EXCLUDED.geom, is_default = EXCLUDED.is_default, updated_at = now()
WHERE (s.name_en, s.name_hi, s.district_id, ST_AsBinary(s.geom), s.is_default)
	IS DISTINCT FROM (EXCLUDED.name_en, EXCLUDED.name_hi, EXCLUDED.district_id,
		ST_AsBinary(EXCLUDED.geom), EXCLUDED.is_default)
RETURNING (xmax = 0) AS inserted`

// UpsertStations creates or updates stations by code and counts what
// changed. A station marked default takes the flag from its district's
// previous default (counted as updated). Codes must be unique within in, and
// at most one station per district may be marked default.
func (s *StationStore) UpsertStations(ctx context.Context, in []StationInput) (Counts, error) {
	n := len(in)
	codes, nameEN, nameHI := make([]string, n), make([]string, n), make([]string, n)
	districts, geoms, defaults := make([]int, n), make([][]byte, n), make([]bool, n)
	var defDistricts []int
	var defCodes []string
	for i, st := range in {
		codes[i], nameEN[i], nameHI[i], districts[i], defaults[i] = st.Code, st.NameEN, st.NameHI, st.DistrictID, st.IsDefault
		var err error
		if geoms[i], err = wkb.Marshal(st.Location); err != nil {
			return Counts{}, fmt.Errorf("encode station %q location: %w", st.Code, err)
		}
		if st.IsDefault {
			defDistricts, defCodes = append(defDistricts, st.DistrictID), append(defCodes, st.Code)
		}
	}
	tag, err := s.db.Exec(ctx, clearDefaultsSQL, defDistricts, defCodes)
	if err != nil {
		return Counts{}, fmt.Errorf("clear previous default stations: %w", pg.Interpret(err))
	}
	c, err := runUpsert(ctx, s.db, upsertStationsSQL, n, codes, nameEN, nameHI, districts, geoms, defaults)
	if err != nil {
		return Counts{}, fmt.Errorf("upsert stations: %w", err)
	}
	c.Updated += int(tag.RowsAffected())
	return c, nil
}

// voronoiAreasSQL gives the non-default stations of each district in $1
// that has at least two of them an area: their Voronoi cells clipped to the
// district. Only changed areas are written. The default station keeps no
// area: it serves the whole district for complaints naming only the district.
const voronoiAreasSQL = `
WITH pts AS (
	SELECT s.district_id, ST_Collect(s.geom ORDER BY s.code) AS g
	FROM police_stations s
	WHERE NOT s.is_default AND s.district_id = ANY($1::int[])
	GROUP BY s.district_id HAVING count(*) >= 2
), cells AS (
	SELECT pts.district_id, d.geom AS district, (ST_Dump(ST_VoronoiPolygons(pts.g, 0, d.geom))).geom AS cell
	FROM pts JOIN districts d ON d.id = pts.district_id
), areas AS (
	SELECT s.id, ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, c.district), 3)) AS area
	FROM cells c JOIN police_stations s
	  ON s.district_id = c.district_id AND NOT s.is_default AND ST_Intersects(c.cell, s.geom)
)
UPDATE police_stations p SET area = areas.area, updated_at = now()
FROM areas
WHERE p.id = areas.id AND ST_AsBinary(p.area) IS DISTINCT FROM ST_AsBinary(areas.area)`

// SetVoronoiAreas derives demo station areas in the given districts: each
// non-default station gets the part of its district nearer to it than to any
// other non-default station. It returns how many areas changed.
func (s *StationStore) SetVoronoiAreas(ctx context.Context, districtIDs []int) (int, error) {
	tag, err := s.db.Exec(ctx, voronoiAreasSQL, districtIDs)
	if err != nil {
		return 0, fmt.Errorf("set station areas: %w", pg.Interpret(err))
	}
	return int(tag.RowsAffected()), nil
}
