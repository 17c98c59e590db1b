package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

const authTestPassword = "correct horse battery"

type authBundle struct {
	router http.Handler
	svc    *auth.Service
}

// newAuthBundle serves the API on a fresh database with one nodal officer of
// district 162 ("nodal.lko").
func newAuthBundle(t *testing.T, cookieSecure bool) *authBundle {
	t.Helper()
	pool := pgtest.New(t)
	svc := newAuth(t, pool)
	_, err := svc.CreateUser(context.Background(), auth.Principal{}, auth.NewUser{Username: "nodal.lko",
		DisplayName: "Nodal Officer", Password: authTestPassword, Role: auth.RoleNodal,
		Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 162}})
	if err != nil {
		t.Fatal(err)
	}
	deps := apitest.Deps(t, pool, apitest.Options{})
	deps.CookieSecure = cookieSecure
	router := apitest.ValidateContract(t, apitest.Router(t, deps))
	return &authBundle{router: router, svc: svc}
}

// authRequest sends a request with an optional JSON body, cookies and headers.
func (b *authBundle) do(method, path, body string, cookies []*http.Cookie, headers ...string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	b.router.ServeHTTP(rec, req)
	return rec
}

// login logs nodal.lko in and returns the cookies and the CSRF token.
func (b *authBundle) login(t *testing.T) ([]*http.Cookie, string) {
	t.Helper()
	rec := b.do(http.MethodPost, "/api/v1/session", `{"username":"nodal.lko","password":"`+authTestPassword+`"}`, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("login status %d: %s", rec.Code, rec.Body)
	}
	var body struct {
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	return rec.Result().Cookies(), body.CSRFToken
}

func cookieNamed(cookies []*http.Cookie, name string) *http.Cookie {
	for _, c := range cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

type meBody struct {
	User struct {
		ID          int64  `json:"id"`
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		Role        string `json:"role"`
		Scope       struct {
			Kind string `json:"kind"`
			ID   int64  `json:"id"`
		} `json:"scope"`
	} `json:"user"`
	CSRFToken string `json:"csrf_token"`
}

func decodeMe(t *testing.T, rec *httptest.ResponseRecorder) meBody {
	t.Helper()
	var body meBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	return body
}

func TestSessionAPI(t *testing.T) {
	t.Parallel()

	t.Run("LoginSetsCookiesAndMeShowsRoleAndScope", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		rec := b.do(http.MethodPost, "/api/v1/session", `{"username":"NODAL.LKO","password":"`+authTestPassword+`"}`, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("login status %d: %s", rec.Code, rec.Body)
		}
		login := decodeMe(t, rec)
		cookies := rec.Result().Cookies()
		sess, csrf := cookieNamed(cookies, "vikalp_session"), cookieNamed(cookies, "vikalp_csrf")
		if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" ||
			sess.Secure || sess.MaxAge < 11*3600 || sess.MaxAge > 12*3600 {
			t.Fatalf("session cookie = %+v", sess)
		}
		if csrf == nil || csrf.HttpOnly || csrf.Value != login.CSRFToken || login.CSRFToken == "" || csrf.Value == sess.Value {
			t.Fatalf("csrf cookie = %+v, body token %q", csrf, login.CSRFToken)
		}
		if rec.Header().Get("Cache-Control") != "no-store" || strings.Contains(rec.Body.String(), sess.Value) {
			t.Fatal("login response is cacheable or carries the session token")
		}

		me := b.do(http.MethodGet, "/api/v1/me", "", cookies)
		if me.Code != http.StatusOK {
			t.Fatalf("GET /me status %d: %s", me.Code, me.Body)
		}
		got := decodeMe(t, me)
		if got.User.Username != "nodal.lko" || got.User.DisplayName != "Nodal Officer" || got.User.Role != "nodal" ||
			got.User.Scope.Kind != "district" || got.User.Scope.ID != 162 || got.CSRFToken != login.CSRFToken {
			t.Fatalf("GET /me = %+v", got)
		}
	})

	t.Run("SecureCookiesWhenConfigured", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, true)
		cookies, _ := b.login(t)
		for _, c := range cookies {
			if !c.Secure {
				t.Fatalf("cookie %s not Secure", c.Name)
			}
		}
	})

	t.Run("WrongPasswordAndUnknownUserSay401Alike", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		wrong := b.do(http.MethodPost, "/api/v1/session", `{"username":"nodal.lko","password":"not the password"}`, nil)
		unknown := b.do(http.MethodPost, "/api/v1/session", `{"username":"nobody.here","password":"`+authTestPassword+`"}`, nil)
		for _, rec := range []*httptest.ResponseRecorder{wrong, unknown} {
			if rec.Code != http.StatusUnauthorized || len(rec.Result().Cookies()) != 0 {
				t.Fatalf("bad login status %d, cookies %v", rec.Code, rec.Result().Cookies())
			}
			var body struct {
				Error string `json:"error"`
				Code  string `json:"code"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if body.Error != "username or password is incorrect" || body.Code != "bad_credentials" {
				t.Fatalf("bad login body = %s", rec.Body)
			}
		}
	})

	t.Run("LoginNeedsBothFields", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		for _, body := range []string{`{"username":"nodal.lko"}`, `not json`, ``} {
			if rec := b.do(http.MethodPost, "/api/v1/session", body, nil); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("login with %q: status %d, want 422", body, rec.Code)
			}
		}
	})

	t.Run("LockoutSays429", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		for range 5 {
			b.do(http.MethodPost, "/api/v1/session", `{"username":"nodal.lko","password":"not the password"}`, nil)
		}
		rec := b.do(http.MethodPost, "/api/v1/session", `{"username":"nodal.lko","password":"`+authTestPassword+`"}`, nil)
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("login while locked: status %d, want 429", rec.Code)
		}
	})

	t.Run("MeWithoutSessionIs401", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		if rec := b.do(http.MethodGet, "/api/v1/me", "", nil); rec.Code != http.StatusUnauthorized {
			t.Fatalf("GET /me anonymous: status %d, want 401", rec.Code)
		}
		stale := []*http.Cookie{{Name: "vikalp_session", Value: "bm90LWEtcmVhbC1zZXNzaW9uLXRva2VuLWF0LWFsbC0xMjM"}}
		rec := b.do(http.MethodGet, "/api/v1/me", "", stale)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("GET /me with a stale cookie: status %d, want 401", rec.Code)
		}
		if c := cookieNamed(rec.Result().Cookies(), "vikalp_session"); c == nil || c.MaxAge >= 0 {
			t.Fatalf("stale cookie not cleared: %+v", c)
		}
	})

	t.Run("LogoutInvalidatesSession", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		cookies, csrf := b.login(t)
		rec := b.do(http.MethodDelete, "/api/v1/session", "", cookies, "X-CSRF-Token", csrf)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("logout status %d: %s", rec.Code, rec.Body)
		}
		if c := cookieNamed(rec.Result().Cookies(), "vikalp_session"); c == nil || c.MaxAge >= 0 {
			t.Fatalf("logout did not clear the cookie: %+v", c)
		}
		if rec := b.do(http.MethodGet, "/api/v1/me", "", cookies); rec.Code != http.StatusUnauthorized {
			t.Fatalf("GET /me after logout: status %d, want 401", rec.Code)
		}
	})

	t.Run("LoginRotatesSession", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		first, _ := b.login(t)
		rec := b.do(http.MethodPost, "/api/v1/session", `{"username":"nodal.lko","password":"`+authTestPassword+`"}`, first)
		if rec.Code != http.StatusOK {
			t.Fatalf("second login status %d", rec.Code)
		}
		if rec := b.do(http.MethodGet, "/api/v1/me", "", first); rec.Code != http.StatusUnauthorized {
			t.Fatalf("old session after a new login: status %d, want 401", rec.Code)
		}
		if rec := b.do(http.MethodGet, "/api/v1/me", "", rec.Result().Cookies()); rec.Code != http.StatusOK {
			t.Fatalf("new session: status %d", rec.Code)
		}
	})

	t.Run("CSRFRequiredForCookieUnsafeMethods", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		cookies, csrf := b.login(t)
		change := `{"current_password":"` + authTestPassword + `","new_password":"an even longer secret"}`
		for _, tc := range []struct {
			name    string
			headers []string
		}{
			{"NoHeader", nil},
			{"WrongHeader", []string{"X-CSRF-Token", csrf + "x"}},
			{"SessionTokenAsCSRF", []string{"X-CSRF-Token", cookieNamed(cookies, "vikalp_session").Value}},
		} {
			if rec := b.do(http.MethodPost, "/api/v1/me/password", change, cookies, tc.headers...); rec.Code != http.StatusForbidden {
				t.Fatalf("%s: POST /me/password status %d, want 403", tc.name, rec.Code)
			}
			if rec := b.do(http.MethodDelete, "/api/v1/session", "", cookies, tc.headers...); rec.Code != http.StatusForbidden {
				t.Fatalf("%s: DELETE /session status %d, want 403", tc.name, rec.Code)
			}
		}
		if rec := b.do(http.MethodGet, "/api/v1/me", "", cookies); rec.Code != http.StatusOK {
			t.Fatalf("session ended by refused requests: %d", rec.Code)
		}
		if rec := b.do(http.MethodPost, "/api/v1/me/password", change, cookies, "X-CSRF-Token", csrf); rec.Code != http.StatusNoContent {
			t.Fatalf("POST /me/password with CSRF token: status %d: %s", rec.Code, rec.Body)
		}
	})

	t.Run("BearerToken", func(t *testing.T) {
		t.Parallel()
		b := newAuthBundle(t, false)
		_, token, err := b.svc.CreateToken(context.Background(), auth.Principal{}, "nodal.lko", "sync", 0)
		if err != nil {
			t.Fatal(err)
		}
		rec := b.do(http.MethodGet, "/api/v1/me", "", nil, "Authorization", "Bearer "+token)
		if got := decodeMe(t, rec); rec.Code != http.StatusOK || got.User.Role != "nodal" || got.CSRFToken != "" {
			t.Fatalf("GET /me with a bearer token: status %d, %+v", rec.Code, got)
		}
		// Bearer requests need no CSRF token.
		change := `{"current_password":"` + authTestPassword + `","new_password":"an even longer secret"}`
		if rec := b.do(http.MethodPost, "/api/v1/me/password", change, nil, "Authorization", "Bearer "+token); rec.Code != http.StatusNoContent {
			t.Fatalf("POST with a bearer token: status %d: %s", rec.Code, rec.Body)
		}
		for _, header := range []string{"Bearer vkt_wrong", "Basic " + token, token} {
			if rec := b.do(http.MethodGet, "/api/v1/me", "", nil, "Authorization", header); rec.Code != http.StatusUnauthorized {
				t.Fatalf("Authorization %.12q…: status %d, want 401", header, rec.Code)
			}
		}
	})
}
