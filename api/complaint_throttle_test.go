package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/jurisdiction"
)

// trackBundle is a server with cases wired and a way to call it from any
// client address (the throttles key on the address).
type trackBundle struct {
	t *testing.T
	h http.Handler
}

func setupTracking(t *testing.T) *trackBundle {
	t.Helper()
	srv := apitest.Start(t, "tracking-password-1", func(*jurisdiction.Service) []auth.DemoUser { return nil })
	return &trackBundle{t: t, h: srv.Config.Handler}
}

// post sends a JSON body to path from client address addr.
func (b *trackBundle) post(addr, path string, body any) *httptest.ResponseRecorder {
	b.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		b.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}

// file files a complaint in Lucknow and returns its code and secret.
func (b *trackBundle) file(addr string) (code, secret string) {
	b.t.Helper()
	rec := b.post(addr, "/api/v1/complaints", map[string]any{"category": "stalking", "description": "he follows me",
		"language": "en", "lat": 26.8505, "lon": 80.9466, "contact": map[string]string{"phone": "9123456780"}})
	var out struct{ Code, Secret string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		b.t.Fatalf("file: %d %s", rec.Code, rec.Body)
	}
	return out.Code, out.Secret
}

// track asks for the tracking page of code with secret from addr and
// returns the status and the error code of the answer.
func (b *trackBundle) track(addr, code, secret string) (int, string) {
	b.t.Helper()
	rec := b.post(addr, "/api/v1/complaints/track", map[string]string{"code": code, "secret": secret})
	var body struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	return rec.Code, body.Code
}

// wrongSecret returns a well-formed secret that is not the complaint's.
func wrongSecret(t *testing.T) string {
	t.Helper()
	s, err := cases.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return string(s)
}

// TestComplainantLockoutByStranger is the regression test of the
// "complainant lockout" finding (hardening round 2): ten wrong secrets for
// her code, from any addresses, used to refuse her correct secret for 15
// minutes. Now her secret always works, guessers are slowed, and one
// address still learns no more than its budget.
func TestComplainantLockoutByStranger(t *testing.T) {
	t.Parallel()
	b := setupTracking(t)
	code, secret := b.file("192.0.2.10")
	her := "192.0.2.11"

	// Strangers spend the code's budget from many addresses, and keep at it.
	for i := range 30 {
		status, errCode := b.track(fmt.Sprintf("198.51.100.%d", i+1), code, wrongSecret(t))
		switch {
		case i < 10 && status != http.StatusNotFound:
			t.Fatalf("wrong secret %d: %d, want 404", i+1, status)
		case i >= 10 && (status != http.StatusTooManyRequests || errCode != "tracking_throttled"):
			t.Fatalf("wrong secret %d against a spent code: %d %q, want 429 tracking_throttled", i+1, status, errCode)
		}
	}
	// Her correct secret works, on every complainant endpoint.
	if status, _ := b.track(her, code, secret); status != http.StatusOK {
		t.Fatalf("her correct secret after the strangers: %d, want 200", status)
	}
	if rec := b.post(her, "/api/v1/complaints/track/photos", map[string]string{"code": code, "secret": secret}); rec.Code != http.StatusOK {
		t.Fatalf("her photos after the strangers: %d %s", rec.Code, rec.Body)
	}

	// A wrong secret against the spent code costs an address half its
	// budget: two guesses, then even a right secret is refused unchecked.
	guesser := "203.0.113.5"
	for i := range 2 {
		if status, _ := b.track(guesser, code, wrongSecret(t)); status != http.StatusTooManyRequests {
			t.Fatalf("guess %d against the spent code: %d, want 429", i+1, status)
		}
	}
	if status, _ := b.track(guesser, code, secret); status != http.StatusTooManyRequests {
		t.Fatalf("right secret from a spent address: %d, want 429 (no check, no oracle)", status)
	}

	// One address gets ten checks against a fresh code, then no more: the
	// eleventh try is refused before the secret is looked at.
	other, otherSecret := b.file("192.0.2.12")
	single := "203.0.113.9"
	for i := range 10 {
		if status, _ := b.track(single, other, wrongSecret(t)); status != http.StatusNotFound {
			t.Fatalf("single guesser's try %d: %d, want 404", i+1, status)
		}
	}
	if status, _ := b.track(single, other, otherSecret); status != http.StatusTooManyRequests {
		t.Fatalf("single guesser's eleventh try (the right secret): %d, want 429", status)
	}
	if status, _ := b.track(her, other, otherSecret); status != http.StatusOK {
		t.Fatalf("the other complainant from her own address: %d, want 200", status)
	}

	// Concurrent guesses from one address cannot all slip past its budget
	// before the first of them fails.
	third, _ := b.file("192.0.2.13")
	var checked atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if status, _ := b.track("203.0.113.44", third, wrongSecret(t)); status == http.StatusNotFound {
				checked.Add(1)
			}
		})
	}
	wg.Wait()
	if n := checked.Load(); n > 10 {
		t.Fatalf("%d of 40 concurrent guesses from one address were checked, want at most 10", n)
	}

	// She can still withdraw.
	rec := b.post(her, "/api/v1/complaints/withdraw", map[string]string{"code": code, "secret": secret})
	if rec.Code != http.StatusOK {
		t.Fatalf("her withdrawal: %d %s", rec.Code, rec.Body)
	}
}

// TestThrottleBypassBySpelling is the regression test of the "throttle
// bypass by spelling" finding (hardening round 2): VK.MRC0.KHHA, MRC0-KHHA
// and MRCO-KHHA each had a per-code count of their own. Every spelling
// that reaches the same complaint now counts against one code.
func TestThrottleBypassBySpelling(t *testing.T) {
	t.Parallel()
	b := setupTracking(t)

	spellings := func(code string) []string {
		body := strings.TrimPrefix(code, "VK-")
		return []string{code, strings.ReplaceAll(code, "-", "."), body, strings.ToLower(code),
			strings.ReplaceAll(body, "0", "O"), strings.ReplaceAll(body, "1", "l"),
			strings.ReplaceAll(code, "-", " "), strings.ReplaceAll(body, "-", ""),
			"vk_" + strings.ToLower(strings.ReplaceAll(body, "0", "o")), " " + code + " "}
	}

	t.Run("TheReviewersCode", func(t *testing.T) { // well-formed, not filed
		for i, s := range spellings("VK-MRC0-KHHA") {
			if status, _ := b.track(fmt.Sprintf("198.51.100.%d", i+1), s, wrongSecret(t)); status != http.StatusNotFound {
				t.Fatalf("%q: %d, want 404", s, status)
			}
		}
		if status, _ := b.track("198.51.100.99", "MRCO-KHHA", wrongSecret(t)); status != http.StatusTooManyRequests {
			t.Fatalf("an eleventh spelling: %d, want 429", status)
		}
	})

	t.Run("HerCode", func(t *testing.T) {
		code, secret := b.file("192.0.2.20")
		for i, s := range spellings(code) {
			if status, _ := b.track(fmt.Sprintf("203.0.113.%d", i+1), s, wrongSecret(t)); status != http.StatusNotFound {
				t.Fatalf("%q: %d, want 404", s, status)
			}
		}
		if status, _ := b.track("203.0.113.99", strings.ToLower(code), wrongSecret(t)); status != http.StatusTooManyRequests {
			t.Fatalf("an eleventh spelling: %d, want 429", status)
		}
		for _, s := range spellings(code) {
			if status, _ := b.track("192.0.2.21", s, secret); status != http.StatusOK {
				t.Fatalf("her code spelt %q with her secret: %d, want 200", s, status)
			}
		}
	})
}
