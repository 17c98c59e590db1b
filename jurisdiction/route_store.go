package jurisdiction

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
)

// RouteStore answers "who must act here?" across the jurisdiction tables.
type RouteStore struct{ db pg.DBTX }

// NewRouteStore returns a RouteStore on db (a pool or a transaction).
func NewRouteStore(db pg.DBTX) *RouteStore { return &RouteStore{db: db} }

// routeSQL resolves district, station, PCR unit and AHTU for one point in a
// single statement, by the same rules as DistrictAt, StationFor and
// PCRUnitFor. No row means the point is in no district.
const routeSQL = `WITH pt AS (` + pointSQL + `)
SELECT dist.id AS district_id, COALESCE(st.id, 0) AS station_id,
	COALESCE(pcr.id, 0) AS pcr_unit_id, COALESCE(a.ahtu_id, 0) AS ahtu_id
FROM pt
CROSS JOIN LATERAL (` + districtHitSQL + `) dist
LEFT JOIN LATERAL (` + stationHitSQL + `) st ON true
LEFT JOIN LATERAL (` + pcrHitSQL + `) pcr ON true
LEFT JOIN ahtu_districts a ON a.district_id = dist.id`

// routeStationSQL is routeSQL without the PCR unit and the AHTU, for a
// complaint, which goes to a police station only (and is filed far more
// often than anything else is routed).
const routeStationSQL = `WITH pt AS (` + pointSQL + `)
SELECT dist.id AS district_id, COALESCE(st.id, 0) AS station_id, 0::bigint AS pcr_unit_id, 0 AS ahtu_id
FROM pt
CROSS JOIN LATERAL (` + districtHitSQL + `) dist
LEFT JOIN LATERAL (` + stationHitSQL + `) st ON true`

// Route returns the units responsible for lat, lon. A point outside Uttar
// Pradesh is a user-safe vikalp.ErrInvalid ("this location is outside Uttar
// Pradesh").
func (s *RouteStore) Route(ctx context.Context, lat, lon float64) (Routing, error) {
	return s.route(ctx, routeSQL, lat, lon)
}

// RouteStation is Route for the district and police station only (the
// Routing's PCR unit and AHTU are zero).
func (s *RouteStore) RouteStation(ctx context.Context, lat, lon float64) (Routing, error) {
	return s.route(ctx, routeStationSQL, lat, lon)
}

func (s *RouteStore) route(ctx context.Context, sql string, lat, lon float64) (Routing, error) {
	if err := geo.CheckInUP(lat, lon); err != nil {
		return Routing{}, err
	}
	rows, err := s.db.Query(ctx, sql, lat, lon)
	if err != nil {
		return Routing{}, fmt.Errorf("route point: %w", err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Routing])
	if errors.Is(err, pgx.ErrNoRows) {
		return Routing{}, geo.ErrOutsideUP()
	}
	if err != nil {
		return Routing{}, fmt.Errorf("route point: %w", err)
	}
	return r, nil
}

// routeDistrictSQL resolves the units for a complaint that names only a
// district: its default station, the PCR unit for its HQ and its AHTU.
const routeDistrictSQL = `
SELECT dist.id AS district_id, COALESCE(st.id, 0) AS station_id,
	COALESCE(pcr.id, 0) AS pcr_unit_id, COALESCE(a.ahtu_id, 0) AS ahtu_id
FROM districts dist
CROSS JOIN LATERAL (SELECT COALESCE(dist.hq, ST_PointOnSurface(dist.geom)) AS g) pt
LEFT JOIN LATERAL (` + defaultStationSQL + `) st ON true
LEFT JOIN LATERAL (` + pcrHitSQL + `) pcr ON true
LEFT JOIN ahtu_districts a ON a.district_id = dist.id
WHERE dist.id = $1`

// RouteDistrict returns the units for a complaint that gives only district
// districtID: the district's default station, the PCR unit covering its HQ
// and its AHTU. An unknown district is vikalp.ErrNotFound.
func (s *RouteStore) RouteDistrict(ctx context.Context, districtID int) (Routing, error) {
	rows, err := s.db.Query(ctx, routeDistrictSQL, districtID)
	if err != nil {
		return Routing{}, fmt.Errorf("route district %d: %w", districtID, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Routing])
	if err != nil {
		return Routing{}, fmt.Errorf("route district %d: %w", districtID, pg.Interpret(err))
	}
	return r, nil
}
