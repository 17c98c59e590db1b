package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vikalp/vikalp/internal/pg"
)

// SMSStore reads and writes the SMS outbox (see the note on sms_outbox in
// the migration: package alerts takes it over).
type SMSStore struct{ db pg.DBTX }

// NewSMSStore returns an SMSStore on db (a pool or a transaction).
func NewSMSStore(db pg.DBTX) *SMSStore { return &SMSStore{db: db} }

const smsColumns = `id, to_kind, to_role, district_id, complaint_id, report_id, phone_sealed, template, body, status,
	provider, attempts, last_error, created_at, sent_at`

// insertManySMSSQL queues several rows in one statement, in array order.
const insertManySMSSQL = `
	INSERT INTO sms_outbox (to_kind, to_role, district_id, complaint_id, phone_sealed, template, body,
		created_at, next_attempt_at)
	SELECT to_kind, to_role, district_id, complaint_id, phone_sealed, template, body, created_at,
		COALESCE(not_before, '-infinity')
	FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::bytea[], $6::text[], $7::text[],
		$8::timestamptz[], $9::timestamptz[]) WITH ORDINALITY
		AS m(to_kind, to_role, district_id, complaint_id, phone_sealed, template, body, created_at, not_before, n)
	ORDER BY n`

// QueueOutbox adds to b the statement that queues ms (their IDs, status
// and delivery fields are ignored); the caller sends b on a transaction.
// A row is due at once (the next drain, DrainSMS, sends it) unless its
// NotBefore lies ahead.
func QueueOutbox(b *pgx.Batch, ms []OutboxSMS) {
	n := len(ms)
	kinds, roles, districts, complaints := make([]string, n), make([]string, n), make([]*int, n), make([]*int64, n)
	phones, templates, bodies, ats := make([][]byte, n), make([]string, n), make([]string, n), make([]time.Time, n)
	notBefore := make([]*time.Time, n)
	for i, m := range ms {
		kinds[i], roles[i], districts[i], complaints[i] = m.ToKind, m.ToRole, m.DistrictID, m.ComplaintID
		phones[i], templates[i], bodies[i], ats[i] = m.PhoneSealed, m.Template, m.Body, m.CreatedAt
		if !m.NotBefore.IsZero() && m.NotBefore.After(m.CreatedAt) {
			notBefore[i] = &ms[i].NotBefore
		}
	}
	b.Queue(insertManySMSSQL, kinds, roles, districts, complaints, phones, templates, bodies, ats, notBefore).
		Exec(func(pgconn.CommandTag) error { return nil })
}

// dueSMSSQL locks up to $2 queued rows due at $1, oldest first; rows
// another drainer holds are skipped.
const dueSMSSQL = `SELECT ` + smsColumns + ` FROM sms_outbox
	WHERE status = 'queued' AND next_attempt_at <= $1
	ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`

// LockDue locks and returns up to limit queued rows due at now, until the
// transaction ends (the store must be on one).
func (s *SMSStore) LockDue(ctx context.Context, now time.Time, limit int) ([]OutboxSMS, error) {
	ms, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[OutboxSMS], dueSMSSQL, now, limit)
	if err != nil {
		return nil, fmt.Errorf("lock due sms: %w", err)
	}
	return ms, nil
}

const smsForComplaintSQL = `SELECT ` + smsColumns + ` FROM sms_outbox WHERE complaint_id = $1 ORDER BY id`

// ForComplaint returns the messages queued about a complaint, oldest first.
func (s *SMSStore) ForComplaint(ctx context.Context, complaintID int64) ([]OutboxSMS, error) {
	ms, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[OutboxSMS], smsForComplaintSQL, complaintID)
	if err != nil {
		return nil, fmt.Errorf("list sms: %w", err)
	}
	return ms, nil
}

const markSMSSentSQL = `UPDATE sms_outbox SET status = 'sent', provider = $2, attempts = attempts + 1,
	sent_at = $3, last_error = '' WHERE id = ANY($1) AND status = 'queued'`

// MarkSent records delivered messages.
func (s *SMSStore) MarkSent(ctx context.Context, ids []int64, provider string, at time.Time) error {
	if _, err := s.db.Exec(ctx, markSMSSentSQL, ids, provider, at); err != nil {
		return fmt.Errorf("mark sms sent: %w", pg.Interpret(err))
	}
	return nil
}

const markSMSHeldSQL = `UPDATE sms_outbox SET status = 'held', provider = $2 WHERE id = ANY($1) AND status = 'queued'`

// MarkHeld records messages kept because no gateway is configured: never
// delivered, never counted as sent.
func (s *SMSStore) MarkHeld(ctx context.Context, ids []int64, provider string) error {
	if _, err := s.db.Exec(ctx, markSMSHeldSQL, ids, provider); err != nil {
		return fmt.Errorf("mark sms held: %w", pg.Interpret(err))
	}
	return nil
}

const markSMSFailedSQL = `UPDATE sms_outbox SET attempts = attempts + 1, provider = $2, last_error = $3,
	status = CASE WHEN $4::bool THEN 'failed' ELSE status END, next_attempt_at = $5
	WHERE id = $1 AND status = 'queued'`

// MarkAttemptFailed counts a failed attempt; final marks the row failed,
// otherwise it is tried again from retryAt.
func (s *SMSStore) MarkAttemptFailed(ctx context.Context, id int64, provider, errText string, final bool,
	retryAt time.Time) error {
	if _, err := s.db.Exec(ctx, markSMSFailedSQL, id, provider, errText, final, retryAt); err != nil {
		return fmt.Errorf("mark sms attempt failed: %w", pg.Interpret(err))
	}
	return nil
}

// Reads package ingest's reports table for the code a reporter's number is
// sealed to.
const reportCodeSQL = `SELECT code FROM reports WHERE id = $1`

// ReportCode returns the code of hotspot report id.
func (s *SMSStore) ReportCode(ctx context.Context, id int64) (string, error) {
	var code string
	if err := s.db.QueryRow(ctx, reportCodeSQL, id).Scan(&code); err != nil {
		return "", fmt.Errorf("get code of report %d: %w", id, pg.Interpret(err))
	}
	return code, nil
}
