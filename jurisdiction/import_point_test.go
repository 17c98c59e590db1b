package jurisdiction_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/jurisdiction"
)

// stationFixture: three valid stations in Mathura (167), one placed by
// location, plus six bad features.
const stationFixture = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"MTR-KOT","name_en":"Kotwali Mathura","name_hi":"कोतवाली मथुरा","lgd_code":167,"is_default":true},
 "geometry":{"type":"Point","coordinates":[77.680,27.500]}},
{"type":"Feature","properties":{"code":"MTR-VRN","name":"Vrindavan","lgd_code":"167"},
 "geometry":{"type":"Point","coordinates":[77.700,27.580]}},
{"type":"Feature","properties":{"code":"MTR-GOV","name_en":"Govardhan"},
 "geometry":{"type":"Point","coordinates":[77.4667,27.4999]}},
{"type":"Feature","properties":{"code":"XX-1","name_en":"Unknown district","lgd_code":9999},
 "geometry":{"type":"Point","coordinates":[77.68,27.5]}},
{"type":"Feature","properties":{"code":"XX-2","name_en":"Area","lgd_code":167},
 "geometry":{"type":"Polygon","coordinates":[[[77.6,27.4],[77.7,27.4],[77.7,27.5],[77.6,27.4]]]}},
{"type":"Feature","properties":{"name_en":"No code","lgd_code":167},
 "geometry":{"type":"Point","coordinates":[77.68,27.5]}},
{"type":"Feature","properties":{"code":"MTR-VRN","name_en":"Duplicate","lgd_code":167},
 "geometry":{"type":"Point","coordinates":[77.68,27.5]}},
{"type":"Feature","properties":{"code":"XX-3","name_en":"Second default","lgd_code":167,"is_default":true},
 "geometry":{"type":"Point","coordinates":[77.68,27.51]}},
{"type":"Feature","properties":{"code":"XX-4","name_en":"Mumbai"},
 "geometry":{"type":"Point","coordinates":[72.88,19.07]}}
]}`

func TestImportStations(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	approximateDistricts(ctx, t, db)
	svc := jurisdiction.New(db)

	rep, err := importText(ctx, db, stationFixture, false, jurisdiction.ImportStations)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "stations", rep.Counts, jurisdiction.Counts{Inserted: 3})
	wantRejected(t, rep, map[int]string{
		3: "unknown district lgd_code 9999",
		4: "geometry is a Polygon, want Point",
		5: "missing code",
		6: `duplicate code "MTR-VRN"`,
		7: `district 167 already has default station "MTR-KOT"`,
		8: "coordinates outside Uttar Pradesh",
	})

	t.Run("PlacedByLocation", func(t *testing.T) {
		s, err := svc.StationByCode(ctx, "MTR-GOV")
		if err != nil || s.DistrictID != 167 || s.NameEN != "Govardhan" || s.NameHI != "" {
			t.Errorf("MTR-GOV = %+v, %v", s, err)
		}
	})
	t.Run("NearestStationWithoutAreas", func(t *testing.T) {
		s, err := svc.StationFor(ctx, 27.57, 77.70) // 1 km from Vrindavan
		if err != nil || s.Code != "MTR-VRN" {
			t.Errorf("station near Vrindavan = %q, %v", s.Code, err)
		}
		s, err = svc.DefaultStation(ctx, 167)
		if err != nil || s.Code != "MTR-KOT" {
			t.Errorf("default station = %q, %v", s.Code, err)
		}
	})
	t.Run("ReimportUnchanged", func(t *testing.T) {
		rep, err := importText(ctx, db, stationFixture, false, jurisdiction.ImportStations)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, "re-import", rep.Counts, jurisdiction.Counts{Unchanged: 3})
	})
	t.Run("DefaultMoves", func(t *testing.T) {
		moved := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"MTR-VRN","name":"Vrindavan","lgd_code":167,"is_default":true},
 "geometry":{"type":"Point","coordinates":[77.700,27.580]}}]}`
		rep, err := importText(ctx, db, moved, false, jurisdiction.ImportStations)
		if err != nil {
			t.Fatal(err)
		}
		// MTR-VRN gains the flag and MTR-KOT loses it.
		wantCounts(t, "default moved", rep.Counts, jurisdiction.Counts{Updated: 2})
		s, err := svc.DefaultStation(ctx, 167)
		if err != nil || s.Code != "MTR-VRN" {
			t.Errorf("default station = %q, %v", s.Code, err)
		}
	})
}

