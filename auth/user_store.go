package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// UserStore reads and writes the users table.
type UserStore struct{ db pg.DBTX }

// NewUserStore returns a UserStore on db.
func NewUserStore(db pg.DBTX) *UserStore { return &UserStore{db: db} }

// userRow is one users row as scanned, without the password hash.
type userRow struct {
	ID           int64      `db:"id"`
	Username     string     `db:"username"`
	DisplayName  string     `db:"display_name"`
	Role         string     `db:"role"`
	ScopeKind    string     `db:"scope_kind"`
	ScopeID      int64      `db:"scope_id"`
	FailedLogins int        `db:"failed_logins"`
	LockedUntil  *time.Time `db:"locked_until"`
	LastLoginAt  *time.Time `db:"last_login_at"`
	DisabledAt   *time.Time `db:"disabled_at"`
	CreatedAt    time.Time  `db:"created_at"`
	TOTPEnabled  *time.Time `db:"totp_enabled_at"`
}

func (r userRow) user() User {
	return User{
		ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, Role: Role(r.Role),
		Scope:        Scope{Kind: ScopeKind(r.ScopeKind), ID: r.ScopeID},
		FailedLogins: r.FailedLogins, LockedUntil: r.LockedUntil, LastLoginAt: r.LastLoginAt,
		DisabledAt: r.DisabledAt, CreatedAt: r.CreatedAt, TOTPEnabledAt: r.TOTPEnabled,
	}
}

// credentialsRow adds the password hash, for login only.
type credentialsRow struct {
	userRow
	PasswordHash string `db:"password_hash"`
}

const userColumns = `id, username::text AS username, display_name, role, scope_kind, scope_id,
	failed_logins, locked_until, last_login_at, disabled_at, created_at, totp_enabled_at`

// CreateUserParams are the stored fields of a new account; the password is
// already hashed.
type CreateUserParams struct {
	Username     string
	DisplayName  string
	PasswordHash string
	Role         Role
	Scope        Scope
}

const createUserSQL = `
INSERT INTO users (username, display_name, password_hash, role, scope_kind, scope_id)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING ` + userColumns

// Create inserts an account. A taken username (in any letter case) is an
// ErrConflict with a user-safe message.
func (s *UserStore) Create(ctx context.Context, p CreateUserParams) (User, error) {
	u, err := s.one(ctx, createUserSQL, p.Username, p.DisplayName, p.PasswordHash,
		string(p.Role), string(p.Scope.Kind), p.Scope.ID)
	if err != nil {
		if errors.Is(err, vikalp.ErrConflict) {
			return User{}, vikalp.Conflictf("that username is already taken")
		}
		return User{}, fmt.Errorf("insert user: %w", err)
	}
	return u, nil
}

const userByIDSQL = `SELECT ` + userColumns + ` FROM users WHERE id = $1`

// ByID returns the user with id, or ErrNotFound.
func (s *UserStore) ByID(ctx context.Context, id int64) (User, error) {
	u, err := s.one(ctx, userByIDSQL, id)
	if err != nil {
		return User{}, fmt.Errorf("select user %d: %w", id, err)
	}
	return u, nil
}

const userByUsernameSQL = `SELECT ` + userColumns + ` FROM users WHERE username = $1`

// ByUsername returns the user named username (in any letter case), or
// ErrNotFound.
func (s *UserStore) ByUsername(ctx context.Context, username string) (User, error) {
	u, err := s.one(ctx, userByUsernameSQL, username)
	if err != nil {
		return User{}, fmt.Errorf("select user by username: %w", err)
	}
	return u, nil
}

const listUsersSQL = `SELECT ` + userColumns + ` FROM users ORDER BY id`

// List returns every account, oldest first.
func (s *UserStore) List(ctx context.Context) ([]User, error) {
	rs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[userRow], listUsersSQL)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	users := make([]User, len(rs))
	for i, r := range rs {
		users[i] = r.user()
	}
	return users, nil
}

const disableUserSQL = `
UPDATE users SET disabled_at = coalesce(disabled_at, $2), updated_at = $2
WHERE id = $1
RETURNING ` + userColumns

// Disable marks the account disabled at at. Disabling twice keeps the first
// time. It does not end sessions; Service.DisableUser does.
func (s *UserStore) Disable(ctx context.Context, id int64, at time.Time) (User, error) {
	u, err := s.one(ctx, disableUserSQL, id, at)
	if err != nil {
		return User{}, fmt.Errorf("disable user %d: %w", id, err)
	}
	return u, nil
}

const credentialsSQL = `SELECT ` + userColumns + `, password_hash FROM users WHERE username = $1`

// Credentials returns the user named username with their password hash, for
// verification at login.
func (s *UserStore) Credentials(ctx context.Context, username string) (User, string, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[credentialsRow], credentialsSQL, username)
	if err != nil {
		return User{}, "", fmt.Errorf("select credentials: %w", err)
	}
	return r.user(), r.PasswordHash, nil
}

const passwordHashSQL = `SELECT password_hash FROM users WHERE id = $1`

// PasswordHash returns the stored hash of user id's password.
func (s *UserStore) PasswordHash(ctx context.Context, id int64) (string, error) {
	var hash string
	if err := s.db.QueryRow(ctx, passwordHashSQL, id).Scan(&hash); err != nil {
		return "", fmt.Errorf("select password hash of user %d: %w", id, pg.Interpret(err))
	}
	return hash, nil
}

