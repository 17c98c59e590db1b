package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/web"
)

// TestWebAppMount checks the split between the browser app and the API: a
// client-side path gets the app's HTML, with the strict security headers;
// anything under /api/, and any unmatched non-GET request, stays a JSON 404.
func TestWebAppMount(t *testing.T) {
	t.Parallel()
	router := api.New(api.Deps{Pool: pgtest.New(t)})
	wantStatus := http.StatusOK
	if !web.Built() {
		wantStatus = http.StatusServiceUnavailable // the "not built" page
	}
	for _, p := range []string{"/", "/track", "/staff/complaints/42"} {
		rec := serve(router, http.MethodGet, p, nil)
		if rec.Code != wantStatus || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: status %d, Content-Type %q", p, rec.Code, rec.Header().Get("Content-Type"))
		}
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Fatalf("GET %s: no CSP on the app", p)
		}
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/nope"},
		{http.MethodGet, "/api"},
		{http.MethodPost, "/track"},
		{http.MethodDelete, "/anything"},
	} {
		rec := serve(router, tc.method, tc.path, nil)
		if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s %s: status %d, Content-Type %q, want a JSON 404", tc.method, tc.path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}
