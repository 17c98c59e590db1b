package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/api/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/jurisdiction"
)

const totpTestPassword = "totp-test-password-1"

// postJSON posts body with cookies and returns the status, the decoded
// reply and the cookies set.
func postJSON(t *testing.T, srv *apitest.Server, path, body string, cookies []*http.Cookie, csrf string) (int, map[string]any, []*http.Cookie) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out, resp.Cookies()
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
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
	for _, c := range first {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old session after re-login: %d, want 401", resp.StatusCode)
	}
	if len(liveCookies(cookies)) != 2 {
		t.Fatal("second login set no new session")
	}
}
