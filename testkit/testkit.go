// Package testkit has the test factories every package's tests share: the
// demo jurisdictions, points in and outside Uttar Pradesh, staff principals,
// a data keyring and an insert-only River client. Factories about one
// package's own data stay beside it (ingest/ingesttest: photos, CSV files,
// the media bucket; cases/casestest: the small two-district fixture).
package testkit

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// Points in Uttar Pradesh and outside it, as lat, lon.
var (
	Lucknow   = [2]float64{26.8467, 80.9462}
	Varanasi  = [2]float64{25.3176, 82.9739}
	Gorakhpur = [2]float64{26.7606, 83.3732}
	Agra      = [2]float64{27.1767, 78.0081}
	Mumbai    = [2]float64{19.0760, 72.8777}
)

// SeedJurisdictions fills db with the demo jurisdictions: the 75 districts
// as approximate shapes (fast: no boundary file), their stations, the 35
// AHTUs and the PCR units.
func SeedJurisdictions(ctx context.Context, t testing.TB, db pg.DBTX) {
	t.Helper()
	if _, err := jurisdiction.SeedDemo(ctx, db, "", nil); err != nil {
		t.Fatalf("testkit: seed jurisdictions: %v", err)
	}
}

// Keyring returns a data keyring with a fixed test key.
func Keyring(t testing.TB) *auth.Keyring {
	t.Helper()
	k, err := auth.NewKeyring(map[string][]byte{"test": []byte("0123456789abcdef0123456789abcdef")}, "test")
	if err != nil {
		t.Fatalf("testkit: keyring: %v", err)
	}
	return k
}

// Jobs returns an insert-only River client on pool.
func Jobs(t testing.TB, pool *pgxpool.Pool) *river.Client[pgx.Tx] {
	t.Helper()
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var userSeq atomic.Int64

// User creates a staff account with role and scope and returns its
// principal. The password hash is a placeholder: these users never log in.
func User(ctx context.Context, t testing.TB, db pg.DBTX, role auth.Role, scope auth.Scope) auth.Principal {
	t.Helper()
	name := fmt.Sprintf("%s-%d", role, userSeq.Add(1))
	u, err := auth.NewUserStore(db).Create(ctx, auth.CreateUserParams{Username: name,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA", Role: role, Scope: scope})
	if err != nil {
		t.Fatalf("testkit: create %s user: %v", role, err)
	}
	return u.Principal()
}
