package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/web"
)

// TestWebAppMount checks the split between the browser app and the API: a
// client-side path gets the app's HTML, with the strict security headers;
// anything under /api/, and any unmatched non-GET request, stays a JSON 404.
func TestWebAppMount(t *testing.T) {
	t.Parallel()
	router := apitest.Router(t, apitest.Deps(t, pgtest.New(t), apitest.Options{}))
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

// TestWebAppPWAFiles: the built app's service worker and manifest come at
// their stable URLs with their types, revalidated on every load, under a
// CSP that lets a same-origin worker and manifest load.
func TestWebAppPWAFiles(t *testing.T) {
	t.Parallel()
	router := apitest.Router(t, apitest.Deps(t, pgtest.New(t), apitest.Options{}))
	csp := serve(router, http.MethodGet, "/", nil).Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "worker-src 'self'") {
		t.Fatalf("CSP %q does not allow a same-origin service worker and manifest", csp)
	}
	if !web.Built() {
		return // the "not built" page has neither; the browser tests require the build
	}
	for _, tc := range []struct{ path, ctype string }{
		{"/sw.js", "text/javascript"},
		{"/manifest.webmanifest", "application/manifest+json"},
		{"/icons/icon-192.png", "image/png"},
		{"/icons/icon-512.png", "image/png"},
	} {
		rec := serve(router, http.MethodGet, tc.path, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.ctype) ||
			rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: status %d, Content-Type %q, Cache-Control %q", tc.path, rec.Code,
				rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
		}
	}
}
