package jurisdiction_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb/planar"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/jurisdiction"
)

func TestImportDistrictsRealFile(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)

	rep := importRealDistricts(ctx, t, db)
	wantCounts(t, "first import", rep.Counts, jurisdiction.Counts{Inserted: 75})
	if rep.Features != 75 || len(rep.Rejected) != 0 {
		t.Fatalf("features %d, rejected %v; want 75, none", rep.Features, rep.Rejected)
	}

	rep = importRealDistricts(ctx, t, db)
	wantCounts(t, "re-import", rep.Counts, jurisdiction.Counts{Unchanged: 75})

	var valid, multi, hindi, hqInside, approximate int
	var areaKm2 float64
	err := db.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE ST_IsValid(geom)),
		count(*) FILTER (WHERE GeometryType(geom) = 'MULTIPOLYGON'),
		count(*) FILTER (WHERE name_hi <> ''),
		count(*) FILTER (WHERE ST_Intersects(geom, hq)),
		count(*) FILTER (WHERE approximate),
		sum(ST_Area(geom::geography)) / 1e6
		FROM districts`).Scan(&valid, &multi, &hindi, &hqInside, &approximate, &areaKm2)
	if err != nil {
		t.Fatal(err)
	}
	if valid != 75 || multi != 75 || hindi != 75 || hqInside != 75 || approximate != 0 {
		t.Errorf("valid %d, multipolygon %d, hindi %d, hq inside %d, approximate %d; want 75×4 and 0",
			valid, multi, hindi, hqInside, approximate)
	}
	// SOURCES.md: the union of the districts is 240,662 km² (geodesic).
	if math.Abs(areaKm2-240662) > 2400 {
		t.Errorf("total area %.0f km², want about 240,662", areaKm2)
	}
}

// districtFixture has one valid Polygon (0), one self-intersecting Polygon
// that must be repaired (8), one MultiPolygon (9) and eight bad features.
const districtFixture = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"lgd_code":162,"district":"Lucknow"},
 "geometry":{"type":"Polygon","coordinates":[[[80.9,26.8],[81.0,26.8],[81.0,26.9],[80.9,26.9],[80.9,26.8]]]}},
{"type":"Feature","properties":{"district":"Nowhere"},
 "geometry":{"type":"Polygon","coordinates":[[[80.0,26.0],[80.1,26.0],[80.1,26.1],[80.0,26.0]]]}},
{"type":"Feature","properties":{"lgd_code":"abc","district":"Bad Code"},
 "geometry":{"type":"Polygon","coordinates":[[[80.0,26.0],[80.1,26.0],[80.1,26.1],[80.0,26.0]]]}},
{"type":"Feature","properties":{"lgd_code":118,"district":"Agra"},
 "geometry":{"type":"Point","coordinates":[78.0,27.17]}},
{"type":"Feature","properties":{"lgd_code":119,"district":"Aligarh"},
 "geometry":{"type":"Polygon","coordinates":[[[72.8,19.0],[72.9,19.0],[72.9,19.1],[72.8,19.0]]]}},
{"type":"Feature","properties":{"lgd_code":121},
 "geometry":{"type":"Polygon","coordinates":[[[82.5,26.4],[82.6,26.4],[82.6,26.5],[82.5,26.4]]]}},
{"type":"Feature","properties":{"lgd_code":162,"district":"Lucknow again"},
 "geometry":{"type":"Polygon","coordinates":[[[80.9,26.8],[81.0,26.8],[81.0,26.9],[80.9,26.8]]]}},
{"type":"Feature","properties":{"lgd_code":122,"district":"Auraiya"},
 "geometry":{"type":"Circle","coordinates":[79.5,26.6]}},
{"type":"Feature","properties":{"lgd_code":150,"district":"Hardoi"},
 "geometry":{"type":"Polygon","coordinates":[[[80.0,27.0],[80.1,27.1],[80.1,27.0],[80.0,27.1],[80.0,27.0]]]}},
{"type":"Feature","properties":{"lgd_code":640,"district":"Amethi","slug":"amethi"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[81.6,26.2],[81.7,26.2],[81.7,26.3],[81.6,26.2]]],
  [[[81.8,26.2],[81.9,26.2],[81.9,26.3],[81.8,26.2]]]]}},
{"type":"Feature","properties":{"lgd_code":12.5,"district":"Fraction"},
 "geometry":{"type":"Polygon","coordinates":[[[80.0,26.0],[80.1,26.0],[80.1,26.1],[80.0,26.0]]]}}
]}`

