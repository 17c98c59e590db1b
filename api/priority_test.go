package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/testkit"
)

// TestPriorityPlacesOverHTTP: staff get the forecast's model, its backtest
// score and the best cells of their scope; anonymous callers get 401.
func TestPriorityPlacesOverHTTP(t *testing.T) {
	srv := apitest.StartWith(t, "priority-1", matrixUsers, apitest.Options{Workers: true})
	callers := map[string]caller{}
	for _, c := range matrixCallers(t, srv) {
		callers[c.name] = c
	}
	asOf := time.Now().Truncate(time.Minute)
	for d := range 120 { // a bad corner in Lucknow, reported every few days
		if d%3 == 0 {
			niReport(t, srv, testkit.Lucknow, "groping", asOf.Add(-time.Duration(d*24+2)*time.Hour), "approved")
		}
	}
	p := analytics.NewPipeline(srv.Pool, analytics.Deps{Jobs: testkit.Jobs(t, srv.Pool)})
	if _, err := p.Forecast(context.Background(), asOf); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Forecast *struct {
			Model      string `json:"model"`
			Reason     string `json:"reason"`
			Candidates []any  `json:"candidates"`
		} `json:"forecast"`
		Places []struct {
			Cell       string `json:"cell"`
			Rank       int    `json:"rank"`
			DistrictID int    `json:"district_id"`
		} `json:"places"`
	}
	status, data := call(t, srv, http.MethodGet, "/api/v1/priority-places", callers["msp_analyst"].token, nil)
	if status != http.StatusOK {
		t.Fatalf("msp: %d %s", status, data)
	}
	must(t, json.Unmarshal(data, &body))
	if body.Forecast == nil || body.Forecast.Model == "" || body.Forecast.Reason == "" ||
		len(body.Forecast.Candidates) == 0 || len(body.Places) == 0 || body.Places[0].Rank != 1 ||
		body.Places[0].DistrictID != 162 {
		t.Fatalf("msp: %s", data)
	}
	for name, want := range map[string]int{"sp": 1, "pcr": 1, "station": 1, "sp@agra": 0, "pcr@agra": 0} {
		status, data := call(t, srv, http.MethodGet, "/api/v1/priority-places", callers[name].token, nil)
		must(t, json.Unmarshal(data, &body))
		if status != http.StatusOK || (len(body.Places) > 0) != (want > 0) {
			t.Errorf("%s: %d, %d places: %s", name, status, len(body.Places), data)
		}
	}
	for path, want := range map[string]int{"/api/v1/priority-places?limit=501": 422,
		"/api/v1/priority-places?district=x": 422, "/api/v1/priority-places?limit=1": 200} {
		if status, data := call(t, srv, http.MethodGet, path, callers["msp_analyst"].token, nil); status != want {
			t.Errorf("%s: %d %s, want %d", path, status, data, want)
		}
	}
	if status, _ := call(t, srv, http.MethodGet, "/api/v1/priority-places", "", nil); status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", status)
	}
}
