package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
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
	}
	if !lucknow {
		raw, _ := json.Marshal(out.Districts[:3])
		t.Fatalf("Lucknow (162) missing or without a Hindi name; first rows %s", raw)
	}
}