func TestImportDistrictsRejects(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)

	rep, err := importText(ctx, db, districtFixture, false, jurisdiction.ImportDistricts)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "fixture", rep.Counts, jurisdiction.Counts{Inserted: 3})
	want := map[int]string{
		1:  "missing lgd_code",
		2:  "lgd_code must be a positive integer",
		3:  "geometry is a Point, want Polygon or MultiPolygon",
		4:  "coordinates outside Uttar Pradesh",
		5:  "missing district name",
		6:  "duplicate lgd_code 162 (also feature 0)",
		7:  "not a valid GeoJSON feature",
		10: "lgd_code must be a positive integer",
	}
	if len(rep.Rejected) != len(want) {
		t.Fatalf("rejected %v, want %d", rep.Rejected, len(want))
	}
	for i, r := range rep.Rejected {
		if i > 0 && r.Index < rep.Rejected[i-1].Index {
			t.Errorf("rejections not in file order: %v", rep.Rejected)
		}
		if reason, ok := want[r.Index]; !ok || !strings.HasPrefix(r.Reason, reason) {
			t.Errorf("feature %d rejected with %q, want %q", r.Index, r.Reason, reason)
		}
	}

	store := jurisdiction.NewDistrictStore(db)
	t.Run("FactsJoinedByLGDCode", func(t *testing.T) {
		d, err := store.District(ctx, 162)
		if err != nil {
			t.Fatal(err)
		}
		if d.NameHI != "लखनऊ" || d.Slug != "lucknow" || d.PoliceRange != "Lucknow" ||
			d.Commissionerate != "Lucknow" || d.Approximate {
			t.Errorf("district 162 = %+v", d)
		}
		if math.Abs(d.HQ.Lat()-26.85504) > 1e-9 || math.Abs(d.HQ.Lon()-80.915) > 1e-9 {
			t.Errorf("HQ %v, want the known HQ 80.915,26.85504", d.HQ)
		}
	})
	t.Run("InvalidPolygonRepaired", func(t *testing.T) {
		var valid bool
		var kind string
		if err := db.QueryRow(ctx, `SELECT ST_IsValid(geom), GeometryType(geom) FROM districts WHERE id = 150`).
			Scan(&valid, &kind); err != nil {
			t.Fatal(err)
		}
		if !valid || kind != "MULTIPOLYGON" {
			t.Errorf("repaired bow tie: valid %v, type %s", valid, kind)
		}
		// The known HQ lies outside the bow tie, so an interior point replaces it.
		d, err := store.District(ctx, 150)
		if err != nil {
			t.Fatal(err)
		}
		mp, err := store.DistrictGeometry(ctx, 150)
		if err != nil {
			t.Fatal(err)
		}
		if !planar.MultiPolygonContains(mp, d.HQ) {
			t.Errorf("HQ %v not inside the repaired district", d.HQ)
		}
	})
	t.Run("UpdatedThenUnchanged", func(t *testing.T) {
		renamed := strings.Replace(districtFixture, `"district":"Lucknow"}`, `"district":"Lucknow City"}`, 1)
		rep, err := importText(ctx, db, renamed, false, jurisdiction.ImportDistricts)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, "renamed", rep.Counts, jurisdiction.Counts{Updated: 1, Unchanged: 2})
		rep, err = importText(ctx, db, renamed, false, jurisdiction.ImportDistricts)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, "renamed again", rep.Counts, jurisdiction.Counts{Unchanged: 3})
	})
}

func TestImportDistrictsStrict(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	rep, err := importText(ctx, db, districtFixture, true, jurisdiction.ImportDistricts)
	if !errors.Is(err, vikalp.ErrInvalid) {
		t.Fatalf("strict import err = %v, want ErrInvalid", err)
	}
	if len(rep.Rejected) != 8 || rep.Counts.Changed() {
		t.Errorf("strict report = %+v, want 8 rejected and nothing written", rep)
	}
	assertRowCount(ctx, t, db, "districts", 0)
}

func TestImportDistrictsNotGeoJSON(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, text := range map[string]string{
		"NotJSON":        "lgd_code,district\n162,Lucknow\n",
		"NotACollection": `{"type":"Feature","properties":{},"geometry":null}`,
		"NoValidFeature": `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Validation fails before any query: no database needed.
			_, err := jurisdiction.ImportDistricts(ctx, nil, strings.NewReader(text), jurisdiction.ImportOptions{})
			if !errors.Is(err, vikalp.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
