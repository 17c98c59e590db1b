package api_test

import (
	"net/http"
	"testing"
)

// TestOutreachOverHTTP: anyone may list a district's police stations (for
// posters); a filing that came by a poster's link is counted as a poster
// filing of its district, which the district's nodal officer and the MSP
// read as numbers; a station and an anonymous caller cannot.
func TestOutreachOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	anon := b.anonymous()

	var st struct {
		Stations []struct {
			ID         int64  `json:"id"`
			Code       string `json:"code"`
			DistrictID int    `json:"district_id"`
			Name       struct{ EN, HI string }
		} `json:"stations"`
	}
	anon.do(http.MethodGet, "/api/v1/stations?district_id=162", nil, http.StatusOK, &st)
	codes := map[string]bool{}
	for _, s := range st.Stations {
		codes[s.Code] = s.DistrictID == 162 && s.Name.EN != ""
	}
	if !codes["LKO-HAZ"] || !codes["LKO-GOM"] {
		t.Errorf("Lucknow stations %+v lack Hazratganj or Gomti Nagar", st.Stations)
	}
	var bad struct{ Field string }
	anon.do(http.MethodGet, "/api/v1/stations?district_id=lucknow", nil, http.StatusUnprocessableEntity, &bad)
	if bad.Field != "district_id" {
		t.Errorf("bad district_id: %+v", bad)
	}

	for i, ch := range []string{"poster", "poster", "saathi", "not-a-channel"} {
		anon.do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking",
			"description": "He waits outside the coaching centre.", "language": "en", "district_id": 162, "channel": ch},
			http.StatusCreated, nil, "Idempotency-Key", "outreach-filing-000"+string(rune('a'+i)))
	}
	var stats struct {
		Days     int `json:"days"`
		Total    int `json:"total"`
		Channels []struct {
			Channel string `json:"channel"`
			Filings int    `json:"filings"`
		} `json:"channels"`
	}
	b.login("nodal.lko").do(http.MethodGet, "/api/v1/dashboard/channels?days=30", nil, http.StatusOK, &stats)
	got := map[string]int{}
	for _, c := range stats.Channels {
		got[c.Channel] = c.Filings
	}
	if stats.Days != 30 || stats.Total != 3 || got["poster"] != 2 || got["saathi"] != 1 || len(stats.Channels) != 7 {
		t.Errorf("Lucknow channels %+v", stats)
	}
	b.login("nodal.agra").do(http.MethodGet, "/api/v1/dashboard/channels", nil, http.StatusOK, &stats)
	if stats.Total != 0 {
		t.Errorf("Agra sees %d filings of Lucknow", stats.Total)
	}
	b.login("nodal.lko").do(http.MethodGet, "/api/v1/dashboard/channels?days=0", nil, http.StatusUnprocessableEntity, nil)
	b.login("station.hzg").do(http.MethodGet, "/api/v1/dashboard/channels", nil, http.StatusForbidden, nil)
	anon.do(http.MethodGet, "/api/v1/dashboard/channels", nil, http.StatusUnauthorized, nil)
}
