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

// TokenStore reads and writes the api_tokens table.
type TokenStore struct{ db pg.DBTX }

// NewTokenStore returns a TokenStore on db.
func NewTokenStore(db pg.DBTX) *TokenStore { return &TokenStore{db: db} }

type tokenRow struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	Name       string     `db:"name"`
	Prefix     string     `db:"prefix"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  *time.Time `db:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

func (r tokenRow) token() APIToken { return APIToken(r) }

const tokenColumns = `id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at`

// CreateTokenParams are the stored fields of a new API token.
type CreateTokenParams struct {
	UserID    int64
	Name      string
	Prefix    string
	TokenHash []byte
	CreatedAt time.Time
	ExpiresAt *time.Time
}

const createTokenSQL = `
INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING ` + tokenColumns

// Create inserts an API token. A user's live tokens have distinct names; a
// clash is an ErrConflict with a user-safe message.
func (s *TokenStore) Create(ctx context.Context, p CreateTokenParams) (APIToken, error) {
	t, err := s.one(ctx, createTokenSQL, p.UserID, p.Name, p.Prefix, p.TokenHash, p.CreatedAt, p.ExpiresAt)
	if err != nil {
		if errors.Is(err, vikalp.ErrConflict) {
			return APIToken{}, vikalp.Conflictf("this user already has a live token with that name")
		}
		return APIToken{}, fmt.Errorf("insert api token: %w", err)
	}
	return t, nil
}

// tokenUserRow is a token joined with its user.
type tokenUserRow struct {
	tokenRow
	joinedUserRow
}

const tokenByHashSQL = `
SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
       ` + joinedUserColumns + `
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`

// ByHash returns the live token whose plaintext hashes to hash, with its
// user, or ErrNotFound when there is none, it was revoked or it has expired
// at now.
func (s *TokenStore) ByHash(ctx context.Context, hash []byte, now time.Time) (APIToken, User, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[tokenUserRow], tokenByHashSQL, hash, now)
	if err != nil {
		return APIToken{}, User{}, fmt.Errorf("select api token: %w", err)
	}
	return r.token(), r.user(r.UserID), nil
}

const touchTokenSQL = `
UPDATE api_tokens SET last_used_at = $2
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`

// Touch records that token id was used at at.
func (s *TokenStore) Touch(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, touchTokenSQL, id, at); err != nil {
		return fmt.Errorf("touch api token %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const revokeTokenSQL = `
UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2)
WHERE id = $1
RETURNING ` + tokenColumns

// Revoke marks token id revoked at at (revoking twice keeps the first time)
// and returns it, or ErrNotFound.
func (s *TokenStore) Revoke(ctx context.Context, id int64, at time.Time) (APIToken, error) {
	t, err := s.one(ctx, revokeTokenSQL, id, at)
	if err != nil {
		return APIToken{}, fmt.Errorf("revoke api token %d: %w", id, err)
	}
	return t, nil
}

const userTokensSQL = `SELECT ` + tokenColumns + ` FROM api_tokens WHERE user_id = $1 ORDER BY id`

// ListForUser returns every token of user userID, revoked ones included,
// oldest first.
func (s *TokenStore) ListForUser(ctx context.Context, userID int64) ([]APIToken, error) {
	rs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[tokenRow], userTokensSQL, userID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens of user %d: %w", userID, err)
	}
	tokens := make([]APIToken, len(rs))
	for i, r := range rs {
		tokens[i] = r.token()
	}
	return tokens, nil
}

// one runs a query returning exactly one token row.
func (s *TokenStore) one(ctx context.Context, sql string, args ...any) (APIToken, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[tokenRow], sql, args...)
	if err != nil {
		return APIToken{}, err
	}
	return r.token(), nil
}
