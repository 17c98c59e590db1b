package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/geo"
)

// TestDistrictList checks the public district list behind the complaint
// form's picker: all 75 districts of UP, with Hindi names, no login needed.
func TestDistrictList(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	var out struct {
		Districts []struct {
			ID   int `json:"id"`
			Name struct {
				EN string `json:"en"`
				HI string `json:"hi"`
			} `json:"name"`
			Slug string `json:"slug"`
			HQ   struct {
				Lat float64 `json:"lat"`
				Lon float64 `json:"lon"`
			} `json:"hq"`
		} `json:"districts"`
	}
	b.anonymous().do(http.MethodGet, "/api/v1/districts", nil, http.StatusOK, &out)
	if len(out.Districts) != 75 {
		t.Fatalf("%d districts, want 75", len(out.Districts))
	}
	var lucknow bool
	for _, d := range out.Districts {
		if d.ID == 162 {
			lucknow = d.Name.EN == "Lucknow" && d.Name.HI != "" && d.Slug != ""
		}
		if !geo.InUP(d.HQ.Lat, d.HQ.Lon) {
			t.Errorf("district %d: headquarters %v outside Uttar Pradesh", d.ID, d.HQ)
		}
	}
	if !lucknow {
		raw, _ := json.Marshal(out.Districts[:3])
		t.Fatalf("Lucknow (162) missing or without a Hindi name; first rows %s", raw)
	}
}

// TestStationListGivesPlaces: a district's police stations come with their
// buildings' points, which the report and tip forms offer as places to put
// a pin without the map (issue #17).
func TestStationListGivesPlaces(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	var out struct {
		Stations []struct {
			DistrictID int `json:"district_id"`
			Location   struct {
				Lat float64 `json:"lat"`
				Lon float64 `json:"lon"`
			} `json:"location"`
		} `json:"stations"`
	}
	b.anonymous().do(http.MethodGet, "/api/v1/stations?district_id=162", nil, http.StatusOK, &out)
	if len(out.Stations) == 0 {
		t.Fatal("no stations in Lucknow")
	}
	for _, s := range out.Stations {
		if s.DistrictID != 162 || !geo.InUP(s.Location.Lat, s.Location.Lon) {
			t.Errorf("station %+v: want district 162 and a point in Uttar Pradesh", s)
		}
	}
}
