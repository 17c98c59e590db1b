-- +goose Up
-- sms_outbox is drained in batches by a periodic job (cases.DrainSMS)
-- instead of one River job per queued transaction: at a thousand filings a
-- second the per-filing job (three versions of a river_job row, each in
-- seven indexes) cost more than the messages. next_attempt_at is when a
-- queued row may next be tried: at once for a new row ('-infinity'), later
-- after a failed attempt (backoff). The drainer locks due rows with
-- FOR UPDATE SKIP LOCKED, so any number of workers share the work.
ALTER TABLE sms_outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT '-infinity';
DROP INDEX IF EXISTS sms_outbox_queued_idx;
CREATE INDEX sms_outbox_due_idx ON sms_outbox (next_attempt_at, id) WHERE status = 'queued';

-- +goose Down
DROP INDEX IF EXISTS sms_outbox_due_idx;
CREATE INDEX sms_outbox_queued_idx ON sms_outbox (created_at) WHERE status = 'queued';
ALTER TABLE sms_outbox DROP COLUMN IF EXISTS next_attempt_at;
