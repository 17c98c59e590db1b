package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vikalp/vikalp/internal/pg"
)

// Store reads and writes the SMS outbox. Callers that queue bind it to
// their own transaction.
type Store struct{ db pg.DBTX }

// NewStore returns a Store on db (a pool or a transaction).
func NewStore(db pg.DBTX) *Store { return &Store{db: db} }

const smsColumns = `id, to_kind, to_role, district_id, complaint_id, report_id, phone_sealed, template, body, status,
	provider, attempts, last_error, created_at, sent_at`

// insertManySQL queues several rows in one statement, in array order. A
// row without NotBefore gets the column's default, '-infinity': due now.
const insertManySQL = `
	INSERT INTO sms_outbox (to_kind, to_role, district_id, complaint_id, report_id, phone_sealed, template, body,
		created_at, next_attempt_at)
	SELECT to_kind, to_role, district_id, complaint_id, report_id, phone_sealed, template, body, created_at,
		COALESCE(not_before, '-infinity')
	FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::bytea[], $7::text[], $8::text[],
		$9::timestamptz[], $10::timestamptz[]) WITH ORDINALITY
		AS m(to_kind, to_role, district_id, complaint_id, report_id, phone_sealed, template, body, created_at,
			not_before, n)
	ORDER BY n`

// insertArgs are insertManySQL's parameters for ms (their IDs, status and
// delivery fields are ignored).
func insertArgs(ms []OutboxSMS) []any {
	n := len(ms)
	kinds, roles, districts, complaints := make([]string, n), make([]string, n), make([]*int, n), make([]*int64, n)
	reports, phones, templates, bodies := make([]*int64, n), make([][]byte, n), make([]string, n), make([]string, n)
	ats, notBefore := make([]time.Time, n), make([]*time.Time, n)
	for i, m := range ms {
		kinds[i], roles[i], districts[i], complaints[i] = m.ToKind, m.ToRole, m.DistrictID, m.ComplaintID
		reports[i], phones[i], templates[i], bodies[i] = m.ReportID, m.PhoneSealed, m.Template, m.Body
		ats[i] = m.CreatedAt
		if !m.NotBefore.IsZero() && m.NotBefore.After(m.CreatedAt) {
			notBefore[i] = &ms[i].NotBefore
		}
	}
	return []any{kinds, roles, districts, complaints, reports, phones, templates, bodies, ats, notBefore}
}

// QueueBatch adds to b the statement that queues ms; the caller sends b on
// its transaction (one round trip with its other writes). A row is due at
// once (the next drain sends it) unless its NotBefore lies ahead.
func QueueBatch(b *pgx.Batch, ms []OutboxSMS) {
	b.Queue(insertManySQL, insertArgs(ms)...).Exec(func(pgconn.CommandTag) error { return nil })
}

// Queue inserts ms on the store's db, the caller's transaction, like
// QueueBatch.
func (s *Store) Queue(ctx context.Context, ms ...OutboxSMS) error {
	if len(ms) == 0 {
		return nil
	}
	if _, err := s.db.Exec(ctx, insertManySQL, insertArgs(ms)...); err != nil {
		return fmt.Errorf("queue %d sms: %w", len(ms), pg.Interpret(err))
	}
	return nil
}

// dueSQL locks up to $2 queued rows due at $1, oldest first; rows another
// drainer holds are skipped.
const dueSQL = `SELECT ` + smsColumns + ` FROM sms_outbox
	WHERE status = 'queued' AND next_attempt_at <= $1
	ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`

// LockDue locks and returns up to limit queued rows due at now, until the
// transaction ends (the store must be on one).
func (s *Store) LockDue(ctx context.Context, now time.Time, limit int) ([]OutboxSMS, error) {
	ms, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[OutboxSMS], dueSQL, now, limit)
	if err != nil {
		return nil, fmt.Errorf("lock due sms: %w", err)
	}
	return ms, nil
}

const forComplaintSQL = `SELECT ` + smsColumns + ` FROM sms_outbox WHERE complaint_id = $1 ORDER BY id`

// ForComplaint returns the messages queued about a complaint, oldest first.
func (s *Store) ForComplaint(ctx context.Context, complaintID int64) ([]OutboxSMS, error) {
	ms, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[OutboxSMS], forComplaintSQL, complaintID)
	if err != nil {
		return nil, fmt.Errorf("list sms: %w", err)
	}
	return ms, nil
}

const markSentSQL = `UPDATE sms_outbox SET status = 'sent', provider = $2, attempts = attempts + 1,
	sent_at = $3, last_error = '' WHERE id = ANY($1) AND status = 'queued'`

// MarkSent records delivered messages.
func (s *Store) MarkSent(ctx context.Context, ids []int64, provider string, at time.Time) error {
	if _, err := s.db.Exec(ctx, markSentSQL, ids, provider, at); err != nil {
		return fmt.Errorf("mark sms sent: %w", pg.Interpret(err))
	}
	return nil
}

const markHeldSQL = `UPDATE sms_outbox SET status = 'held', provider = $2 WHERE id = ANY($1) AND status = 'queued'`

// MarkHeld records messages kept because no gateway is configured: never
// delivered, never counted as sent.
func (s *Store) MarkHeld(ctx context.Context, ids []int64, provider string) error {
	if _, err := s.db.Exec(ctx, markHeldSQL, ids, provider); err != nil {
		return fmt.Errorf("mark sms held: %w", pg.Interpret(err))
	}
	return nil
}

const markFailedSQL = `UPDATE sms_outbox SET attempts = attempts + 1, provider = $2, last_error = $3,
	status = CASE WHEN $4::bool THEN 'failed' ELSE status END, next_attempt_at = $5
	WHERE id = $1 AND status = 'queued'`

// MarkAttemptFailed counts a failed attempt; final marks the row failed,
// otherwise it is tried again from retryAt.
func (s *Store) MarkAttemptFailed(ctx context.Context, id int64, provider, errText string, final bool,
	retryAt time.Time) error {
	if _, err := s.db.Exec(ctx, markFailedSQL, id, provider, errText, final, retryAt); err != nil {
		return fmt.Errorf("mark sms attempt failed: %w", pg.Interpret(err))
	}
	return nil
}

// listSQL never selects phone_sealed (nor report_id: admins see complaint
// ids only, as before).
const listSQL = `SELECT id, to_kind, to_role, district_id, complaint_id, template, body, status, provider,
	attempts, last_error, created_at, sent_at
FROM sms_outbox WHERE ($1::text = '' OR status = $1) AND ($2::bigint = 0 OR id < $2)
ORDER BY id DESC LIMIT $3`

// List returns outbox rows with status ("" for all) below beforeID (0 for
// the newest), newest first, at most limit (≤ 200), for admins: PhoneSealed
// and ReportID are always nil.
func (s *Store) List(ctx context.Context, status string, beforeID int64, limit int) ([]OutboxSMS, error) {
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByNameLax[OutboxSMS], listSQL, status, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list sms outbox: %w", err)
	}
	return list, nil
}
