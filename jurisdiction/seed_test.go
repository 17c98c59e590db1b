package jurisdiction_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/jurisdiction"
)

// seedCounts is what a first SeedDemo on an empty database writes: 75
// default stations plus 24 city thanas, 35 AHTUs over 75 districts, 75 PCR
// units plus 4 in Lucknow.
var seedCounts = struct{ stations, ahtus, assignments, pcr int }{99, 35, 75, 79}

// seedReal seeds db from the real boundary file and checks the counts.
func seedReal(ctx context.Context, t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	res, err := jurisdiction.SeedDemo(ctx, db, districtsFile(t), nil)
	if err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	if res.ApproximateDistricts {
		t.Error("seed with the real file generated approximate districts")
	}
	wantCounts(t, "districts", res.Districts.Counts, jurisdiction.Counts{Inserted: 75})
	wantCounts(t, "stations", res.Stations, jurisdiction.Counts{Inserted: seedCounts.stations})
	wantCounts(t, "ahtus", res.AHTUs, jurisdiction.Counts{Inserted: seedCounts.ahtus})
	wantCounts(t, "ahtu districts", res.AHTUDistricts, jurisdiction.Counts{Inserted: seedCounts.assignments})
	wantCounts(t, "pcr units", res.PCRUnits, jurisdiction.Counts{Inserted: seedCounts.pcr})
	if res.StationAreas != 24 || res.PCRZones != 5 {
		t.Errorf("station areas %d, pcr zones %d; want 24, 5", res.StationAreas, res.PCRZones)
	}
}

// wantSeedUnchanged checks a repeated seed wrote nothing.
func wantSeedUnchanged(t *testing.T, res jurisdiction.SeedResult) {
	t.Helper()
	wantCounts(t, "districts again", res.Districts.Counts, jurisdiction.Counts{Unchanged: 75})
	wantCounts(t, "stations again", res.Stations, jurisdiction.Counts{Unchanged: seedCounts.stations})
	wantCounts(t, "ahtus again", res.AHTUs, jurisdiction.Counts{Unchanged: seedCounts.ahtus})
	wantCounts(t, "ahtu districts again", res.AHTUDistricts, jurisdiction.Counts{Unchanged: seedCounts.assignments})
	wantCounts(t, "pcr units again", res.PCRUnits, jurisdiction.Counts{Unchanged: seedCounts.pcr})
	if res.StationAreas != 0 || res.PCRZones != 0 {
		t.Errorf("areas %d, zones %d changed on a repeated seed", res.StationAreas, res.PCRZones)
	}
}

