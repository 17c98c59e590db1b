// Package casestest has the test fixture of package cases: a small, fast
// jurisdiction (two square districts, three stations). Staff principals and
// keyrings come from package testkit, clocks from internal/clock.
package casestest

import (
	"context"
	"testing"

	"github.com/vikalp/vikalp/internal/pg"
)

// Fixture names the jurisdiction rows Jurisdictions inserts.
type Fixture struct {
	// DistrictA covers lon 80.8–81.2, lat 26.7–27.1 (around Lucknow) and is
	// split between StationA1 (west half, the default) and StationA2 (east).
	DistrictA int
	StationA1 int64
	StationA2 int64
	// DistrictB covers lon 80.2–80.6, lat 26.3–26.7 with one default station
	// and no station areas.
	DistrictB int
	StationB1 int64
}

// Points inside the fixture's districts, as lat, lon.
var (
	PointA1 = [2]float64{26.9, 80.9}  // DistrictA, StationA1's area
	PointA2 = [2]float64{26.9, 81.1}  // DistrictA, StationA2's area
	PointB  = [2]float64{26.5, 80.4}  // DistrictB
	PointUP = [2]float64{25.3, 82.97} // in UP's bounding box but in neither district (Varanasi)
)

// Polygons are squares in SRID 4326; stations' areas split district A.
const fixtureSQL = `
INSERT INTO districts (id, name_en, name_hi, slug, geom, hq) VALUES
 (162, 'Lucknow', 'लखनऊ', 'lucknow',
  ST_Multi(ST_MakeEnvelope(80.8, 26.7, 81.2, 27.1, 4326)), ST_SetSRID(ST_MakePoint(80.95, 26.85), 4326)),
 (164, 'Kanpur Nagar', 'कानपुर नगर', 'kanpur-nagar',
  ST_Multi(ST_MakeEnvelope(80.2, 26.3, 80.6, 26.7, 4326)), ST_SetSRID(ST_MakePoint(80.35, 26.45), 4326));
INSERT INTO police_stations (code, name_en, name_hi, district_id, geom, area, is_default) VALUES
 ('LKO-1', 'Hazratganj', 'हजरतगंज', 162, ST_SetSRID(ST_MakePoint(80.9, 26.9), 4326),
  ST_Multi(ST_MakeEnvelope(80.8, 26.7, 81.0, 27.1, 4326)), true),
 ('LKO-2', 'Gomti Nagar', 'गोमती नगर', 162, ST_SetSRID(ST_MakePoint(81.1, 26.9), 4326),
  ST_Multi(ST_MakeEnvelope(81.0, 26.7, 81.2, 27.1, 4326)), false),
 ('KNP-1', 'Kotwali', 'कोतवाली', 164, ST_SetSRID(ST_MakePoint(80.4, 26.5), 4326), NULL, true);`

// Jurisdictions inserts the fixture into db and returns its ids.
func Jurisdictions(ctx context.Context, t testing.TB, db pg.DBTX) Fixture {
	t.Helper()
	if _, err := db.Exec(ctx, fixtureSQL); err != nil {
		t.Fatalf("casestest: insert jurisdictions: %v", err)
	}
	f := Fixture{DistrictA: 162, DistrictB: 164}
	for code, id := range map[string]*int64{"LKO-1": &f.StationA1, "LKO-2": &f.StationA2, "KNP-1": &f.StationB1} {
		if err := db.QueryRow(ctx, `SELECT id FROM police_stations WHERE code = $1`, code).Scan(id); err != nil {
			t.Fatalf("casestest: station %s: %v", code, err)
		}
	}
	return f
}
