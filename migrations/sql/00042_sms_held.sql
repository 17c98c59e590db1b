-- +goose Up
-- Without an SMS gateway (no VIKALP_SMS_URL) nothing is delivered, so the
-- drain marks rows 'held' instead of 'sent' (issue 17): an operator never
-- reads "sent" for a message that went nowhere, and no number is opened.
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_status_check,
    ADD CONSTRAINT sms_outbox_status_check CHECK (status IN ('queued', 'sent', 'failed', 'held'));

-- +goose Down
UPDATE sms_outbox SET status = 'sent' WHERE status = 'held';
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_status_check,
    ADD CONSTRAINT sms_outbox_status_check CHECK (status IN ('queued', 'sent', 'failed'));
