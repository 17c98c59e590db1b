package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/auth"
)

// wantPrivate fails unless h keeps an answer out of every cache and apart
// per caller.
func wantPrivate(t *testing.T, what string, h http.Header) {
	t.Helper()
	vary := strings.Join(h.Values("Vary"), ", ")
	if !strings.Contains(h.Get("Cache-Control"), "no-store") || !strings.Contains(vary, "Cookie") ||
		!strings.Contains(vary, "Authorization") {
		t.Errorf("%s: Cache-Control %q, Vary %q; want no-store and Vary: Cookie, Authorization",
			what, h.Get("Cache-Control"), vary)
	}
}

// TestCachingOfPersonalData is the regression test of the "caching of
// personal data" finding (hardening round 2): complaint detail (with her
// decrypted contact), queues and the staff hotspot view had neither
// Cache-Control: no-store nor Vary: Cookie, Authorization.
func TestCachingOfPersonalData(t *testing.T) {
	t.Parallel()

	t.Run("ComplainantAndStaff", func(t *testing.T) {
		t.Parallel()
		b := setupComplaints(t)
		her := b.anonymous()
		call := func(c *client, method, path string, body any) (*http.Response, []byte) {
			t.Helper()
			raw, _ := json.Marshal(body)
			req, _ := http.NewRequest(method, b.server.URL+path, bytes.NewReader(raw))
			if body == nil {
				req, _ = http.NewRequest(method, b.server.URL+path, nil)
			} else {
				req.Header.Set("Content-Type", "application/json")
			}
			return c.send(req)
		}
		resp, raw := call(her, http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking",
			"description": "he follows me", "language": "en", "lat": 26.8505, "lon": 80.9466,
			"contact": map[string]string{"name": "Sunita Devi", "phone": "9876543210"}})
		var filed struct{ Code, Secret string }
		if resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &filed) != nil {
			t.Fatalf("file: %d %s", resp.StatusCode, raw)
		}
		wantPrivate(t, "filing (her code and secret)", resp.Header)
		ck := map[string]string{"code": filed.Code, "secret": filed.Secret}
		for _, path := range []string{"/api/v1/complaints/track", "/api/v1/complaints/track/photos",
			"/api/v1/complaints/rate", "/api/v1/complaints/withdraw"} {
			resp, raw := call(her, http.MethodPost, path, ck)
			if resp.StatusCode >= 500 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
			}
			wantPrivate(t, path, resp.Header)
		}

		nodal := b.login("nodal.lko")
		id := b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code)
		for _, path := range []string{"/api/v1/complaints/" + strconv.Itoa(id), "/api/v1/complaints",
			"/api/v1/dashboard/complaints", "/api/v1/me", "/api/v1/districts", "/api/v1/complaints/999999"} {
			resp, raw := call(nodal, http.MethodGet, path, nil)
			if resp.StatusCode >= 500 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
			}
			wantPrivate(t, "staff GET "+path, resp.Header)
		}
		// Public answers to anonymous callers stay cacheable.
		resp, _ = call(b.anonymous(), http.MethodGet, "/api/v1/districts", nil)
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=3600" {
			t.Errorf("anonymous districts: Cache-Control %q, want public", cc)
		}
	})

	t.Run("StaffHotspotView", func(t *testing.T) {
		t.Parallel()
		b, _ := setupHotspots(t)
		sp := b.token(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
		rec := b.do(http.MethodGet, "/api/v1/hotspots?window=30d&resolution=8", "", sp)
		if rec.Code != http.StatusOK {
			t.Fatalf("staff hotspots: %d %s", rec.Code, rec.Body)
		}
		wantPrivate(t, "staff hotspots", rec.Header())
		rec = b.do(http.MethodGet, "/api/v1/hotspots/export.csv?window=30d&resolution=8", "", sp)
		wantPrivate(t, "staff hotspot export", rec.Header())
		if rec := b.do(http.MethodGet, "/api/v1/hotspots?window=30d&resolution=8", "", ""); strings.Contains(rec.Header().Get("Cache-Control"), "no-store") {
			t.Errorf("public hotspots are no-store: %q", rec.Header().Get("Cache-Control"))
		}
	})
}
