package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// ATRStore reads and writes action taken reports.
type ATRStore struct{ db pg.DBTX }

// NewATRStore returns an ATRStore on db (a pool or a transaction).
func NewATRStore(db pg.DBTX) *ATRStore { return &ATRStore{db: db} }

const atrColumns = `id, complaint_id, seq, text, action_taken, language, status, drafted_by, vetted_by,
	return_reason, internal_note, due_at, created_at, updated_at, submitted_at, published_at,
	fir_number, fir_station_id`

// The next seq is computed under the complaint's row lock (callers hold it).
const insertATRSQL = `
	INSERT INTO atrs (complaint_id, seq, text, action_taken, language, status, drafted_by,
		internal_note, due_at, created_at, updated_at, fir_number, fir_station_id)
	VALUES ($1, (SELECT COALESCE(max(seq), 0) + 1 FROM atrs WHERE complaint_id = $1), $2, $3, $4,
		'draft', $5, $6, $7, $8, $8, $9, $10)
	RETURNING ` + atrColumns

// Insert creates a new draft ATR for a complaint, with the FIR it records
// (zero: none).
func (s *ATRStore) Insert(ctx context.Context, complaintID int64, in ATRInput, fir recordedFIR, lang Language,
	by *int64, due *time.Time, at time.Time) (ATR, error) {
	return s.one(ctx, "insert atr", insertATRSQL, complaintID, in.Text, in.ActionTaken, lang, by,
		in.InternalNote, due, at, fir.number(), fir.stationID())
}

const updateDraftSQL = `UPDATE atrs SET text = $2, action_taken = $3, internal_note = $4,
	drafted_by = $5, updated_at = $6, fir_number = $7, fir_station_id = $8
	WHERE id = $1 AND status = 'draft' RETURNING ` + atrColumns

// UpdateDraft rewrites a draft ATR, FIR included (zero: none); a submitted
// one is ErrNotFound.
func (s *ATRStore) UpdateDraft(ctx context.Context, id int64, in ATRInput, fir recordedFIR, by *int64,
	at time.Time) (ATR, error) {
	return s.one(ctx, "update atr draft", updateDraftSQL, id, in.Text, in.ActionTaken, in.InternalNote, by, at,
		fir.number(), fir.stationID())
}

const openATRSQL = `SELECT ` + atrColumns + ` FROM atrs
	WHERE complaint_id = $1 AND status IN ('draft', 'submitted')`

// Open returns the complaint's ATR in the works (draft or submitted), or
// ErrNotFound.
func (s *ATRStore) Open(ctx context.Context, complaintID int64) (ATR, error) {
	return s.one(ctx, "get open atr", openATRSQL, complaintID)
}

const latestPublishedSQL = `SELECT ` + atrColumns + ` FROM atrs
	WHERE complaint_id = $1 AND status = 'published' ORDER BY seq DESC LIMIT 1`

// LatestPublished returns the complaint's newest published ATR, or
// ErrNotFound.
func (s *ATRStore) LatestPublished(ctx context.Context, complaintID int64) (ATR, error) {
	return s.one(ctx, "get latest published atr", latestPublishedSQL, complaintID)
}

const setATRStatusSQL = `UPDATE atrs SET status = $2::text, updated_at = $3::timestamptz,
	submitted_at = CASE WHEN $2::text = 'submitted' THEN $3::timestamptz ELSE submitted_at END,
	published_at = CASE WHEN $2::text = 'published' THEN $3::timestamptz END,
	vetted_by = CASE WHEN $2::text IN ('published', 'returned') THEN $4::bigint ELSE vetted_by END,
	return_reason = $5
	WHERE id = $1 AND status = $6 RETURNING ` + atrColumns

// SetStatus moves ATR id from one status to another, recording the vetting
// officer and the return reason. An ATR not in from is ErrNotFound.
func (s *ATRStore) SetStatus(ctx context.Context, id int64, from, to ATRStatus, by *int64,
	returnReason string, at time.Time) (ATR, error) {
	return s.one(ctx, "set atr status", setATRStatusSQL, id, to, at, by, returnReason, from)
}

const atrsSQL = `SELECT ` + atrColumns + ` FROM atrs
	WHERE complaint_id = $1 AND (status = 'published' OR NOT $2) ORDER BY seq`

// List returns a complaint's ATRs by seq; publishedOnly keeps the ones the
// complainant may see.
func (s *ATRStore) List(ctx context.Context, complaintID int64, publishedOnly bool) ([]ATR, error) {
	atrs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ATR], atrsSQL, complaintID, publishedOnly)
	if err != nil {
		return nil, fmt.Errorf("list atrs: %w", err)
	}
	return atrs, nil
}

func (s *ATRStore) one(ctx context.Context, what, sql string, args ...any) (ATR, error) {
	rows, _ := s.db.Query(ctx, sql, args...)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[ATR])
	if err != nil {
		return ATR{}, fmt.Errorf("%s: %w", what, pg.Interpret(err))
	}
	return a, nil
}
