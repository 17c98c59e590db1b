package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// SubmissionKey is a stored Idempotency-Key: which report or tip it
// created and the fingerprint of the request.
type SubmissionKey struct {
	Key         string
	Kind        string
	EntityID    int64
	RequestHash []byte
	CreatedAt   time.Time
}

// SubmissionKeyStore reads and writes submission_keys.
type SubmissionKeyStore struct{ db pg.DBTX }

// NewSubmissionKeyStore returns a SubmissionKeyStore on db.
func NewSubmissionKeyStore(db pg.DBTX) *SubmissionKeyStore { return &SubmissionKeyStore{db: db} }

const insertSubmissionKeySQL = `
INSERT INTO submission_keys (key, kind, entity_id, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)`

// Insert records k; call it in the transaction that stores the submission.
// A key already stored (or being stored by a concurrent transaction, which
// it waits for) is ErrConflict.
func (s *SubmissionKeyStore) Insert(ctx context.Context, k SubmissionKey) error {
	if _, err := s.db.Exec(ctx, insertSubmissionKeySQL, k.Key, k.Kind, k.EntityID, k.RequestHash, k.CreatedAt); err != nil {
		return fmt.Errorf("insert submission key: %w", pg.Interpret(err))
	}
	return nil
}

const getSubmissionKeySQL = `
SELECT key, kind, entity_id, request_hash, created_at FROM submission_keys WHERE key = $1`

// Get returns the stored key, or ErrNotFound.
func (s *SubmissionKeyStore) Get(ctx context.Context, key string) (SubmissionKey, error) {
	k, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByPos[SubmissionKey], getSubmissionKeySQL, key)
	if err != nil {
		return SubmissionKey{}, fmt.Errorf("get submission key: %w", err)
	}
	return k, nil
}

const pruneSubmissionKeysSQL = `DELETE FROM submission_keys WHERE created_at < $1`

// Prune deletes keys created before before (their replay window is over)
// and returns how many.
func (s *SubmissionKeyStore) Prune(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, pruneSubmissionKeysSQL, before)
	if err != nil {
		return 0, fmt.Errorf("prune submission keys: %w", err)
	}
	return tag.RowsAffected(), nil
}

const reportReceiptSQL = `
SELECT r.code, r.status, r.duplicate_of IS NOT NULL, COALESCE(e.also_reported, 0)
FROM reports r LEFT JOIN reports e ON e.id = r.duplicate_of
WHERE r.id = $1`

// ReportReceipt rebuilds the receipt of report id for a replayed submission.
func (s *SubmissionKeyStore) ReportReceipt(ctx context.Context, id int64) (ReportReceipt, error) {
	rec, err := pg.QueryOne(ctx, s.db, func(row pgx.CollectableRow) (ReportReceipt, error) {
		var r ReportReceipt
		var code *string
		err := row.Scan(&code, &r.Status, &r.LinkedTo, &r.AlsoReported)
		if code != nil {
			r.Code = *code
		}
		return r, err
	}, reportReceiptSQL, id)
	if err != nil {
		return ReportReceipt{}, fmt.Errorf("get report receipt: %w", err)
	}
	return rec, nil
}

const tipCodeSQL = `SELECT code FROM tips WHERE id = $1`

// TipReceipt rebuilds the receipt of tip id for a replayed submission.
func (s *SubmissionKeyStore) TipReceipt(ctx context.Context, id int64) (TipReceipt, error) {
	code, err := pg.QueryOne(ctx, s.db, pgx.RowTo[string], tipCodeSQL, id)
	if err != nil {
		return TipReceipt{}, fmt.Errorf("get tip receipt: %w", err)
	}
	return TipReceipt{Code: code}, nil
}
