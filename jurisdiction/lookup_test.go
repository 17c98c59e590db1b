package jurisdiction_test

import (
	"errors"
	"testing"

	"github.com/paulmach/orb/planar"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/jurisdiction"
)

// TestLookups seeds one database from the real boundary file and runs every
// lookup against it.
func TestLookups(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	seedReal(ctx, t, db)
	svc := jurisdiction.New(db)

	stationID := func(t *testing.T, code string) int64 {
		t.Helper()
		s, err := svc.StationByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	pcrID := func(t *testing.T, code string) int64 {
		t.Helper()
		u, err := svc.PCRUnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}

	t.Run("DistrictAtKnownPoints", func(t *testing.T) {
		t.Parallel()
		assertKnownDistricts(ctx, t, svc)
	})
	t.Run("DistrictAtNearBorderAndBeyond", func(t *testing.T) {
		t.Parallel()
		// The westernmost vertex of UP: nothing lies west of it, so points
		// due west are outside every district, at a known distance.
		var id int
		var lon, lat float64
		if err := db.QueryRow(ctx, `SELECT id, ST_X(p), ST_Y(p) FROM
			(SELECT id, (ST_DumpPoints(geom)).geom AS p FROM districts) v ORDER BY ST_X(p) LIMIT 1`).
			Scan(&id, &lon, &lat); err != nil {
			t.Fatal(err)
		}
		d, err := svc.DistrictAt(ctx, lat, lon-0.02) // ≈ 2 km out
		if err != nil || d.ID != id {
			t.Errorf("2 km outside district %d: got %d, %v", id, d.ID, err)
		}
		_, err = svc.DistrictAt(ctx, lat, lon-0.08) // ≈ 8 km out, still in the buffered box
		wantUserError(t, err, "outside_up")
		_, err = svc.DistrictAt(ctx, pokhara.lat, pokhara.lon)
		wantUserError(t, err, "outside_up")
		_, err = svc.DistrictAt(ctx, 95, 80)
		wantUserError(t, err, "out_of_range")
	})
	t.Run("Districts", func(t *testing.T) {
		t.Parallel()
		list, err := svc.Districts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 75 || list[0].NameEN != "Agra" || list[0].NameHI != "आगरा" || list[0].ID != 118 {
			t.Errorf("%d districts, first %+v", len(list), list[0])
		}
	})
	t.Run("District", func(t *testing.T) {
		t.Parallel()
		d, err := svc.District(ctx, 173)
		if err != nil {
			t.Fatal(err)
		}
		if d.NameEN != "Pilibhit" || d.NameHI != "पीलीभीत" || !d.BordersNepal || d.Commissionerate != "" ||
			d.PoliceRange != "Bareilly" || d.PoliceZone != "Bareilly" {
			t.Errorf("Pilibhit = %+v", d)
		}
		if _, err := svc.District(ctx, 9999); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("unknown district: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("DistrictGeometry", func(t *testing.T) {
		t.Parallel()
		mp, err := svc.DistrictGeometry(ctx, 162)
		if err != nil {
			t.Fatal(err)
		}
		if !planar.MultiPolygonContains(mp, pointOf(lucknow)) {
			t.Error("Lucknow's boundary does not contain the Lucknow point")
		}
	})
	t.Run("StationFor", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name string
			at   latLon
			want string
		}{
			{"AreaContainsHazratganj", lucknow, "LKO-HAZ"},
			{"AreaContainsChinhat", latLon{26.885, 81.06}, "LKO-CHI"},
			{"NearestInDistrictMathura", latLon{27.4924, 77.6737}, "MTR-MT"},
			{"AreaCoversRuralGorakhpur", latLon{26.55, 83.2}, "GKP-CNT"},
		} {
			s, err := svc.StationFor(ctx, tt.at.lat, tt.at.lon)
			if err != nil || s.Code != tt.want {
				t.Errorf("%s: station %q, %v; want %q", tt.name, s.Code, err, tt.want)
			}
		}
		_, err := svc.StationFor(ctx, mumbai.lat, mumbai.lon)
		wantUserError(t, err, "outside_up")
		_, err = svc.StationFor(ctx, pokhara.lat, pokhara.lon)
		wantUserError(t, err, "outside_up")
	})
	t.Run("DefaultStation", func(t *testing.T) {
		t.Parallel()
		s, err := svc.DefaultStation(ctx, 162)
		if err != nil || s.Code != "LKO-MT" || !s.IsDefault || s.HasArea || s.NameHI != "महिला थाना लखनऊ" {
			t.Errorf("default station of Lucknow = %+v, %v", s, err)
		}
		if _, err := svc.DefaultStation(ctx, 9999); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("unknown district: err = %v, want ErrNotFound", err)
		}
		list, err := svc.StationsInDistrict(ctx, 162)
		if err != nil || len(list) != 7 || list[0].Code != "LKO-MT" {
			t.Errorf("Lucknow stations: %d, %v", len(list), err)
		}
	})
	t.Run("PCRUnitFor", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name string
			at   latLon
			want string
		}{
			{"ZoneContainsLucknowCentre", lucknow, "LKO-PCR"},
			{"ZoneContainsLucknowEast", latLon{26.86, 81.02}, "LKO-PCR-E"},
			{"NearestAgra", agra, "AGR-PCR"},
			{"NearestVaranasi", varanasi, "VNS-PCR"},
		} {
			u, err := svc.PCRUnitFor(ctx, tt.at.lat, tt.at.lon)
			if err != nil || u.Code != tt.want {
				t.Errorf("%s: unit %q, %v; want %q", tt.name, u.Code, err, tt.want)
			}
		}
		_, err := svc.PCRUnitFor(ctx, mumbai.lat, mumbai.lon)
		wantUserError(t, err, "outside_up")
	})
	t.Run("AHTU", func(t *testing.T) {
		t.Parallel()
		a, err := svc.AHTUForDistrict(ctx, 173)
		if err != nil || a.Code != "AHTU-PBT" {
			t.Errorf("AHTU of Pilibhit = %+v, %v", a, err)
		}
		a, err = svc.AHTUAt(ctx, gorakhpur.lat, gorakhpur.lon)
		if err != nil || a.Code != "AHTU-GKP" || a.NameHI != "एंटी ह्यूमन ट्रैफिकिंग यूनिट गोरखपुर" {
			t.Errorf("AHTU at Gorakhpur = %+v, %v", a, err)
		}
		if b, err := svc.AHTU(ctx, a.ID); err != nil || b != a {
			t.Errorf("AHTU(%d) = %+v, %v", a.ID, b, err)
		}
		_, err = svc.AHTUAt(ctx, mumbai.lat, mumbai.lon)
		wantUserError(t, err, "outside_up")
		if _, err := svc.AHTUForDistrict(ctx, 9999); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("unknown district: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("Route", func(t *testing.T) {
		t.Parallel()
		r, err := svc.Route(ctx, lucknow.lat, lucknow.lon)
		if err != nil {
			t.Fatal(err)
		}
		want := jurisdiction.Routing{DistrictID: 162, StationID: stationID(t, "LKO-HAZ"),
			PCRUnitID: pcrID(t, "LKO-PCR"), AHTUID: 1}
		if r != want {
			t.Errorf("Route(Lucknow) = %+v, want %+v", r, want)
		}
		r, err = svc.Route(ctx, agra.lat, agra.lon)
		if err != nil || r.DistrictID != 118 || r.PCRUnitID != pcrID(t, "AGR-PCR") || r.AHTUID != 5 {
			t.Errorf("Route(Agra) = %+v, %v", r, err)
		}
		_, err = svc.Route(ctx, mumbai.lat, mumbai.lon)
		wantUserError(t, err, "outside_up")
		_, err = svc.Route(ctx, pokhara.lat, pokhara.lon)
		wantUserError(t, err, "outside_up")
	})
	t.Run("RouteStation", func(t *testing.T) {
		t.Parallel()
		for _, p := range []struct{ lat, lon float64 }{{lucknow.lat, lucknow.lon}, {agra.lat, agra.lon}} {
			full, err := svc.Route(ctx, p.lat, p.lon)
			if err != nil {
				t.Fatal(err)
			}
			r, err := svc.RouteStation(ctx, p.lat, p.lon)
			want := jurisdiction.Routing{DistrictID: full.DistrictID, StationID: full.StationID}
			if err != nil || r != want {
				t.Errorf("RouteStation(%v) = %+v, %v; want %+v", p, r, err, want)
			}
		}
		_, err := svc.RouteStation(ctx, mumbai.lat, mumbai.lon)
		wantUserError(t, err, "outside_up")
	})
	t.Run("RouteDistrict", func(t *testing.T) {
		t.Parallel()
		r, err := svc.RouteDistrict(ctx, 162)
		if err != nil {
			t.Fatal(err)
		}
		want := jurisdiction.Routing{DistrictID: 162, StationID: stationID(t, "LKO-MT"),
			PCRUnitID: pcrID(t, "LKO-PCR"), AHTUID: 1}
		if r != want {
			t.Errorf("RouteDistrict(162) = %+v, want %+v", r, want)
		}
		if _, err := svc.RouteDistrict(ctx, 9999); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("unknown district: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("RouteAgreesWithSingleLookups", func(t *testing.T) {
		t.Parallel()
		for _, p := range []latLon{lucknow, varanasi, agra, gorakhpur, {27.4924, 77.6737}, {28.2, 80.7}} {
			r, err := svc.Route(ctx, p.lat, p.lon)
			if err != nil {
				t.Fatal(err)
			}
			s, err1 := svc.StationFor(ctx, p.lat, p.lon)
			u, err2 := svc.PCRUnitFor(ctx, p.lat, p.lon)
			a, err3 := svc.AHTUAt(ctx, p.lat, p.lon)
			if err := errors.Join(err1, err2, err3); err != nil {
				t.Fatal(err)
			}
			if r.StationID != s.ID || r.PCRUnitID != u.ID || r.AHTUID != a.ID || s.DistrictID != r.DistrictID {
				t.Errorf("%v: Route %+v disagrees with station %d, pcr %d, ahtu %d", p, r, s.ID, u.ID, a.ID)
			}
		}
	})
}
