// Package apitest runs the real router and services on a fresh PostGIS test
// database with the shared UP districts, the demo stations and the staff
// accounts a test asks for. HTTP and browser tests share it.
package apitest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"gocloud.dev/blob/memblob"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/jurisdiction"
)

// Server is a running test server and the database behind it.
type Server struct {
	*httptest.Server
	Pool *pgxpool.Pool
	// Ingest takes hotspot reports and tips (photos in an in-memory bucket).
	Ingest *ingest.Service
}

// Start seeds the jurisdictions, creates the accounts that users returns
// (each with password), and serves the API with auth, cases and ingest wired as in
// production, except that no River worker runs (jobs are only inserted) and
// password hashing is cheap.
func Start(t testing.TB, password string, users func(*jurisdiction.Service) []auth.DemoUser) *Server {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := jurisdiction.SeedDemo(ctx, pool, SharedDistricts(t), nil); err != nil {
		t.Fatalf("seed jurisdictions: %v", err)
	}
	j := jurisdiction.New(pool)
	accounts := users(j)
	for i := range accounts {
		accounts[i].Password = password
		if accounts[i].DisplayName == "" {
			accounts[i].DisplayName = accounts[i].Username
		}
	}
	if _, err := auth.SeedDemoUsers(ctx, pool, accounts); err != nil {
		t.Fatalf("seed users: %v", err)
	}
	authSvc, err := auth.NewService(pool, auth.Config{Password: auth.PasswordParams{Memory: 8 * 1024, Iterations: 1, Parallelism: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := auth.ParseKeyring("test:" + strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{}) // insert-only
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	casesSvc := cases.NewService(pool, cases.Deps{Jobs: inserter, Router: j, Keyring: keyring, Logger: quiet})
	bucket := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = bucket.Close() })
	ingestSvc, err := ingest.NewService(pool, ingest.Deps{Bucket: bucket, Keyring: keyring, Jobs: inserter, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	// Every test of the package shares this server and its one client
	// address, so the public rate limit (tested on its own) is off.
	srv := httptest.NewServer(api.New(api.Deps{Pool: pool, Auth: authSvc, Cases: casesSvc, Ingest: ingestSvc,
		Logger: quiet, PublicRate: api.RateLimit{PerMinute: -1}}))
	t.Cleanup(srv.Close)
	return &Server{Server: srv, Pool: pool, Ingest: ingestSvc}
}

// StationID returns the id of the demo station with code, failing the test
// when it is missing.
func StationID(t testing.TB, j *jurisdiction.Service, code string) int64 {
	t.Helper()
	st, err := j.StationByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("find station %s: %v", code, err)
	}
	return st.ID
}

// SharedDistricts finds ../shared/data/up-districts.geojson beside the
// repository, from a package directory one or two levels deep.
func SharedDistricts(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"../../shared/data/up-districts.geojson", "../../../shared/data/up-districts.geojson", "../shared/data/up-districts.geojson"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("../shared/data/up-districts.geojson not found beside the repository")
	return ""
}
