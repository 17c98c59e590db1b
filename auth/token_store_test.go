package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

func TestTokenStore(t *testing.T) {
	t.Parallel()

	newAPIToken := func(t *testing.T, b *testBundle, u User, name string, expires *time.Time) (APIToken, string) {
		t.Helper()
		plaintext, hash, err := newToken(APITokenPrefix)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := NewTokenStore(b.pool).Create(b.ctx, CreateTokenParams{UserID: u.ID, Name: name,
			Prefix: plaintext[:displayPrefixLen], TokenHash: hash, CreatedAt: b.clock.Now(), ExpiresAt: expires})
		if err != nil {
			t.Fatalf("create token: %v", err)
		}
		return tok, plaintext
	}

	t.Run("CreateAndByHash", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		tok, plaintext := newAPIToken(t, b, u, "cad", nil)
		if tok.ID == 0 || tok.UserID != u.ID || tok.Name != "cad" || tok.Prefix != plaintext[:displayPrefixLen] ||
			tok.ExpiresAt != nil || !tok.Active(b.clock.Now()) {
			t.Fatalf("created token = %+v", tok)
		}
		got, gotUser, err := NewTokenStore(b.pool).ByHash(b.ctx, hashToken(plaintext), b.clock.Now())
		if err != nil || got.ID != tok.ID || gotUser.ID != u.ID || gotUser.Scope != u.Scope {
			t.Fatalf("ByHash = %+v, %+v, %v", got, gotUser, err)
		}
	})

	t.Run("CreateConflictOnLiveName", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		first, _ := newAPIToken(t, b, u, "cad", nil)
		_, hash, _ := newToken(APITokenPrefix)
		store := NewTokenStore(b.pool)
		_, err := store.Create(b.ctx, CreateTokenParams{UserID: u.ID, Name: "cad", Prefix: "vkt_x",
			TokenHash: hash, CreatedAt: b.clock.Now()})
		if !errors.Is(err, vikalp.ErrConflict) {
			t.Fatalf("duplicate live name error = %v, want ErrConflict", err)
		}
		if _, err := store.Revoke(b.ctx, first.ID, b.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Create(b.ctx, CreateTokenParams{UserID: u.ID, Name: "cad", Prefix: "vkt_x",
			TokenHash: hash, CreatedAt: b.clock.Now()}); err != nil {
			t.Fatalf("name of a revoked token not reusable: %v", err)
		}
	})

	t.Run("ByHashRejectsRevokedAndExpired", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		now := b.clock.Now()
		expires := now.Add(time.Hour)
		_, expiring := newAPIToken(t, b, u, "expiring", &expires)
		revoked, revokedText := newAPIToken(t, b, u, "revoked", nil)
		store := NewTokenStore(b.pool)
		if _, _, err := store.ByHash(b.ctx, hashToken(expiring), now); err != nil {
			t.Fatalf("live token refused: %v", err)
		}
		if _, _, err := store.ByHash(b.ctx, hashToken(expiring), expires); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("expired token error = %v, want ErrNotFound", err)
		}
		if _, err := store.Revoke(b.ctx, revoked.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.ByHash(b.ctx, hashToken(revokedText), now); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("revoked token error = %v, want ErrNotFound", err)
		}
	})

	t.Run("Touch", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		tok, plaintext := newAPIToken(t, b, u, "cad", nil)
		at := b.clock.Now().Add(time.Minute)
		store := NewTokenStore(b.pool)
		if err := store.Touch(b.ctx, tok.ID, at); err != nil {
			t.Fatalf("Touch: %v", err)
		}
		got, _, err := store.ByHash(b.ctx, hashToken(plaintext), at)
		if err != nil || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
			t.Fatalf("after Touch = %+v, %v", got, err)
		}
	})

	t.Run("RevokeKeepsFirstTime", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		tok, _ := newAPIToken(t, b, u, "cad", nil)
		now := b.clock.Now()
		store := NewTokenStore(b.pool)
		got, err := store.Revoke(b.ctx, tok.ID, now)
		if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(now) || got.Active(now) {
			t.Fatalf("Revoke = %+v, %v", got, err)
		}
		again, err := store.Revoke(b.ctx, tok.ID, now.Add(time.Hour))
		if err != nil || !again.RevokedAt.Equal(now) {
			t.Fatalf("second Revoke = %+v, %v", again, err)
		}
		if _, err := store.Revoke(b.ctx, 999, now); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("Revoke(999) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("ListForUser", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := testUser(t, b, nil)
		other := testUser(t, b, &userOpts{Username: "other"})
		newAPIToken(t, b, u, "one", nil)
		newAPIToken(t, b, u, "two", nil)
		newAPIToken(t, b, other, "three", nil)
		got, err := NewTokenStore(b.pool).ListForUser(b.ctx, u.ID)
		if err != nil || len(got) != 2 || got[0].Name != "one" || got[1].Name != "two" {
			t.Fatalf("ListForUser = %+v, %v", got, err)
		}
	})
}
