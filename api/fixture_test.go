package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
)

// fixture is a fresh database with the demo jurisdictions and an auth
// service for tokens: the base of the bundles whose router runs app's graph
// on it (apitest.Deps).
type fixture struct {
	ctx  context.Context
	db   *pgxpool.Pool
	auth *auth.Service
}

// newFixture seeds a fresh test database with the demo jurisdictions.
func newFixture(t testing.TB) fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	testkit.SeedJurisdictions(ctx, t, db)
	return fixture{ctx: ctx, db: db, auth: newAuth(t, db)}
}

// newAuth returns an auth service on db with cheap password hashing.
func newAuth(t testing.TB, db *pgxpool.Pool) *auth.Service {
	t.Helper()
	svc, err := auth.NewService(db, auth.Deps{Config: auth.Config{
		Password: auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// token creates a user with role and scope and returns an Authorization
// header value ("Bearer …") for it.
func (f fixture) token(t testing.TB, role auth.Role, scope auth.Scope) string {
	t.Helper()
	p := testkit.User(f.ctx, t, f.db, role, scope)
	_, tok, err := f.auth.CreateToken(f.ctx, auth.Principal{}, p.Username, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

// count runs query, which selects one integer.
func (f fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// reportID returns the id of the report with code.
func (f fixture) reportID(t testing.TB, code string) int64 {
	t.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM reports WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("report %s: %v", code, err)
	}
	return id
}

// wantNothingStored fails unless tables are empty and bucket holds no blob.
func (f fixture) wantNothingStored(t testing.TB, bucket *blob.Bucket, tables ...string) {
	t.Helper()
	for _, table := range tables {
		if n := f.count(t, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows, want 0", table, n)
		}
	}
	if n := ingesttest.BlobCount(f.ctx, t, bucket); n != 0 {
		t.Errorf("bucket holds %d blobs, want 0", n)
	}
}

// serve sends method path with body (nil for none) to h and returns the
// recorded response. headers are name, value pairs; a pair with an empty
// value is left out.
func serve(h http.Handler, method, path string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
