package auth

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

const testIP = "198.51.100.7"

func TestServiceLogin(t *testing.T) {
	t.Parallel()

	t.Run("GoodPassword", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		sess, p, err := b.svc.Login(b.ctx, "OFFICER", testPassword, testIP, "Firefox")
		if err != nil {
			t.Fatalf("Login: %v", err)
		}
		if p.UserID != u.ID || p.Role != RoleNodal || p.Scope != (Scope{Kind: ScopeDistrict, ID: 162}) ||
			p.Username != "officer" || p.DisplayName != "Test Officer" {
			t.Fatalf("principal = %+v", p)
		}
		if !wellFormedToken(sess.Token, "") || sess.CSRFToken == "" || sess.CSRFToken == sess.Token ||
			!sess.ExpiresAt.Equal(b.clock.Now().Add(12*time.Hour)) {
			t.Fatalf("session = %+v", sess)
		}
		// Only the token's SHA-256 is stored.
		var stored []byte
		if err := b.pool.QueryRow(b.ctx, `SELECT token_hash FROM sessions WHERE id = $1`, sess.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stored, hashToken(sess.Token)) || bytes.Contains(stored, []byte(sess.Token)) {
			t.Fatalf("stored token_hash = %x", stored)
		}
		if got := auditActions(t, b); !slices.Equal(got, []string{"user.created", "auth.login"}) {
			t.Fatalf("audit actions = %v", got)
		}
	})

	t.Run("EveryLoginGetsANewToken", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		first, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		if err != nil {
			t.Fatal(err)
		}
		second, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		if err != nil {
			t.Fatal(err)
		}
		if first.Token == second.Token || first.CSRFToken == second.CSRFToken || first.ID == second.ID {
			t.Fatal("second login reused the first session")
		}
	})

	t.Run("UnknownUserAndWrongPasswordLookAlike", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		_, _, wrongPassword := b.svc.Login(b.ctx, "officer", "not the password", testIP, "")
		_, _, unknownUser := b.svc.Login(b.ctx, "nobody", testPassword, testIP, "")
		_, _, malformedUser := b.svc.Login(b.ctx, "x", testPassword, testIP, "")
		_, _, emptyPassword := b.svc.Login(b.ctx, "officer", "", testIP, "")
		for _, err := range []error{wrongPassword, unknownUser, malformedUser, emptyPassword} {
			ue, ok := vikalp.AsUserError(err)
			if !errors.Is(err, vikalp.ErrUnauthorized) || !ok || ue.Message != "username or password is incorrect" {
				t.Fatalf("login error = %v, want the one bad-credentials error", err)
			}
			if err.Error() != wrongPassword.Error() {
				t.Fatalf("errors differ: %q vs %q", err, wrongPassword)
			}
		}
	})

	// Five failures refuse the username from that address only (before
	// hardening round 2 they locked the account everywhere).
	t.Run("PairRefusedAfterFiveFailures", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		for i := range 5 {
			b.clock.Advance(time.Second)
			if _, _, err := b.svc.Login(b.ctx, "officer", "wrong password", testIP, ""); !errors.Is(err, vikalp.ErrUnauthorized) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		_, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		if !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("login from the failing address = %v, want ErrTooManyRequests", err)
		}
		stored, _ := b.svc.users.ByID(b.ctx, u.ID)
		if stored.Guarded(b.clock.Now()) || stored.FailedLogins != 5 {
			t.Fatalf("stored user = %+v, want 5 failures, below the ceiling", stored)
		}
		b.clock.Advance(15 * time.Minute)
		if _, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, ""); err != nil {
			t.Fatalf("login after the window: %v", err)
		}
		stored, _ = b.svc.users.ByID(b.ctx, u.ID)
		if stored.FailedLogins != 0 || stored.LockedUntil != nil {
			t.Fatalf("after success = %+v", stored)
		}
		actions := auditActions(t, b)
		if n := strings.Count(strings.Join(actions, " "), "auth.login_failed"); n != 5 {
			t.Fatalf("audit has %d failed logins, want 5: %v", n, actions)
		}
	})

	// The failure ceiling is kept in the database, so a replica with empty
	// throttles still gives an address that fails one guess only (before
	// hardening round 2 the whole account was locked on every replica).
	t.Run("CeilingHoldsAcrossReplicas", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		cfg := Config{Password: testPasswordParams, Lockout: LockoutPolicy{MaxFailures: 3}}
		first, err := NewService(b.pool, Deps{Config: cfg, Clock: b.clock})
		if err != nil {
			t.Fatal(err)
		}
		for _, ip := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
			_, _, _ = first.Login(b.ctx, "officer", "wrong password", ip, "")
		}
		other, err := NewService(b.pool, Deps{Config: cfg, Clock: b.clock})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := other.Login(b.ctx, "officer", "wrong password", "192.0.2.9", ""); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("first guess from a new address = %v, want ErrUnauthorized", err)
		}
		if _, _, err := other.Login(b.ctx, "officer", testPassword, "192.0.2.9", ""); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("second try from that address on another replica = %v, want ErrTooManyRequests", err)
		}
		if _, _, err := other.Login(b.ctx, "officer", testPassword, testIP, ""); err != nil {
			t.Fatalf("the owner from a clean address: %v", err)
		}
	})

	t.Run("UnknownUsernameThrottledLikeKnown", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for range 5 {
			_, _, _ = b.svc.Login(b.ctx, "ghost", "wrong password", testIP, "")
		}
		_, _, err := b.svc.Login(b.ctx, "ghost", "wrong password", testIP, "")
		if !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("sixth try on an unknown username = %v, want ErrTooManyRequests", err)
		}
	})

	t.Run("IPThrottle", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		svc, err := NewService(b.pool, Deps{Config: Config{Password: testPasswordParams, IPFailures: 3}})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a-one", "a-two", "a-three"} {
			_, _, _ = svc.Login(b.ctx, name, "wrong password", testIP, "")
		}
		if _, _, err := svc.Login(b.ctx, "officer", testPassword, testIP, ""); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("login from a throttled address = %v, want ErrTooManyRequests", err)
		}
		if _, _, err := svc.Login(b.ctx, "officer", testPassword, "192.0.2.1", ""); err != nil {
			t.Fatalf("login from another address: %v", err)
		}
	})

	t.Run("DisabledUser", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		sess, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.DisableUser(b.ctx, Principal{}, "officer"); err != nil {
			t.Fatalf("DisableUser: %v", err)
		}
		if _, _, err := b.svc.Authenticate(b.ctx, sess.Token); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("session of a disabled user = %v, want ErrUnauthorized", err)
		}
		_, _, err = b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		if ue, ok := vikalp.AsUserError(err); !ok || ue.Kind != vikalp.ErrUnauthorized ||
			ue.Message != "username or password is incorrect" {
			t.Fatalf("login of a disabled user = %v, want the bad-credentials error", err)
		}
	})

	t.Run("RehashesOldParameters", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		stronger := PasswordParams{Memory: 2048, Iterations: 1, Parallelism: 1}
		svc, err := NewService(b.pool, Deps{Config: Config{Password: stronger}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Login(b.ctx, "officer", testPassword, testIP, ""); err != nil {
			t.Fatal(err)
		}
		hash, _ := svc.users.PasswordHash(b.ctx, u.ID)
		if !strings.Contains(hash, "m=2048,") {
			t.Fatalf("hash not upgraded: %s", hash[:30])
		}
	})
}

