package api_test

import (
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestMetricsIsNotPublic is the regression test of the "/metrics is
// public" finding (hardening round 2): the per-route counters show when
// complaints are filed, so the public router no longer serves them; they
// are on MetricsHandler, which cmd/vikalp serves on VIKALP_METRICS_ADDR.
func TestMetricsIsNotPublic(t *testing.T) {
	t.Parallel()
	reg := api.NewRegistry()
	deps := apitest.Deps(t, pgtest.New(t), apitest.Options{})
	deps.Registry = reg
	router := apitest.Router(t, deps)
	if rec := serve(router, http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz: %d", rec.Code)
	}
	for _, path := range []string{"/metrics", "/metrics/", "/api/v1/metrics"} {
		// The web app answers unknown paths outside /api/ with its page.
		rec := serve(router, http.MethodGet, path, nil)
		if body := rec.Body.String(); contains(body, "vikalp_http_requests_total") || contains(body, "go_goroutines") {
			t.Errorf("GET %s on the public router serves metrics: %d %.200s", path, rec.Code, body)
		}
	}
	rec := serve(api.MetricsHandler(reg), http.MethodGet, "/metrics", nil)
	if rec.Code != http.StatusOK || !contains(rec.Body.String(), `vikalp_http_requests_total{method="GET",route="/healthz",status="200"} 1`) {
		t.Fatalf("metrics handler: %d, body lacks the healthz counter:\n%.2000s", rec.Code, rec.Body)
	}
}
