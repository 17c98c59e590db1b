package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// CreateUser validates n, hashes its password and creates the account,
// audited as done by actor (the zero Principal for the system, e.g. the CLI).
func (s *Service) CreateUser(ctx context.Context, actor Principal, n NewUser) (User, error) {
	if err := n.Validate(); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if u, err = NewUserStore(tx).Create(ctx, CreateUserParams{Username: n.Username,
			DisplayName: n.DisplayName, PasswordHash: hash, Role: n.Role, Scope: n.Scope}); err != nil {
			return err
		}
		_, err := Append(ctx, tx, EntryBy(actor, "user.created", "user", u.ID,
			map[string]any{"role": string(u.Role), "scope": u.Scope.String()}))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// DisableUser disables the account named username and ends its sessions;
// its API tokens stop working with it. Disabling twice is harmless.
func (s *Service) DisableUser(ctx context.Context, actor Principal, username string) (User, error) {
	var u User
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		users := NewUserStore(tx)
		found, err := users.ByUsername(ctx, username)
		if err != nil {
			return err
		}
		if u, err = users.Disable(ctx, found.ID, s.clock.Now()); err != nil {
			return err
		}
		ended, err := NewSessionStore(tx).DeleteForUser(ctx, u.ID, 0)
		if err != nil {
			return err
		}
		_, err = Append(ctx, tx, EntryBy(actor, "user.disabled", "user", u.ID,
			map[string]any{"sessions_ended": ended}))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("disable user: %w", err)
	}
	return u, nil
}

// ListUsers returns every account, oldest first.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	return s.users.List(ctx)
}

// ChangePassword replaces p's password after checking current, and ends
// every other session of p (keepSessionID, the caller's, survives).
func (s *Service) ChangePassword(ctx context.Context, p Principal, keepSessionID int64, current, next string) error {
	if err := ValidatePassword(next); err != nil {
		return err
	}
	now := s.clock.Now()
	// Wrong current passwords count as one pair of their own, shared by
	// all of p's sessions (only they can reach it): five within the window
	// refuse further tries, so a hijacked session cannot guess the password.
	// Take counts this try in advance; a right password clears the count.
	k := newLoginKey(p.Username, "password-change")
	if err := s.byPair.Take(k.pair, now); err != nil {
		return err
	}
	old, err := s.users.PasswordHash(ctx, p.UserID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	ok, err := s.hasher.Verify(ctx, current, old)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !ok {
		s.byUser.Fail(k.user, now)
		return vikalp.InvalidField("current_password", "wrong_password", "the current password is not correct")
	}
	s.byPair.Reset(k.pair)
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := NewUserStore(tx).SetPassword(ctx, p.UserID, hash, now); err != nil {
			return err
		}
		ended, err := NewSessionStore(tx).DeleteForUser(ctx, p.UserID, keepSessionID)
		if err != nil {
			return err
		}
		_, err = Append(ctx, tx, EntryBy(p, "auth.password_changed", "user", p.UserID,
			map[string]any{"sessions_ended": ended}))
		return err
	})
	if err != nil {
		return fmt.Errorf("change password of user %d: %w", p.UserID, err)
	}
	return nil
}