func TestServiceSessions(t *testing.T) {
	t.Parallel()

	login := func(t *testing.T, b *testBundle) Session {
		t.Helper()
		testUser(t, b, nil)
		sess, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		if err != nil {
			t.Fatal(err)
		}
		return sess
	}

	t.Run("Authenticate", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		sess := login(t, b)
		got, p, err := b.svc.Authenticate(b.ctx, sess.Token)
		if err != nil || got.ID != sess.ID || got.CSRFToken != sess.CSRFToken || got.Token != "" ||
			p.Role != RoleNodal || p.Scope.ID != 162 {
			t.Fatalf("Authenticate = %+v, %+v, %v", got, p, err)
		}
		for _, bad := range []string{"", "garbage", sess.Token + "x", strings.ToUpper(sess.Token)} {
			if _, _, err := b.svc.Authenticate(b.ctx, bad); !errors.Is(err, vikalp.ErrUnauthorized) {
				t.Fatalf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
			}
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		sess := login(t, b)
		b.clock.Advance(12*time.Hour - time.Second)
		if _, _, err := b.svc.Authenticate(b.ctx, sess.Token); err != nil {
			t.Fatalf("session just before expiry: %v", err)
		}
		b.clock.Advance(time.Second)
		if _, _, err := b.svc.Authenticate(b.ctx, sess.Token); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("expired session = %v, want ErrUnauthorized", err)
		}
		if n, err := b.svc.PruneSessions(b.ctx); err != nil || n != 1 {
			t.Fatalf("PruneSessions = %d, %v", n, err)
		}
	})

	t.Run("LastSeenThrottled", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		sess := login(t, b)
		lastSeen := func() time.Time {
			var at time.Time
			if err := b.pool.QueryRow(b.ctx, `SELECT last_seen_at FROM sessions WHERE id = $1`, sess.ID).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at
		}
		start := b.clock.Now()
		b.clock.Advance(30 * time.Second)
		_, _, _ = b.svc.Authenticate(b.ctx, sess.Token)
		if !lastSeen().Equal(start) {
			t.Fatal("last_seen_at written within the interval")
		}
		b.clock.Advance(31 * time.Second)
		_, _, _ = b.svc.Authenticate(b.ctx, sess.Token)
		if !lastSeen().Equal(b.clock.Now()) {
			t.Fatal("last_seen_at not written after the interval")
		}
	})

	t.Run("Logout", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		sess := login(t, b)
		if err := b.svc.Logout(b.ctx, sess.Token); err != nil {
			t.Fatalf("Logout: %v", err)
		}
		if _, _, err := b.svc.Authenticate(b.ctx, sess.Token); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("session after logout = %v, want ErrUnauthorized", err)
		}
		if err := b.svc.Logout(b.ctx, sess.Token); err != nil {
			t.Fatalf("second Logout: %v", err)
		}
		if err := b.svc.Logout(b.ctx, "garbage"); err != nil {
			t.Fatalf("Logout(garbage): %v", err)
		}
		if got := auditActions(t, b); got[len(got)-1] != "auth.logout" {
			t.Fatalf("audit actions = %v", got)
		}
	})

	t.Run("ChangePassword", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		current := login(t, b)
		other, _, err := b.svc.Login(b.ctx, "officer", testPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		_, p, _ := b.svc.Authenticate(b.ctx, current.Token)
		if err := b.svc.ChangePassword(b.ctx, p, current.ID, "wrong password", "a brand new secret"); !errors.Is(err, vikalp.ErrInvalid) {
			t.Fatalf("wrong current password = %v, want ErrInvalid", err)
		}
		if err := b.svc.ChangePassword(b.ctx, p, current.ID, testPassword, "short"); !errors.Is(err, vikalp.ErrInvalid) {
			t.Fatalf("short new password = %v, want ErrInvalid", err)
		}
		if err := b.svc.ChangePassword(b.ctx, p, current.ID, testPassword, "a brand new secret"); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		if _, _, err := b.svc.Authenticate(b.ctx, current.Token); err != nil {
			t.Fatalf("current session ended: %v", err)
		}
		if _, _, err := b.svc.Authenticate(b.ctx, other.Token); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("other session survived: %v", err)
		}
		if _, _, err := b.svc.Login(b.ctx, "officer", "a brand new secret", testIP, ""); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
	})
}