const setPasswordSQL = `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`

// SetPassword replaces user id's password hash.
func (s *UserStore) SetPassword(ctx context.Context, id int64, hash string, at time.Time) error {
	tag, err := s.db.Exec(ctx, setPasswordSQL, id, hash, at)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set password of user %d: %w", id, vikalp.ErrNotFound)
	}
	return nil
}

// The failure count restarts at 1 when the previous failure is older than
// the window or an earlier lock has run out. SET expressions see the row as
// locked by this UPDATE, so concurrent failures each count.
const recordLoginFailureSQL = `
UPDATE users SET
    failed_logins = CASE WHEN last_failed_at IS NULL OR last_failed_at <= $3
                              OR coalesce(locked_until <= $2, false)
                         THEN 1 ELSE failed_logins + 1 END,
    locked_until = CASE WHEN (CASE WHEN last_failed_at IS NULL OR last_failed_at <= $3
                                        OR coalesce(locked_until <= $2, false)
                                   THEN 1 ELSE failed_logins + 1 END) >= $4
                        THEN $5::timestamptz
                        WHEN coalesce(locked_until <= $2, false) THEN NULL
                        ELSE locked_until END,
    last_failed_at = $2,
    updated_at = $2
WHERE id = $1
RETURNING ` + userColumns

// LockoutPolicy says how many consecutive failed logins within Window put
// an account under guard (locked_until; see User.Guarded), and for how long.
type LockoutPolicy struct {
	MaxFailures int
	Window      time.Duration // failures older than this are forgotten; also the guard's length
}

// RecordLoginFailure counts one failed login for user id at at, guarding
// the account when policy's limit is reached, and returns the updated user.
func (s *UserStore) RecordLoginFailure(ctx context.Context, id int64, at time.Time, policy LockoutPolicy) (User, error) {
	u, err := s.one(ctx, recordLoginFailureSQL, id, at, at.Add(-policy.Window),
		policy.MaxFailures, at.Add(policy.Window))
	if err != nil {
		return User{}, fmt.Errorf("record login failure of user %d: %w", id, err)
	}
	return u, nil
}

const recordLoginSuccessSQL = `
UPDATE users SET failed_logins = 0, last_failed_at = NULL, locked_until = NULL,
    last_login_at = $2, updated_at = $2
WHERE id = $1`

// RecordLoginSuccess clears user id's failure count and lock and notes the
// login time.
func (s *UserStore) RecordLoginSuccess(ctx context.Context, id int64, at time.Time) error {
	tag, err := s.db.Exec(ctx, recordLoginSuccessSQL, id, at)
	if err != nil {
		return fmt.Errorf("record login of user %d: %w", id, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("record login of user %d: %w", id, vikalp.ErrNotFound)
	}
	return nil
}

const existingUsernamesSQL = `SELECT username::text FROM users WHERE username = ANY($1::citext[])`

// ExistingUsernames returns those of usernames that already have accounts,
// as stored.
func (s *UserStore) ExistingUsernames(ctx context.Context, usernames []string) ([]string, error) {
	names, err := pg.QueryAll(ctx, s.db, pgx.RowTo[string], existingUsernamesSQL, usernames)
	if err != nil {
		return nil, fmt.Errorf("select existing usernames: %w", err)
	}
	return names, nil
}

// one runs a query returning exactly one user row.
func (s *UserStore) one(ctx context.Context, sql string, args ...any) (User, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[userRow], sql, args...)
	if err != nil {
		return User{}, err
	}
	return r.user(), nil
}

// joinedUserColumns select a user, aliased with a u_ prefix, next to the
// columns of a table joined to users as u.
const joinedUserColumns = `u.username::text AS u_username, u.display_name AS u_display_name,
       u.role AS u_role, u.scope_kind AS u_scope_kind, u.scope_id AS u_scope_id,
       u.failed_logins AS u_failed_logins, u.locked_until AS u_locked_until,
       u.last_login_at AS u_last_login_at, u.disabled_at AS u_disabled_at, u.created_at AS u_created_at,
       u.totp_enabled_at AS u_totp_enabled_at`

// joinedUserRow scans joinedUserColumns.
type joinedUserRow struct {
	UUsername     string     `db:"u_username"`
	UDisplayName  string     `db:"u_display_name"`
	URole         string     `db:"u_role"`
	UScopeKind    string     `db:"u_scope_kind"`
	UScopeID      int64      `db:"u_scope_id"`
	UFailedLogins int        `db:"u_failed_logins"`
	ULockedUntil  *time.Time `db:"u_locked_until"`
	ULastLoginAt  *time.Time `db:"u_last_login_at"`
	UDisabledAt   *time.Time `db:"u_disabled_at"`
	UCreatedAt    time.Time  `db:"u_created_at"`
	UTOTPEnabled  *time.Time `db:"u_totp_enabled_at"`
}

func (r joinedUserRow) user(id int64) User {
	return userRow{ID: id, Username: r.UUsername, DisplayName: r.UDisplayName, Role: r.URole,
		ScopeKind: r.UScopeKind, ScopeID: r.UScopeID, FailedLogins: r.UFailedLogins,
		LockedUntil: r.ULockedUntil, LastLoginAt: r.ULastLoginAt, DisabledAt: r.UDisabledAt,
		CreatedAt: r.UCreatedAt, TOTPEnabled: r.UTOTPEnabled}.user()
}