// CreateToken makes an API token named name for the user named username,
// valid for ttl (0: until revoked). The plaintext is returned here once and
// never stored.
func (s *Service) CreateToken(ctx context.Context, actor Principal, username, name string, ttl time.Duration) (APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return APIToken{}, "", vikalp.InvalidField("name", "bad_token_name", "a token name has 1 to 100 characters")
	}
	if ttl < 0 {
		return APIToken{}, "", vikalp.InvalidField("ttl", "bad_ttl", "a token lifetime cannot be negative")
	}
	plaintext, hash, err := newToken(APITokenPrefix)
	if err != nil {
		return APIToken{}, "", fmt.Errorf("new api token: %w", err)
	}
	now := s.clock.Now()
	var expires *time.Time
	if ttl > 0 {
		at := now.Add(ttl)
		expires = &at
	}
	var tok APIToken
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		u, err := NewUserStore(tx).ByUsername(ctx, username)
		if err != nil {
			return err
		}
		if u.Disabled() {
			return vikalp.Conflictf("this account is disabled")
		}
		if tok, err = NewTokenStore(tx).Create(ctx, CreateTokenParams{UserID: u.ID, Name: name,
			Prefix: plaintext[:displayPrefixLen], TokenHash: hash, CreatedAt: now, ExpiresAt: expires}); err != nil {
			return err
		}
		_, err = Append(ctx, tx, EntryBy(actor, "token.created", "api_token", tok.ID,
			map[string]any{"user_id": u.ID, "prefix": tok.Prefix}))
		return err
	})
	if err != nil {
		return APIToken{}, "", fmt.Errorf("create api token: %w", err)
	}
	return tok, plaintext, nil
}

// RevokeToken revokes API token id at once. Revoking twice is harmless.
func (s *Service) RevokeToken(ctx context.Context, actor Principal, id int64) (APIToken, error) {
	var tok APIToken
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if tok, err = NewTokenStore(tx).Revoke(ctx, id, s.clock.Now()); err != nil {
			return err
		}
		_, err = Append(ctx, tx, EntryBy(actor, "token.revoked", "api_token", tok.ID,
			map[string]any{"user_id": tok.UserID}))
		return err
	})
	if err != nil {
		return APIToken{}, fmt.Errorf("revoke api token: %w", err)
	}
	return tok, nil
}

// DemoUser is an account for the demo seed. Demo passwords are public:
// never seed them into a production database.
type DemoUser struct {
	Username    string
	DisplayName string
	Password    string
	Role        Role
	Scope       Scope
}

// SeedDemoUsers creates those of users whose usernames are not taken yet and
// returns how many it created; running it again creates none. Each creation
// is audited as done by the system.
func SeedDemoUsers(ctx context.Context, db pg.DBTX, users []DemoUser) (int, error) {
	names := make([]string, len(users))
	for i, d := range users {
		n := NewUser(d)
		if err := n.Validate(); err != nil {
			return 0, fmt.Errorf("demo user %d: %w", i, err)
		}
		names[i] = d.Username
	}
	existing, err := NewUserStore(db).ExistingUsernames(ctx, names)
	if err != nil {
		return 0, err
	}
	taken := make(map[string]bool, len(existing))
	for _, name := range existing {
		taken[normalizeUsername(name)] = true
	}
	hasher, err := NewHasher(DefaultPasswordParams)
	if err != nil {
		return 0, err
	}
	created := 0
	for _, d := range users {
		if taken[normalizeUsername(d.Username)] {
			continue
		}
		taken[normalizeUsername(d.Username)] = true // a name repeated in users
		ok, err := seedOne(ctx, db, hasher, d)
		if err != nil {
			return created, err
		}
		if ok {
			created++
		}
	}
	return created, nil
}

// seedOne creates one demo user, reporting false when a concurrent seed got
// there first.
func seedOne(ctx context.Context, db pg.DBTX, hasher *Hasher, d DemoUser) (bool, error) {
	hash, err := hasher.Hash(ctx, d.Password)
	if err != nil {
		return false, err
	}
	err = pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		u, err := NewUserStore(tx).Create(ctx, CreateUserParams{Username: d.Username,
			DisplayName: d.DisplayName, PasswordHash: hash, Role: d.Role, Scope: d.Scope})
		if err != nil {
			return err
		}
		_, err = Append(ctx, tx, Entry{Action: "user.created", ObjectKind: "user", ObjectID: u.ID,
			Detail: map[string]any{"role": string(u.Role), "scope": u.Scope.String(), "seed": "demo"}})
		return err
	})
	if errors.Is(err, vikalp.ErrConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("seed demo user: %w", err)
	}
	return true, nil
}