func TestServiceTokens(t *testing.T) {
	t.Parallel()

	t.Run("CreateAuthenticateRevoke", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, &userOpts{Username: "cad-bridge", Role: RolePCR, Scope: Scope{Kind: ScopePCR, ID: 7}})
		tok, plaintext, err := b.svc.CreateToken(b.ctx, Principal{}, "cad-bridge", "dispatch", 0)
		if err != nil || !strings.HasPrefix(plaintext, APITokenPrefix) || tok.ExpiresAt != nil ||
			!strings.HasPrefix(plaintext, tok.Prefix) {
			t.Fatalf("CreateToken = %+v, %v", tok, err)
		}
		got, p, err := b.svc.AuthenticateToken(b.ctx, plaintext)
		if err != nil || got.ID != tok.ID || p.UserID != u.ID || p.Role != RolePCR || p.Scope.ID != 7 {
			t.Fatalf("AuthenticateToken = %+v, %+v, %v", got, p, err)
		}
		if _, err := b.svc.RevokeToken(b.ctx, Principal{}, tok.ID); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
		if _, _, err := b.svc.AuthenticateToken(b.ctx, plaintext); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("revoked token = %v, want ErrUnauthorized", err)
		}
		actions := auditActions(t, b)
		if !slices.Contains(actions, "token.created") || !slices.Contains(actions, "token.revoked") {
			t.Fatalf("audit actions = %v", actions)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		_, plaintext, err := b.svc.CreateToken(b.ctx, Principal{}, "officer", "report-sync", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Hour)
		if _, _, err := b.svc.AuthenticateToken(b.ctx, plaintext); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("expired token = %v, want ErrUnauthorized", err)
		}
	})

	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		_, plaintext, err := b.svc.CreateToken(b.ctx, Principal{}, "officer", "sync", 0)
		if err != nil {
			t.Fatal(err)
		}
		sess, _, _ := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		for _, bad := range []string{"", "vkt_short", sess.Token, APITokenPrefix + sess.Token} {
			if _, _, err := b.svc.AuthenticateToken(b.ctx, bad); !errors.Is(err, vikalp.ErrUnauthorized) {
				t.Fatalf("AuthenticateToken(%q) = %v, want ErrUnauthorized", bad, err)
			}
		}
		if _, _, err := b.svc.CreateToken(b.ctx, Principal{}, "officer", " ", 0); !errors.Is(err, vikalp.ErrInvalid) {
			t.Fatalf("blank name = %v, want ErrInvalid", err)
		}
		if _, _, err := b.svc.CreateToken(b.ctx, Principal{}, "nobody", "sync", 0); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("unknown user = %v, want ErrNotFound", err)
		}
		if _, err := b.svc.DisableUser(b.ctx, Principal{}, "officer"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.svc.AuthenticateToken(b.ctx, plaintext); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("token of a disabled user = %v, want ErrUnauthorized", err)
		}
		if _, _, err := b.svc.CreateToken(b.ctx, Principal{}, "officer", "again", 0); !errors.Is(err, vikalp.ErrConflict) {
			t.Fatalf("token for a disabled user = %v, want ErrConflict", err)
		}
	})
}

