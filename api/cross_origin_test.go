package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/auth"
)

// TestLoginCSRFAndContentTypes is the regression test of the "login CSRF
// and content types" finding (hardening round 2): a cross-origin text/plain
// POST to /api/v1/session set session cookies, and POST /api/v1/complaints
// took any Content-Type.
func TestLoginCSRFAndContentTypes(t *testing.T) {
	t.Parallel()
	login := `{"username":"nodal.lko","password":"` + authTestPassword + `"}`

	t.Run("CrossSiteLoginRefused", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		for name, headers := range map[string][]string{
			"TextPlainFromAnotherOrigin": {"Content-Type", "text/plain", "Origin", "https://evil.example"},
			"JSONFromAnotherOrigin":      {"Origin", "https://evil.example"},
			"NullOrigin":                 {"Origin", "null"},
			"SecFetchCrossSite":          {"Sec-Fetch-Site", "cross-site"},
			"SecFetchSameSite":           {"Sec-Fetch-Site", "same-site", "Origin", "https://other.example.com"},
		} {
			rec := b.do(http.MethodPost, "/api/v1/session", login, nil, headers...)
			if rec.Code != http.StatusForbidden || len(rec.Result().Cookies()) != 0 || errorCode(t, rec.Body.Bytes()) != "cross_origin" {
				t.Errorf("%s: %d, cookies %v, %s; want 403 cross_origin and no cookie", name, rec.Code, rec.Result().Cookies(), rec.Body)
			}
		}
		rec := b.do(http.MethodPost, "/api/v1/session/totp", `{"challenge":"vkc_x","code":"123456"}`, nil,
			"Sec-Fetch-Site", "cross-site")
		if rec.Code != http.StatusForbidden {
			t.Errorf("cross-site second step: %d, want 403", rec.Code)
		}
	})

	t.Run("TextPlainLoginIs415", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		for _, ctype := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
			rec := b.do(http.MethodPost, "/api/v1/session", login, nil, "Content-Type", ctype)
			if rec.Code != http.StatusUnsupportedMediaType || len(rec.Result().Cookies()) != 0 ||
				errorCode(t, rec.Body.Bytes()) != "unsupported_media_type" || !contains(rec.Body.String(), `"request_id"`) {
				t.Errorf("login as %q: %d %s, want 415 with the error body and no cookie", ctype, rec.Code, rec.Body)
			}
		}
	})

	t.Run("SameOriginAndNonBrowserLoginsWork", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		for name, headers := range map[string][]string{
			"NoOriginNoFetchMetadata": nil,
			"SameOriginHeader":        {"Origin", "http://example.com"}, // httptest's Host
			"SecFetchSameOrigin":      {"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"},
			"JSONWithCharset":         {"Content-Type", "application/json; charset=utf-8"},
		} {
			if rec := b.do(http.MethodPost, "/api/v1/session", login, nil, headers...); rec.Code != http.StatusOK {
				t.Errorf("%s: %d %s, want 200", name, rec.Code, rec.Body)
			}
		}
	})

	t.Run("CookieWritesFromAnotherOriginRefused", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		cookies, csrf := b.login(t)
		change := `{"current_password":"` + authTestPassword + `","new_password":"another long password"}`
		rec := b.do(http.MethodPost, "/api/v1/me/password", change, cookies, "X-CSRF-Token", csrf,
			"Origin", "https://evil.example")
		if rec.Code != http.StatusForbidden || errorCode(t, rec.Body.Bytes()) != "cross_origin" {
			t.Fatalf("cross-origin cookie write: %d %s, want 403 cross_origin", rec.Code, rec.Body)
		}
		rec = b.do(http.MethodDelete, "/api/v1/session", "", cookies, "X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site")
		if rec.Code != http.StatusForbidden {
			t.Fatalf("cross-site logout: %d, want 403", rec.Code)
		}
		if rec := b.do(http.MethodGet, "/api/v1/me", "", cookies, "Sec-Fetch-Site", "cross-site"); rec.Code != http.StatusOK {
			t.Fatalf("a cross-site read is not a write: %d, want 200", rec.Code)
		}
		rec = b.do(http.MethodPost, "/api/v1/me/password", change, cookies, "X-CSRF-Token", csrf,
			"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com")
		if rec.Code != http.StatusNoContent {
			t.Fatalf("same-origin cookie write: %d %s, want 204", rec.Code, rec.Body)
		}
	})

	t.Run("BearerCallersNeedNoOrigin", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		_, tok, err := b.svc.CreateToken(context.Background(), auth.Principal{}, "nodal.lko", "integration", 0)
		if err != nil {
			t.Fatal(err)
		}
		rec := b.do(http.MethodDelete, "/api/v1/session", "", nil, "Authorization", "Bearer "+tok,
			"Origin", "https://integration.example")
		if rec.Code != http.StatusNoContent {
			t.Fatalf("bearer write with a foreign Origin: %d %s, want 204", rec.Code, rec.Body)
		}
	})

	t.Run("ComplaintFilingNeedsJSON", func(t *testing.T) {
		t.Parallel()
		b := setupTracking(t)
		filing := `{"category":"stalking","description":"he follows me","language":"en","lat":26.8505,"lon":80.9466}`
		for _, ctype := range []string{"text/plain", "application/x-www-form-urlencoded", "application/xml", ""} {
			rec := serve(b.h, http.MethodPost, "/api/v1/complaints", strings.NewReader(filing), "Content-Type", ctype)
			if rec.Code != http.StatusUnsupportedMediaType || errorCode(t, rec.Body.Bytes()) != "unsupported_media_type" {
				t.Errorf("filing as %q: %d %s, want 415", ctype, rec.Code, rec.Body)
			}
		}
		if rec := serve(b.h, http.MethodPost, "/api/v1/complaints", strings.NewReader(filing), "Content-Type", "application/json"); rec.Code != http.StatusCreated {
			t.Fatalf("filing as JSON: %d %s", rec.Code, rec.Body)
		}
		// Multipart routes take multipart only.
		for _, path := range []string{"/api/v1/tips", "/api/v1/complaints/attachments"} {
			rec := serve(b.h, http.MethodPost, path, strings.NewReader(`{"text":"x"}`), "Content-Type", "application/json")
			if rec.Code != http.StatusUnsupportedMediaType {
				t.Errorf("JSON to %s: %d %s, want 415", path, rec.Code, rec.Body)
			}
		}
	})
}

// errorCode returns the "code" of an error body.
func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Code
}
