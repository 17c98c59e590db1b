package auth

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// testPasswordParams keep hashing fast in tests; production uses
// DefaultPasswordParams.
var testPasswordParams = PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1}

type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	svc   *Service
	clock *clock.Fake
}

// setup returns a Service on a fresh database with fast password hashing and
// a test clock.
func setup(t *testing.T) *testBundle {
	t.Helper()
	pool := pgtest.New(t)
	fake := clock.NewFake(time.Now().UTC().Truncate(time.Microsecond))
	svc, err := NewService(pool, Deps{Config: Config{Password: testPasswordParams}, Clock: fake})
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return &testBundle{ctx: context.Background(), pool: pool, svc: svc, clock: fake}
}

// userOpts override the defaults of testUser.
type userOpts struct {
	Username string
	Password string
	Role     Role
	Scope    Scope
}

const testPassword = "correct horse battery"

// testUser creates an account through the Service: by default a nodal
// officer of district 162 with testPassword.
func testUser(t *testing.T, b *testBundle, opts *userOpts) User {
	t.Helper()
	if opts == nil {
		opts = &userOpts{}
	}
	n := NewUser{Username: opts.Username, DisplayName: "Test Officer", Password: opts.Password,
		Role: opts.Role, Scope: opts.Scope}
	if n.Username == "" {
		n.Username = "officer"
	}
	if n.Password == "" {
		n.Password = testPassword
	}
	if n.Role == "" {
		n.Role = RoleNodal
		n.Scope = Scope{Kind: ScopeDistrict, ID: 162}
	}
	u, err := b.svc.CreateUser(b.ctx, Principal{}, n)
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

// auditActions returns the actions in the audit log, oldest first.
func auditActions(t *testing.T, b *testBundle) []string {
	t.Helper()
	recs, err := NewAuditStore(b.pool).List(b.ctx, 0, 1000)
	if err != nil {
		t.Fatalf("list audit log: %v", err)
	}
	actions := make([]string, len(recs))
	for i, r := range recs {
		actions[i] = r.Action
	}
	return actions
}
