package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/jurisdiction"
)

const totpTestPassword = "totp-test-password-1"

// postJSON posts body with cookies (and csrf, when set) and returns the
// status, the decoded reply and the cookies set.
func postJSON(t *testing.T, srv *apitest.Server, path, body string, cookies []*http.Cookie, csrf string) (int, map[string]any, []*http.Cookie) {
	t.Helper()
	status, data, set := cookieCall(t, srv, http.MethodPost, path, body, session{cookies: cookies, csrf: csrf}, csrf != "")
	out := map[string]any{}
	_ = json.Unmarshal([]byte(data), &out)
	return status, out, set
}

func liveCookies(cs []*http.Cookie) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range cs {
		if c.MaxAge >= 0 && c.Value != "" {
			out = append(out, c)
		}
	}
	return out
}

func TestTOTPLoginOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apitest.Start(t, totpTestPassword, func(*jurisdiction.Service) []auth.DemoUser {
		return []auth.DemoUser{
			{Username: "legal", Role: auth.RoleMSPLegal, Scope: auth.StateScope},
		}
	})
	login := `{"username":"legal","password":"` + totpTestPassword + `"}`

	status, out, cookies := postJSON(t, srv, "/api/v1/session", login, nil, "")
	if status != http.StatusAccepted || out["totp_required"] != true || len(liveCookies(cookies)) != 0 {
		t.Fatalf("password step: %d %v, cookies %v; want 202 with a challenge and no session", status, out, cookies)
	}
	challenge, _ := out["challenge"].(string)
	code := srv.TOTPCode(t, "legal")

	status, out, _ = postJSON(t, srv, "/api/v1/session/totp", `{"challenge":"`+challenge+`","code":"000000"}`, nil, "")
	if status != http.StatusUnauthorized || out["code"] != "bad_totp_code" {
		t.Fatalf("wrong code: %d %v", status, out)
	}
	status, out, cookies = postJSON(t, srv, "/api/v1/session/totp", `{"challenge":"`+challenge+`","code":"`+code+`"}`, nil, "")
	if status != http.StatusOK || out["csrf_token"] == "" || len(liveCookies(cookies)) != 2 {
		t.Fatalf("code step: %d %v", status, out)
	}
	first := liveCookies(cookies)

	// The same code again, on a new challenge, is a replay.
	_, out, _ = postJSON(t, srv, "/api/v1/session", login, nil, "")
	again, _ := out["challenge"].(string)
	if status, out, _ = postJSON(t, srv, "/api/v1/session/totp", `{"challenge":"`+again+`","code":"`+code+`"}`, nil, ""); status != http.StatusUnauthorized {
		t.Fatalf("replayed code: %d %v, want 401", status, out)
	}
	// A second login from the same browser rotates the session: the old
	// cookie stops working.
	status, _, cookies = postJSON(t, srv, "/api/v1/session/totp", `{"challenge":"`+again+`","code":"`+srv.TOTPCode(t, "legal")+`"}`, first, "")
	if status != http.StatusOK {
		t.Fatalf("second login: %d", status)
	}
	if status, _, _ := cookieCall(t, srv, http.MethodGet, "/api/v1/me", "", session{cookies: first}, false); status != http.StatusUnauthorized {
		t.Fatalf("old session after re-login: %d, want 401", status)
	}
	if len(liveCookies(cookies)) != 2 {
		t.Fatal("second login set no new session")
	}
}
