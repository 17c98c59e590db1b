package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// SessionStore reads and writes the sessions table.
type SessionStore struct{ db pg.DBTX }

// NewSessionStore returns a SessionStore on db.
func NewSessionStore(db pg.DBTX) *SessionStore { return &SessionStore{db: db} }

type sessionRow struct {
	ID         int64     `db:"id"`
	UserID     int64     `db:"user_id"`
	CSRFToken  string    `db:"csrf_token"`
	IP         string    `db:"ip"`
	UserAgent  string    `db:"user_agent"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
	Stage      string    `db:"stage"`
}

func (r sessionRow) session() Session {
	return Session{ID: r.ID, UserID: r.UserID, CSRFToken: r.CSRFToken, IP: r.IP, UserAgent: r.UserAgent,
		CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt, Stage: SessionStage(r.Stage)}
}

// CreateSessionParams are the stored fields of a new session.
type CreateSessionParams struct {
	TokenHash []byte
	UserID    int64
	CSRFToken string
	IP        string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
	Stage     SessionStage // StageFull when empty
}

const createSessionSQL = `
INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at, stage)
VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)
RETURNING id, user_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at, stage`

// Create inserts a session.
func (s *SessionStore) Create(ctx context.Context, p CreateSessionParams) (Session, error) {
	stage := p.Stage
	if stage == "" {
		stage = StageFull
	}
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[sessionRow], createSessionSQL,
		p.TokenHash, p.UserID, p.CSRFToken, truncate(p.IP, 64), truncate(p.UserAgent, 256),
		p.CreatedAt, p.ExpiresAt, string(stage))
	if err != nil {
		return Session{}, fmt.Errorf("insert session: %w", err)
	}
	return r.session(), nil
}

// sessionUserRow is a session joined with its user.
type sessionUserRow struct {
	sessionRow
	joinedUserRow
}

const sessionByTokenHashSQL = `
SELECT s.id, s.user_id, s.csrf_token, s.ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at,
       s.stage, ` + joinedUserColumns + `
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > $2`

// ByTokenHash returns the session whose token hashes to hash and its user,
// or ErrNotFound when there is none or it has expired at now.
func (s *SessionStore) ByTokenHash(ctx context.Context, hash []byte, now time.Time) (Session, User, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[sessionUserRow], sessionByTokenHashSQL, hash, now)
	if err != nil {
		return Session{}, User{}, fmt.Errorf("select session: %w", err)
	}
	return r.session(), r.user(r.UserID), nil
}

const touchSessionSQL = `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`

// Touch records that session id was used at at.
func (s *SessionStore) Touch(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, touchSessionSQL, id, at); err != nil {
		return fmt.Errorf("touch session %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const deleteSessionSQL = `DELETE FROM sessions WHERE token_hash = $1 RETURNING id, user_id, csrf_token,
	ip, user_agent, created_at, last_seen_at, expires_at, stage`

// DeleteByTokenHash deletes the session whose token hashes to hash and
// returns it, or ErrNotFound.
func (s *SessionStore) DeleteByTokenHash(ctx context.Context, hash []byte) (Session, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[sessionRow], deleteSessionSQL, hash)
	if err != nil {
		return Session{}, fmt.Errorf("delete session: %w", err)
	}
	return r.session(), nil
}

const deleteUserSessionsSQL = `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`

// DeleteForUser deletes every session of user userID except exceptID (0
// keeps none) and returns how many it deleted.
func (s *SessionStore) DeleteForUser(ctx context.Context, userID, exceptID int64) (int64, error) {
	tag, err := s.db.Exec(ctx, deleteUserSessionsSQL, userID, exceptID)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, pg.Interpret(err))
	}
	return tag.RowsAffected(), nil
}

const deleteExpiredSessionsSQL = `DELETE FROM sessions WHERE expires_at <= $1`

// DeleteExpired deletes sessions that have run out at now and returns how
// many it deleted.
func (s *SessionStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, deleteExpiredSessionsSQL, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", pg.Interpret(err))
	}
	return tag.RowsAffected(), nil
}
