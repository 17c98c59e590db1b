package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

func TestSessionStore(t *testing.T) {
	t.Parallel()

	// newSession stores a session of u created at now, returning it and its
	// plaintext token.
	newSession := func(t *testing.T, b *testBundle, u User, now time.Time, ttl time.Duration) (Session, string) {
		t.Helper()
		token, hash, err := newToken("")
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSessionStore(b.pool).Create(b.ctx, CreateSessionParams{TokenHash: hash, UserID: u.ID,
			CSRFToken: "csrf-" + token[:8], IP: "203.0.113.9", UserAgent: "test agent",
			CreatedAt: now, ExpiresAt: now.Add(ttl)})
		if err != nil {
			t.Fatalf("create session: %v", err)
		}
		return s, token
	}

	t.Run("CreateAndByTokenHash", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		now := b.clock.Now()
		s, token := newSession(t, b, u, now, time.Hour)
		if s.ID == 0 || s.UserID != u.ID || !s.CreatedAt.Equal(now) || !s.LastSeenAt.Equal(now) ||
			!s.ExpiresAt.Equal(now.Add(time.Hour)) || s.IP != "203.0.113.9" {
			t.Fatalf("created session = %+v", s)
		}
		got, gotUser, err := NewSessionStore(b.pool).ByTokenHash(b.ctx, hashToken(token), now)
		if err != nil || got.ID != s.ID || got.CSRFToken != s.CSRFToken || gotUser.ID != u.ID ||
			gotUser.Role != RoleNodal || gotUser.Scope != u.Scope || gotUser.Username != u.Username {
			t.Fatalf("ByTokenHash = %+v, %+v, %v", got, gotUser, err)
		}
	})

	t.Run("ByTokenHashRejectsExpiredAndUnknown", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		now := b.clock.Now()
		_, token := newSession(t, b, u, now, time.Hour)
		store := NewSessionStore(b.pool)
		if _, _, err := store.ByTokenHash(b.ctx, hashToken(token), now.Add(time.Hour)); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("expired session error = %v, want ErrNotFound", err)
		}
		if _, _, err := store.ByTokenHash(b.ctx, hashToken("other"), now); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("unknown session error = %v, want ErrNotFound", err)
		}
	})

	t.Run("CreateTruncatesLongUserAgent", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		_, hash, _ := newToken("")
		long := "\x00é" + strings.Repeat("a", 254) + "é" // the cut falls inside the last é
		s, err := NewSessionStore(b.pool).Create(b.ctx, CreateSessionParams{TokenHash: hash, UserID: u.ID,
			CSRFToken: "x", UserAgent: long, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil || s.UserAgent != "é"+strings.Repeat("a", 254) {
			t.Fatalf("Create with long user agent = %d bytes, %v", len(s.UserAgent), err)
		}
	})

	t.Run("Touch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		now := b.clock.Now()
		s, token := newSession(t, b, u, now, time.Hour)
		store := NewSessionStore(b.pool)
		if err := store.Touch(b.ctx, s.ID, now.Add(5*time.Minute)); err != nil {
			t.Fatalf("Touch: %v", err)
		}
		if err := store.Touch(b.ctx, s.ID, now.Add(time.Minute)); err != nil { // never moves back
			t.Fatalf("Touch: %v", err)
		}
		got, _, err := store.ByTokenHash(b.ctx, hashToken(token), now)
		if err != nil || !got.LastSeenAt.Equal(now.Add(5*time.Minute)) {
			t.Fatalf("after Touch last seen = %v, %v", got.LastSeenAt, err)
		}
	})

	t.Run("DeleteByTokenHash", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		s, token := newSession(t, b, u, b.clock.Now(), time.Hour)
		store := NewSessionStore(b.pool)
		got, err := store.DeleteByTokenHash(b.ctx, hashToken(token))
		if err != nil || got.ID != s.ID {
			t.Fatalf("DeleteByTokenHash = %+v, %v", got, err)
		}
		if _, err := store.DeleteByTokenHash(b.ctx, hashToken(token)); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("second delete error = %v, want ErrNotFound", err)
		}
	})

	t.Run("DeleteForUser", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		other := testUser(t, b, &userOpts{Username: "other"})
		now := b.clock.Now()
		keep, _ := newSession(t, b, u, now, time.Hour)
		newSession(t, b, u, now, time.Hour)
		newSession(t, b, u, now, time.Hour)
		_, otherToken := newSession(t, b, other, now, time.Hour)
		store := NewSessionStore(b.pool)
		n, err := store.DeleteForUser(b.ctx, u.ID, keep.ID)
		if err != nil || n != 2 {
			t.Fatalf("DeleteForUser keeping one = %d, %v; want 2", n, err)
		}
		n, err = store.DeleteForUser(b.ctx, u.ID, 0)
		if err != nil || n != 1 {
			t.Fatalf("DeleteForUser keeping none = %d, %v; want 1", n, err)
		}
		if _, _, err := store.ByTokenHash(b.ctx, hashToken(otherToken), now); err != nil {
			t.Fatalf("another user's session was touched: %v", err)
		}
	})

	t.Run("DeleteExpired", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		now := b.clock.Now()
		newSession(t, b, u, now.Add(-2*time.Hour), time.Hour)
		_, live := newSession(t, b, u, now, time.Hour)
		store := NewSessionStore(b.pool)
		n, err := store.DeleteExpired(b.ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
		}
		if _, _, err := store.ByTokenHash(b.ctx, hashToken(live), now); err != nil {
			t.Fatalf("live session deleted: %v", err)
		}
	})
}
