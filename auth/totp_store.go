package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// TOTPStore reads and writes the second-factor columns of users, the
// totp_recovery_codes table and the login_challenges table.
type TOTPStore struct{ db pg.DBTX }

// NewTOTPStore returns a TOTPStore on db.
func NewTOTPStore(db pg.DBTX) *TOTPStore { return &TOTPStore{db: db} }

// TOTPState is a user's second factor as stored: sealed secrets and the
// last accepted time step.
type TOTPState struct {
	Secret   []byte // confirmed secret, sealed; nil when not enrolled
	Pending  []byte // secret awaiting its first code, sealed; nil when none
	LastStep int64
}

const totpStateSQL = `SELECT totp_secret_sealed, totp_pending_sealed, totp_last_step FROM users WHERE id = $1`

// State returns user userID's second factor, or ErrNotFound.
func (s *TOTPStore) State(ctx context.Context, userID int64) (TOTPState, error) {
	var st TOTPState
	if err := s.db.QueryRow(ctx, totpStateSQL, userID).Scan(&st.Secret, &st.Pending, &st.LastStep); err != nil {
		return TOTPState{}, fmt.Errorf("select totp state of user %d: %w", userID, pg.Interpret(err))
	}
	return st, nil
}

const setPendingTOTPSQL = `
UPDATE users SET totp_pending_sealed = $2, updated_at = $3 WHERE id = $1 AND totp_secret_sealed IS NULL`

// SetPending stores a sealed secret awaiting confirmation. A user who is
// already enrolled gets ErrConflict.
func (s *TOTPStore) SetPending(ctx context.Context, userID int64, sealed []byte, at time.Time) error {
	tag, err := s.db.Exec(ctx, setPendingTOTPSQL, userID, sealed, at)
	if err != nil {
		return fmt.Errorf("set pending totp of user %d: %w", userID, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return errTOTPEnrolled
	}
	return nil
}

const confirmTOTPSQL = `
UPDATE users SET totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = NULL,
    totp_enabled_at = $3, totp_last_step = $2, updated_at = $3
WHERE id = $1 AND totp_pending_sealed IS NOT NULL AND totp_secret_sealed IS NULL`

// Confirm makes the pending secret the user's second factor, with step as
// the last one used.
func (s *TOTPStore) Confirm(ctx context.Context, userID, step int64, at time.Time) error {
	tag, err := s.db.Exec(ctx, confirmTOTPSQL, userID, step, at)
	if err != nil {
		return fmt.Errorf("confirm totp of user %d: %w", userID, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return errTOTPEnrolled
	}
	return nil
}

const useTOTPStepSQL = `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`

// UseStep records that a code for step was accepted, and reports false when
// that step (or a later one) was already used: a replay.
func (s *TOTPStore) UseStep(ctx context.Context, userID, step int64) (bool, error) {
	tag, err := s.db.Exec(ctx, useTOTPStepSQL, userID, step)
	if err != nil {
		return false, fmt.Errorf("use totp step of user %d: %w", userID, pg.Interpret(err))
	}
	return tag.RowsAffected() == 1, nil
}

const resetTOTPSQL = `
UPDATE users SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, totp_enabled_at = NULL,
    updated_at = $2
WHERE id = $1`

const deleteRecoveryCodesSQL = `DELETE FROM totp_recovery_codes WHERE user_id = $1`

// Reset removes user userID's second factor and recovery codes. The last
// used step is kept, so codes seen before the reset stay spent.
func (s *TOTPStore) Reset(ctx context.Context, userID int64, at time.Time) error {
	tag, err := s.db.Exec(ctx, resetTOTPSQL, userID, at)
	if err != nil {
		return fmt.Errorf("reset totp of user %d: %w", userID, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("reset totp of user %d: %w", userID, vikalp.ErrNotFound)
	}
	if _, err := s.db.Exec(ctx, deleteRecoveryCodesSQL, userID); err != nil {
		return fmt.Errorf("delete recovery codes of user %d: %w", userID, pg.Interpret(err))
	}
	return nil
}

const insertRecoveryCodeSQL = `INSERT INTO totp_recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)`

// ReplaceRecoveryCodes drops user userID's recovery codes and stores hashes.
func (s *TOTPStore) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte, at time.Time) error {
	if _, err := s.db.Exec(ctx, deleteRecoveryCodesSQL, userID); err != nil {
		return fmt.Errorf("delete recovery codes of user %d: %w", userID, pg.Interpret(err))
	}
	batch := &pgx.Batch{}
	for _, h := range hashes {
		batch.Queue(insertRecoveryCodeSQL, userID, h, at)
	}
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("insert recovery codes of user %d: %w", userID, pg.Interpret(err))
	}
	return nil
}

const useRecoveryCodeSQL = `
UPDATE totp_recovery_codes SET used_at = $3
WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`

// UseRecoveryCode spends the unused recovery code hashing to hash and
// reports whether there was one.
func (s *TOTPStore) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, at time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, useRecoveryCodeSQL, userID, hash, at)
	if err != nil {
		return false, fmt.Errorf("use recovery code of user %d: %w", userID, pg.Interpret(err))
	}
	return tag.RowsAffected() == 1, nil
}