func TestServiceAccounts(t *testing.T) {
	t.Parallel()

	t.Run("CreateUserValidates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		admin := Principal{UserID: 1, Role: RoleAdmin, Scope: StateScope}
		good := NewUser{Username: "sp.lucknow", Password: testPassword, Role: RoleSP,
			Scope: Scope{Kind: ScopeDistrict, ID: 162}}
		for name, n := range map[string]NewUser{
			"ShortPassword": {Username: good.Username, Password: "short", Role: good.Role, Scope: good.Scope},
			"BadUsername":   {Username: "a b", Password: testPassword, Role: good.Role, Scope: good.Scope},
			"ScopeMismatch": {Username: good.Username, Password: testPassword, Role: RoleSP, Scope: StateScope},
			"UnknownRole":   {Username: good.Username, Password: testPassword, Role: "chief", Scope: StateScope},
		} {
			if _, err := b.svc.CreateUser(b.ctx, admin, n); !errors.Is(err, vikalp.ErrInvalid) {
				t.Errorf("%s: CreateUser = %v, want ErrInvalid", name, err)
			}
		}
		u, err := b.svc.CreateUser(b.ctx, admin, good)
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if _, err := b.svc.CreateUser(b.ctx, admin, good); !errors.Is(err, vikalp.ErrConflict) {
			t.Fatalf("duplicate CreateUser = %v, want ErrConflict", err)
		}
		recs, _ := NewAuditStore(b.pool).List(b.ctx, 0, 10)
		if len(recs) != 1 || recs[0].Action != "user.created" || recs[0].ActorUserID != 1 ||
			recs[0].ActorRole != RoleAdmin || recs[0].ObjectID != u.ID ||
			strings.Contains(string(recs[0].Detail), testPassword) {
			t.Fatalf("audit = %+v", recs)
		}
	})

	t.Run("ListUsers", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		users, err := b.svc.ListUsers(b.ctx)
		if err != nil || len(users) != 1 || users[0].Username != "officer" {
			t.Fatalf("ListUsers = %+v, %v", users, err)
		}
	})

	t.Run("DisableUnknown", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if _, err := b.svc.DisableUser(b.ctx, Principal{}, "nobody"); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("DisableUser(nobody) = %v, want ErrNotFound", err)
		}
	})

	t.Run("SeedDemoUsersIsIdempotent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, &userOpts{Username: "demo.admin", Role: RoleAdmin, Scope: StateScope})
		demo := []DemoUser{
			{Username: "demo.admin", Password: "demo-password", Role: RoleAdmin, Scope: StateScope},
			{Username: "demo.station", Password: "demo-password", Role: RoleStation, Scope: Scope{Kind: ScopeStation, ID: 1}},
			{Username: "demo.msp", Password: "demo-password", Role: RoleMSPAnalyst, Scope: StateScope},
		}
		n, err := SeedDemoUsers(b.ctx, b.pool, demo)
		if err != nil || n != 2 {
			t.Fatalf("first seed = %d, %v; want 2", n, err)
		}
		n, err = SeedDemoUsers(b.ctx, b.pool, demo)
		if err != nil || n != 0 {
			t.Fatalf("second seed = %d, %v; want 0", n, err)
		}
		if _, _, err := b.svc.Login(b.ctx, "demo.station", "demo-password", testIP, ""); err != nil {
			t.Fatalf("login as seeded user: %v", err)
		}
		bad := []DemoUser{{Username: "x", Password: "demo-password", Role: RoleAdmin, Scope: StateScope}}
		if _, err := SeedDemoUsers(b.ctx, b.pool, bad); !errors.Is(err, vikalp.ErrInvalid) {
			t.Fatalf("invalid demo user = %v, want ErrInvalid", err)
		}
	})

	t.Run("AuditChainIntactAfterAFullDay", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		sess, _, _ := b.svc.Login(b.ctx, "officer", testPassword, testIP, "")
		_, _, _ = b.svc.Login(b.ctx, "officer", "wrong password", testIP, "")
		_, _, _ = b.svc.CreateToken(b.ctx, Principal{}, "officer", "sync", 0)
		_ = b.svc.Logout(b.ctx, sess.Token)
		st, err := b.svc.VerifyAudit(b.ctx)
		if err != nil || !st.Intact() || st.Rows != 5 {
			t.Fatalf("VerifyAudit = %+v, %v", st, err)
		}
	})
}
