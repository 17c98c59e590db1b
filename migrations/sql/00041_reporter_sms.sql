-- +goose Up
-- A hotspot reporter may leave a phone number to be told by SMS when her
-- report is published or not, and when the police act on it, close it or it
-- reopens (issue 19). The number is sealed (auth.Keyring, bound to the report
-- code as outbox numbers are: vikalp.OutboxPhoneAAD) and copied sealed into
-- each outbox row; package cases opens it only to deliver, after an audit
-- entry. A report's rows go with the report (the retention purge of rejected
-- reports cascades).
ALTER TABLE report_reporters ADD COLUMN phone_sealed bytea;

ALTER TABLE sms_outbox
    ADD COLUMN report_id bigint REFERENCES reports (id) ON DELETE CASCADE,
    DROP CONSTRAINT sms_outbox_to_kind_check,
    ADD CONSTRAINT sms_outbox_to_kind_check
        CHECK (to_kind IN ('district_officers', 'msp', 'complainant', 'district_control_room', 'ahtu_incharge',
                           'reporter')),
    DROP CONSTRAINT sms_outbox_check,
    ADD CONSTRAINT sms_outbox_phone_check CHECK ((to_kind IN ('complainant', 'reporter')) = (phone_sealed IS NOT NULL)),
    ADD CONSTRAINT sms_outbox_reporter_check CHECK ((to_kind = 'reporter') = (report_id IS NOT NULL));
CREATE INDEX sms_outbox_report_idx ON sms_outbox (report_id) WHERE report_id IS NOT NULL;

-- +goose Down
DELETE FROM sms_outbox WHERE to_kind = 'reporter';
DROP INDEX IF EXISTS sms_outbox_report_idx;
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_reporter_check, DROP CONSTRAINT sms_outbox_phone_check,
    DROP CONSTRAINT sms_outbox_to_kind_check,
    ADD CONSTRAINT sms_outbox_to_kind_check
        CHECK (to_kind IN ('district_officers', 'msp', 'complainant', 'district_control_room', 'ahtu_incharge')),
    ADD CONSTRAINT sms_outbox_check CHECK ((to_kind = 'complainant') = (phone_sealed IS NOT NULL)),
    DROP COLUMN report_id;
ALTER TABLE report_reporters DROP COLUMN phone_sealed;
