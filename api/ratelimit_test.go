package api_test

import (
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
)

// Anonymous submissions beyond the burst get 429 with Retry-After, per
// client address; staff and other addresses are not affected.
func TestPublicSubmissionsRateLimited(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	deps := b.deps
	deps.Registry = api.NewRegistry() // setupIngest's router registered its metrics in the first
	deps.PublicRate = api.RateLimit{PerMinute: 1, Burst: 2}
	b.router = apitest.ValidateContract(t, apitest.Router(t, deps))
	tip := func(addr, authz string) int {
		u := upload{fields: map[string]string{"text": "a van at the station", "places": `[{"lat":26.85,"lon":80.95}]`}}
		req, rec := b.multipart(t, "/api/v1/tips", u, authz)
		req.RemoteAddr = addr
		b.router.ServeHTTP(rec, req)
		if rec.Code == http.StatusTooManyRequests && rec.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		return rec.Code
	}
	for i, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests} {
		if got := tip("198.51.100.7:5000", ""); got != want {
			t.Fatalf("submission %d from one address: %d, want %d", i+1, got, want)
		}
	}
	if got := tip("198.51.100.8:5000", ""); got != http.StatusCreated {
		t.Errorf("another address: %d, want 201", got)
	}
	staff := b.token(t, auth.RoleECell, auth.StateScope)
	if got := tip("198.51.100.7:5000", staff); got != http.StatusCreated {
		t.Errorf("staff from the limited address: %d, want 201", got)
	}
	if n := b.count(t, `SELECT count(*) FROM tips`); n != 4 {
		t.Errorf("tips stored = %d, want 4 (the refused one not stored)", n)
	}
}