func TestSeedDemoRealFile(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	seedReal(ctx, t, db)

	res, err := jurisdiction.SeedDemo(ctx, db, districtsFile(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantSeedUnchanged(t, res)

	t.Run("StationsInsideTheirDistricts", func(t *testing.T) {
		var outside []string
		rows, err := db.Query(ctx, `SELECT s.code FROM police_stations s JOIN districts d ON d.id = s.district_id
			WHERE NOT ST_Intersects(d.geom, s.geom)
			UNION ALL
			SELECT u.code FROM pcr_units u JOIN districts d ON d.id = u.district_id
			WHERE NOT ST_Intersects(d.geom, u.geom)`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var code string
			if err := rows.Scan(&code); err != nil {
				t.Fatal(err)
			}
			outside = append(outside, code)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(outside) > 0 {
			t.Errorf("units outside their district: %v", outside)
		}
	})
	t.Run("OneDefaultStationPerDistrict", func(t *testing.T) {
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM districts d
			WHERE (SELECT count(*) FROM police_stations s WHERE s.district_id = d.id AND s.is_default) = 1`).
			Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 75 {
			t.Errorf("%d districts with exactly one default station, want 75", n)
		}
	})
	t.Run("AHTUCoverage", func(t *testing.T) {
		assertAHTUCoverage(ctx, t, db)
	})
}

// assertAHTUCoverage checks 35 units cover all 75 districts exactly once.
func assertAHTUCoverage(ctx context.Context, t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	store := jurisdiction.NewAHTUStore(db)
	units, err := store.AHTUs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := store.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	used := map[int]bool{}
	for _, u := range cov {
		used[u] = true
	}
	if len(units) != 35 || len(cov) != 75 || len(used) != 35 {
		t.Errorf("%d units, %d districts covered, %d units in use; want 35, 75, 35", len(units), len(cov), len(used))
	}
}

func TestSeedDemoApproximate(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	missing := filepath.Join(t.TempDir(), "no-such-districts.geojson")

	res, err := jurisdiction.SeedDemo(ctx, db, missing, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.ApproximateDistricts {
		t.Fatal("districts not flagged approximate")
	}
	wantCounts(t, "approximate districts", res.Districts.Counts, jurisdiction.Counts{Inserted: 75})
	wantCounts(t, "stations", res.Stations, jurisdiction.Counts{Inserted: seedCounts.stations})
	assertAHTUCoverage(ctx, t, db)

	var approx, valid, hqInside int
	var overlapKm2 float64
	if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE approximate), count(*) FILTER (WHERE ST_IsValid(geom)),
		count(*) FILTER (WHERE ST_Intersects(geom, hq)),
		(SELECT COALESCE(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) / 1e6
		   FROM districts a JOIN districts b ON a.id < b.id AND ST_Intersects(a.geom, b.geom))
		FROM districts`).Scan(&approx, &valid, &hqInside, &overlapKm2); err != nil {
		t.Fatal(err)
	}
	if approx != 75 || valid != 75 || hqInside != 75 || overlapKm2 > 1 {
		t.Errorf("approximate %d, valid %d, hq inside %d, overlap %.1f km²; want 75, 75, 75, 0",
			approx, valid, hqInside, overlapKm2)
	}

	t.Run("KnownPointsRoute", func(t *testing.T) {
		assertKnownDistricts(ctx, t, jurisdiction.New(db))
	})
	t.Run("ReseedUnchanged", func(t *testing.T) {
		if _, rebuilt, err := jurisdiction.EnsureRouteCells(ctx, db); err != nil || !rebuilt {
			t.Fatalf("route cells after the first seed: rebuilt %v (%v), want a rebuild", rebuilt, err)
		}
		res, err := jurisdiction.SeedDemo(ctx, db, missing, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantSeedUnchanged(t, res)
		// The repeated seed's statements write no row, so the route cells
		// survive it (migration 00046) and nothing needs rebuilding.
		ok, err := jurisdiction.NewRouteCellStore(db).Valid(ctx)
		if n := cellCount(ctx, t, db); n == 0 || !ok || err != nil {
			t.Fatalf("after a repeated seed: %d route cells, valid %v (%v); want the cells kept", n, ok, err)
		}
		if _, rebuilt, err := jurisdiction.EnsureRouteCells(ctx, db); err != nil || rebuilt {
			t.Fatalf("route cells after a repeated seed: rebuilt %v (%v), want none", rebuilt, err)
		}
	})
	t.Run("RealFileReplacesApproximate", func(t *testing.T) {
		rep := importRealDistricts(ctx, t, db)
		wantCounts(t, "real over approximate", rep.Counts, jurisdiction.Counts{Updated: 75})
		assertRowCount(ctx, t, db, "districts WHERE approximate", 0)
	})
}

// assertKnownDistricts checks the known points.
func assertKnownDistricts(ctx context.Context, t *testing.T, svc *jurisdiction.Service) {
	t.Helper()
	for _, tt := range []struct {
		name string
		at   latLon
		want int
	}{
		{"Lucknow", lucknow, 162},
		{"Varanasi", varanasi, 187},
		{"Agra", agra, 118},
		{"Gorakhpur", gorakhpur, 148},
	} {
		d, err := svc.DistrictAt(ctx, tt.at.lat, tt.at.lon)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d.ID != tt.want || d.NameEN != tt.name {
			t.Errorf("%s point is in %d %s, want %d", tt.name, d.ID, d.NameEN, tt.want)
		}
	}
	_, err := svc.DistrictAt(ctx, mumbai.lat, mumbai.lon)
	wantUserError(t, err, "outside_up")
}
