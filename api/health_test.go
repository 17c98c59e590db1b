package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	router := apitest.Router(t, apitest.Deps(t, pool, apitest.Options{}))

	t.Run("HealthzOK", func(t *testing.T) {
		rec := serve(router, http.MethodGet, "/healthz", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200", rec.Code)
		}
	})
	t.Run("ReadyzOKWithDatabase", func(t *testing.T) {
		rec := serve(router, http.MethodGet, "/readyz", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
	})
	t.Run("SecurityHeadersAndRequestID", func(t *testing.T) {
		rec := serve(router, http.MethodGet, "/healthz", nil)
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-ID"} {
			if rec.Header().Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}
	})
	t.Run("UnknownRouteIsJSON404", func(t *testing.T) {
		rec := serve(router, http.MethodGet, "/api/v1/nope", nil)
		if rec.Code != http.StatusNotFound {
			t.Fatalf("status %d, want 404", rec.Code)
		}
		var body struct {
			Error     string `json:"error"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		if body.Error != "not found" || body.RequestID == "" {
			t.Fatalf("body %+v, want generic message with request id", body)
		}
	})
}

func TestReadyzFailsWithoutDatabase(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	deps := apitest.Deps(t, pool, apitest.Options{})
	// The graph's alert hub holds a connection of pool until the test ends
	// (Close would wait for it), so /readyz pings a second pool on the same
	// database, closed here.
	ready, err := pgxpool.NewWithConfig(context.Background(), pool.Config())
	if err != nil {
		t.Fatal(err)
	}
	deps.Pool = ready
	router := apitest.Router(t, deps)
	ready.Close()
	rec := serve(router, http.MethodGet, "/readyz", nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
}

func contains(s, sub string) bool {
	return strings.Contains(s, sub)
}
