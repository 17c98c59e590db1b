package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

func TestUserStore(t *testing.T) {
	t.Parallel()

	create := func(t *testing.T, b *testBundle, username string) User {
		t.Helper()
		u, err := NewUserStore(b.pool).Create(b.ctx, CreateUserParams{Username: username, DisplayName: "Asha",
			PasswordHash: "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$a2V5", Role: RoleStation,
			Scope: Scope{Kind: ScopeStation, ID: 7}})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		return u
	}

	t.Run("CreateAndByID", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "Station.Officer")
		if u.ID == 0 || u.Username != "Station.Officer" || u.Role != RoleStation ||
			u.Scope != (Scope{Kind: ScopeStation, ID: 7}) || u.Disabled() || u.CreatedAt.IsZero() {
			t.Fatalf("created user = %+v", u)
		}
		got, err := NewUserStore(b.pool).ByID(b.ctx, u.ID)
		if err != nil || got.Username != u.Username || got.DisplayName != "Asha" {
			t.Fatalf("ByID = %+v, %v", got, err)
		}
	})

	t.Run("CreateConflictIgnoresCase", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		create(t, b, "asha")
		_, err := NewUserStore(b.pool).Create(b.ctx, CreateUserParams{Username: "ASHA",
			PasswordHash: "$argon2id$x", Role: RoleAdmin, Scope: StateScope})
		if !errors.Is(err, vikalp.ErrConflict) {
			t.Fatalf("duplicate username error = %v, want ErrConflict", err)
		}
	})

	t.Run("CreateRejectsBadScopeInDatabase", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := NewUserStore(b.pool).Create(b.ctx, CreateUserParams{Username: "bad",
			PasswordHash: "$argon2id$x", Role: RoleAdmin, Scope: Scope{Kind: ScopeState, ID: 9}})
		if !errors.Is(err, vikalp.ErrInvalid) {
			t.Fatalf("state scope with id error = %v, want ErrInvalid", err)
		}
	})

	t.Run("ByIDNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if _, err := NewUserStore(b.pool).ByID(b.ctx, 999); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("ByID(999) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("ByUsernameIgnoresCase", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "Asha")
		got, err := NewUserStore(b.pool).ByUsername(b.ctx, "aSHA")
		if err != nil || got.ID != u.ID {
			t.Fatalf("ByUsername = %+v, %v", got, err)
		}
		if _, err := NewUserStore(b.pool).ByUsername(b.ctx, "nobody"); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("ByUsername(nobody) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		create(t, b, "first")
		create(t, b, "second")
		users, err := NewUserStore(b.pool).List(b.ctx)
		if err != nil || len(users) != 2 || users[0].Username != "first" || users[1].Username != "second" {
			t.Fatalf("List = %+v, %v", users, err)
		}
	})

	t.Run("DisableKeepsFirstTime", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "asha")
		first := time.Now().UTC().Truncate(time.Microsecond)
		store := NewUserStore(b.pool)
		got, err := store.Disable(b.ctx, u.ID, first)
		if err != nil || !got.Disabled() || !got.DisabledAt.Equal(first) {
			t.Fatalf("Disable = %+v, %v", got, err)
		}
		again, err := store.Disable(b.ctx, u.ID, first.Add(time.Hour))
		if err != nil || !again.DisabledAt.Equal(first) {
			t.Fatalf("second Disable = %+v, %v; want the first time kept", again, err)
		}
		if _, err := store.Disable(b.ctx, 999, first); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("Disable(999) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("CredentialsAndPasswordHash", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "asha")
		store := NewUserStore(b.pool)
		got, hash, err := store.Credentials(b.ctx, "ASHA")
		if err != nil || got.ID != u.ID || hash != "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$a2V5" {
			t.Fatalf("Credentials = %+v, %q, %v", got, hash, err)
		}
		if err := store.SetPassword(b.ctx, u.ID, "$argon2id$new", time.Now()); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if hash, err := store.PasswordHash(b.ctx, u.ID); err != nil || hash != "$argon2id$new" {
			t.Fatalf("PasswordHash = %q, %v", hash, err)
		}
		if err := store.SetPassword(b.ctx, 999, "$argon2id$new", time.Now()); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("SetPassword(999) error = %v, want ErrNotFound", err)
		}
		if _, _, err := store.Credentials(b.ctx, "nobody"); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("Credentials(nobody) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("RecordLoginFailureLocksAtLimit", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "asha")
		store := NewUserStore(b.pool)
		policy := LockoutPolicy{MaxFailures: 3, Window: 15 * time.Minute}
		now := time.Now().UTC().Truncate(time.Microsecond)
		for i := 1; i <= 3; i++ {
			got, err := store.RecordLoginFailure(b.ctx, u.ID, now, policy)
			if err != nil || got.FailedLogins != i {
				t.Fatalf("failure %d: %+v, %v", i, got, err)
			}
			if guarded := got.Guarded(now); guarded != (i == 3) {
				t.Fatalf("after failure %d guarded = %v", i, guarded)
			}
		}
		// Once the lock has run out, the next failure starts a new count.
		later := now.Add(16 * time.Minute)
		got, err := store.RecordLoginFailure(b.ctx, u.ID, later, policy)
		if err != nil || got.FailedLogins != 1 || got.Guarded(later) {
			t.Fatalf("failure after lock expiry = %+v, %v", got, err)
		}
	})

	t.Run("RecordLoginFailureForgetsOldFailures", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "asha")
		store := NewUserStore(b.pool)
		policy := LockoutPolicy{MaxFailures: 3, Window: 15 * time.Minute}
		now := time.Now().UTC()
		for range 2 {
			if _, err := store.RecordLoginFailure(b.ctx, u.ID, now, policy); err != nil {
				t.Fatal(err)
			}
		}
		got, err := store.RecordLoginFailure(b.ctx, u.ID, now.Add(20*time.Minute), policy)
		if err != nil || got.FailedLogins != 1 || got.LockedUntil != nil {
			t.Fatalf("failure after a quiet window = %+v, %v", got, err)
		}
	})

	t.Run("RecordLoginSuccessClearsFailures", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := create(t, b, "asha")
		store := NewUserStore(b.pool)
		now := time.Now().UTC().Truncate(time.Microsecond)
		policy := LockoutPolicy{MaxFailures: 1, Window: time.Minute}
		if _, err := store.RecordLoginFailure(b.ctx, u.ID, now, policy); err != nil {
			t.Fatal(err)
		}
		if err := store.RecordLoginSuccess(b.ctx, u.ID, now); err != nil {
			t.Fatalf("RecordLoginSuccess: %v", err)
		}
		got, err := store.ByID(b.ctx, u.ID)
		if err != nil || got.FailedLogins != 0 || got.LockedUntil != nil || got.LastLoginAt == nil ||
			!got.LastLoginAt.Equal(now) {
			t.Fatalf("after success = %+v, %v", got, err)
		}
		if err := store.RecordLoginSuccess(b.ctx, 999, now); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("RecordLoginSuccess(999) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("ExistingUsernames", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		create(t, b, "Asha")
		got, err := NewUserStore(b.pool).ExistingUsernames(b.ctx, []string{"asha", "meera"})
		if err != nil || len(got) != 1 || got[0] != "Asha" {
			t.Fatalf("ExistingUsernames = %v, %v", got, err)
		}
	})
}