func TestImportStationsStrict(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	approximateDistricts(ctx, t, db)
	// Feature 3's unknown district is only found inside the transaction:
	// strict mode must still roll back the valid stations.
	_, err := importText(ctx, db, stationFixture, true, jurisdiction.ImportStations)
	if !errors.Is(err, vikalp.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	assertRowCount(ctx, t, db, "police_stations", 0)
}

func TestImportPCRUnits(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	approximateDistricts(ctx, t, db)
	const fixture = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"AGR-112-1","name_en":"PRV Agra 1","lgd_code":118},
 "geometry":{"type":"Point","coordinates":[78.01,27.17]}},
{"type":"Feature","properties":{"code":"AGR-112-2","name_en":"PRV Agra 2"},
 "geometry":{"type":"Point","coordinates":[78.05,27.20]}},
{"type":"Feature","properties":{"code":"BAD","name_en":"No geometry"},"geometry":null},
{"type":"Feature","properties":{"code":"BAD2","name_en":"Bad code","lgd_code":-4},
 "geometry":{"type":"Point","coordinates":[78.05,27.20]}}
]}`
	rep, err := importText(ctx, db, fixture, false, jurisdiction.ImportPCRUnits)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "pcr units", rep.Counts, jurisdiction.Counts{Inserted: 2})
	wantRejected(t, rep, map[int]string{2: "missing geometry", 3: "lgd_code must be a positive integer"})

	u, err := jurisdiction.NewPCRStore(db).PCRUnitFor(ctx, 27.199, 78.049)
	if err != nil || u.Code != "AGR-112-2" || u.DistrictID != 118 || u.HasZone {
		t.Errorf("nearest PCR unit = %+v, %v", u, err)
	}
	rep, err = importText(ctx, db, fixture, false, jurisdiction.ImportPCRUnits)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "re-import", rep.Counts, jurisdiction.Counts{Unchanged: 2})
}

func TestImportAHTUs(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	approximateDistricts(ctx, t, db)
	const fixture = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":1,"code":"AHTU-LKO","name_en":"AHTU Lucknow","districts":[162,175]},
 "geometry":{"type":"Point","coordinates":[80.915,26.855]}},
{"type":"Feature","properties":{"id":2,"code":"AHTU-PBT","name_en":"AHTU Pilibhit","name_hi":"एएचटीयू पीलीभीत","districts":["173"]},
 "geometry":{"type":"Point","coordinates":[79.81,28.64]}},
{"type":"Feature","properties":{"id":36,"code":"AHTU-X","name_en":"Too many","districts":[]},
 "geometry":{"type":"Point","coordinates":[79.81,28.64]}},
{"type":"Feature","properties":{"id":3,"code":"AHTU-Y","name_en":"No list"},
 "geometry":{"type":"Point","coordinates":[79.81,28.64]}},
{"type":"Feature","properties":{"id":4,"code":"AHTU-Z","name_en":"Unknown","districts":[9999]},
 "geometry":{"type":"Point","coordinates":[79.81,28.64]}},
{"type":"Feature","properties":{"id":5,"code":"AHTU-W","name_en":"Claims Lucknow","districts":[162]},
 "geometry":{"type":"Point","coordinates":[79.81,28.64]}},
{"type":"Feature","properties":{"id":2,"code":"AHTU-V","name_en":"Same id","districts":[118]},
 "geometry":{"type":"Point","coordinates":[79.81,28.64]}}
]}`
	rep, err := importText(ctx, db, fixture, false, jurisdiction.ImportAHTUs)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "units", rep.Counts, jurisdiction.Counts{Inserted: 2})
	wantCounts(t, "assignments", rep.Assigned, jurisdiction.Counts{Inserted: 3})
	wantRejected(t, rep, map[int]string{
		2: "id must be an integer from 1 to 35",
		3: "districts must be an array",
		4: "unknown district lgd_code 9999",
		5: "district 162 is already covered by feature 0",
		6: "duplicate id 2 (also feature 1)",
	})
	if len(rep.Uncovered) != 72 || slices.Contains(rep.Uncovered, 162) {
		t.Errorf("uncovered = %d districts, want the 72 not listed", len(rep.Uncovered))
	}

	store := jurisdiction.NewAHTUStore(db)
	a, err := store.AHTUAt(ctx, 26.23, 81.24) // Rae Bareli HQ
	if err != nil || a.Code != "AHTU-LKO" {
		t.Errorf("AHTU at Rae Bareli = %+v, %v", a, err)
	}
	rep, err = importText(ctx, db, fixture, false, jurisdiction.ImportAHTUs)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "units again", rep.Counts, jurisdiction.Counts{Unchanged: 2})
	wantCounts(t, "assignments again", rep.Assigned, jurisdiction.Counts{Unchanged: 3})

	moved := strings.Replace(fixture, `"districts":["173"]`, `"districts":["173",175]`, 1)
	moved = strings.Replace(moved, `"districts":[162,175]`, `"districts":[162]`, 1)
	rep, err = importText(ctx, db, moved, false, jurisdiction.ImportAHTUs)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "Rae Bareli moved", rep.Assigned, jurisdiction.Counts{Updated: 1, Unchanged: 2})
	if a, err := store.AHTUForDistrict(ctx, 175); err != nil || a.Code != "AHTU-PBT" {
		t.Errorf("AHTU of Rae Bareli after move = %+v, %v", a, err)
	}
}

// wantRejected checks the rejected features by index and reason prefix.
func wantRejected(t *testing.T, rep jurisdiction.ImportReport, want map[int]string) {
	t.Helper()
	if len(rep.Rejected) != len(want) {
		t.Errorf("rejected %v, want %d", rep.Rejected, len(want))
	}
	for _, r := range rep.Rejected {
		if reason, ok := want[r.Index]; !ok || !strings.HasPrefix(r.Reason, reason) {
			t.Errorf("%s; want %q", r, reason)
		}
	}
}