const recoveryCodesLeftSQL = `SELECT count(*) FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL`

// RecoveryCodesLeft counts user userID's unused recovery codes.
func (s *TOTPStore) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, recoveryCodesLeftSQL, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes of user %d: %w", userID, pg.Interpret(err))
	}
	return n, nil
}

// loginChallenge is a password-verified login waiting for its second factor.
type loginChallenge struct {
	ID       int64 `db:"id"`
	UserID   int64 `db:"user_id"`
	Attempts int   `db:"attempts"`
}

const createChallengeSQL = `
INSERT INTO login_challenges (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`

// CreateChallenge stores a pending login for user userID until expires.
func (s *TOTPStore) CreateChallenge(ctx context.Context, hash []byte, userID int64, at, expires time.Time) error {
	if _, err := s.db.Exec(ctx, createChallengeSQL, hash, userID, at, expires); err != nil {
		return fmt.Errorf("insert login challenge: %w", pg.Interpret(err))
	}
	return nil
}

const challengeByHashSQL = `
SELECT id, user_id, attempts FROM login_challenges WHERE token_hash = $1 AND expires_at > $2`

// ChallengeByHash returns the live challenge whose token hashes to hash, or
// ErrNotFound.
func (s *TOTPStore) ChallengeByHash(ctx context.Context, hash []byte, now time.Time) (loginChallenge, error) {
	c, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[loginChallenge], challengeByHashSQL, hash, now)
	if err != nil {
		return loginChallenge{}, fmt.Errorf("select login challenge: %w", err)
	}
	return c, nil
}

const failChallengeSQL = `UPDATE login_challenges SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts`

const deleteChallengeSQL = `DELETE FROM login_challenges WHERE id = $1`

// FailChallenge counts a wrong code against challenge id and deletes it once
// it has max failures.
func (s *TOTPStore) FailChallenge(ctx context.Context, id int64, max int) error {
	var attempts int
	if err := s.db.QueryRow(ctx, failChallengeSQL, id).Scan(&attempts); err != nil {
		return fmt.Errorf("count challenge failure: %w", pg.Interpret(err))
	}
	if attempts >= max {
		return s.DeleteChallenge(ctx, id)
	}
	return nil
}

// DeleteChallenge deletes challenge id (used or given up).
func (s *TOTPStore) DeleteChallenge(ctx context.Context, id int64) error {
	if _, err := s.db.Exec(ctx, deleteChallengeSQL, id); err != nil {
		return fmt.Errorf("delete login challenge: %w", pg.Interpret(err))
	}
	return nil
}

const deleteExpiredChallengesSQL = `DELETE FROM login_challenges WHERE expires_at <= $1`

// DeleteExpiredChallenges deletes challenges that ran out at now.
func (s *TOTPStore) DeleteExpiredChallenges(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, deleteExpiredChallengesSQL, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired login challenges: %w", pg.Interpret(err))
	}
	return tag.RowsAffected(), nil
}

const setConfirmedTOTPSQL = `
UPDATE users SET totp_secret_sealed = $2, totp_pending_sealed = NULL, totp_enabled_at = now(), updated_at = now()
WHERE id = $1 AND totp_secret_sealed IS NULL`

// SetConfirmed gives user userID the sealed secret as a confirmed second
// factor unless they have one (for the demo seed), reporting whether it did.
func (s *TOTPStore) SetConfirmed(ctx context.Context, userID int64, sealed []byte) (bool, error) {
	tag, err := s.db.Exec(ctx, setConfirmedTOTPSQL, userID, sealed)
	if err != nil {
		return false, fmt.Errorf("set totp of user %d: %w", userID, pg.Interpret(err))
	}
	return tag.RowsAffected() == 1, nil
}
