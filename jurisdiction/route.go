package jurisdiction

import "github.com/vikalp/vikalp/internal/pg"

// Routing names the units responsible for a location or district. A zero
// StationID, PCRUnitID or AHTUID means no such unit is configured yet.
type Routing struct {
	DistrictID int   `db:"district_id"` // LGD code
	StationID  int64 `db:"station_id"`  // police station to act
	PCRUnitID  int64 `db:"pcr_unit_id"` // control room unit to alert
	AHTUID     int   `db:"ahtu_id"`     // anti-trafficking unit to alert
}

// Service bundles the jurisdiction stores so callers hold one value:
// jurisdiction.New(pool).Route(ctx, lat, lon).
type Service struct {
	*DistrictStore
	*StationStore
	*AHTUStore
	*PCRStore
	*RouteStore
}

// New returns a Service whose stores all use db.
func New(db pg.DBTX) *Service {
	return &Service{
		DistrictStore: NewDistrictStore(db),
		StationStore:  NewStationStore(db),
		AHTUStore:     NewAHTUStore(db),
		PCRStore:      NewPCRStore(db),
		RouteStore:    NewRouteStore(db),
	}
}
