package jurisdiction

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp/internal/pg"
)

// DescribeStore finds the public places near points: the district, the
// nearest police station and the nearest railway station (transit_places,
// written by package analytics from `vikalp import transit`; read here).
type DescribeStore struct{ db pg.DBTX }

// NewDescribeStore returns a DescribeStore on db (a pool or a transaction).
func NewDescribeStore(db pg.DBTX) *DescribeStore { return &DescribeStore{db: db} }

// MaxDescribe caps the points of one Describe call (one statement).
const MaxDescribe = 1000

// describeSQL describes every point of $1 (lons) and $2 (lats) in one
// statement. Each nearest landmark is found by KNN (<->) on its GIST index
// (police_stations_geom_idx, transit_places_geom_idx): the three nearest in
// degrees, then the nearest of those on the spheroid, because a degree of
// longitude is shorter than one of latitude at UP's latitudes. The
// district is the one containing the point, else the nearest
// (districts_geom_idx). Distances and azimuths are geodesic (geography),
// from the landmark to the point.
const describeSQL = `
WITH pt AS (
	SELECT u.ord, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) AS g
	FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(lon, lat, ord)
)
SELECT pt.ord, COALESCE(d.id, 0), COALESCE(d.name_en, ''), COALESCE(d.name_hi, ''),
	s.name_en IS NOT NULL, COALESCE(s.name_en, ''), COALESCE(s.name_hi, ''),
	COALESCE(s.dist, 0), COALESCE(s.azimuth, 'NaN'::float8),
	r.name_en IS NOT NULL, COALESCE(r.name_en, ''), COALESCE(r.name_hi, ''),
	COALESCE(r.dist, 0), COALESCE(r.azimuth, 'NaN'::float8)
FROM pt
LEFT JOIN LATERAL (
	SELECT d.id, d.name_en, d.name_hi FROM districts d
	ORDER BY d.geom <-> pt.g, d.id LIMIT 1
) d ON true
LEFT JOIN LATERAL (
	SELECT k.name_en, k.name_hi, ST_Distance(k.geom::geography, pt.g::geography) AS dist,
		degrees(ST_Azimuth(k.geom::geography, pt.g::geography)) AS azimuth
	FROM (SELECT s.name_en, s.name_hi, s.geom FROM police_stations s ORDER BY s.geom <-> pt.g LIMIT 3) k
	ORDER BY 3, 1 LIMIT 1
) s ON true
LEFT JOIN LATERAL (
	SELECT k.name_en, k.name_hi, ST_Distance(k.geom::geography, pt.g::geography) AS dist,
		degrees(ST_Azimuth(k.geom::geography, pt.g::geography)) AS azimuth
	FROM (SELECT t.name_en, t.name_hi, t.geom FROM transit_places t
		WHERE t.kind = 'railway_station' ORDER BY t.geom <-> pt.g LIMIT 3) k
	ORDER BY 3, 1 LIMIT 1
) r ON true
ORDER BY pt.ord`

// Describe returns a description of each point (lon, lat), in order. More
// than MaxDescribe points are refused.
func (s *DescribeStore) Describe(ctx context.Context, points []orb.Point) ([]PlaceDescription, error) {
	if len(points) == 0 {
		return nil, nil
	}
	if len(points) > MaxDescribe {
		return nil, fmt.Errorf("describe %d places: at most %d at a time", len(points), MaxDescribe)
	}
	lons, lats := make([]float64, len(points)), make([]float64, len(points))
	for i, p := range points {
		lons[i], lats[i] = p.Lon(), p.Lat()
	}
	list, err := pg.QueryAll(ctx, s.db, scanDescription, describeSQL, lons, lats)
	if err != nil {
		return nil, fmt.Errorf("describe %d places: %w", len(points), err)
	}
	for i := range list {
		list[i].Lat, list[i].Lon = lats[i], lons[i]
		list[i].finish()
	}
	return list, nil
}

// DescribePoint describes one point.
func (s *DescribeStore) DescribePoint(ctx context.Context, lat, lon float64) (PlaceDescription, error) {
	list, err := s.Describe(ctx, []orb.Point{{lon, lat}})
	if err != nil {
		return PlaceDescription{}, err
	}
	return list[0], nil
}

func scanDescription(row pgx.CollectableRow) (PlaceDescription, error) {
	var (
		d              PlaceDescription
		ord            int64
		hasSt, hasRail bool
		st, rail       Landmark
	)
	err := row.Scan(&ord, &d.DistrictID, &d.DistrictEN, &d.DistrictHI,
		&hasSt, &st.NameEN, &st.NameHI, &st.DistanceM, &st.Bearing,
		&hasRail, &rail.NameEN, &rail.NameHI, &rail.DistanceM, &rail.Bearing)
	if hasSt {
		d.Station = &st
	}
	if hasRail {
		d.Railway = &rail
	}
	return d, err
}
