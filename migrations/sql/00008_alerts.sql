-- +goose Up
-- Alerts (owner: package alerts). An alert is addressed to one unit (a PCR
-- unit, a district control room, an AHTU, the AHTU in-charge, a district's
-- supervisory officers, or the MSP) and may be escalated once to another.
-- summary is public-safe: it never holds a complainant's or reporter's
-- data, text or an exact point; staff consoles get the r8 cell (h3_r8) and
-- the subject id to link to.
CREATE TABLE alerts (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('report.happening_now', 'hotspot.detected', 'lead.alert',
                         'complaint.assigned', 'complaint.atr_overdue', 'complaint.escalated')),
    unit_kind        text NOT NULL CHECK (unit_kind IN ('pcr_unit', 'district_control_room', 'ahtu',
                         'ahtu_incharge', 'district_officers', 'msp')),
    unit_id          bigint NOT NULL DEFAULT 0 CHECK (unit_id >= 0),
    -- unit_role narrows district_officers to 'nodal' or 'sp'; '' is all.
    unit_role        text NOT NULL DEFAULT '' CHECK (unit_role IN ('', 'nodal', 'sp')),
    district_id      integer REFERENCES districts (id),
    escalated_kind   text CHECK (escalated_kind IN ('pcr_unit', 'district_control_room', 'ahtu',
                         'ahtu_incharge', 'district_officers', 'msp')),
    escalated_id     bigint,
    escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level >= 0),
    severity         text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    dedup_key        text NOT NULL CHECK (char_length(dedup_key) BETWEEN 1 AND 200),
    summary          text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 300),
    link             text NOT NULL DEFAULT '' CHECK (char_length(link) <= 300),
    subject_kind     text NOT NULL CHECK (subject_kind IN ('report', 'hotspot', 'lead', 'complaint')),
    subject_id       bigint NOT NULL DEFAULT 0,
    h3_r8            bigint,
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
    ack_due_at       timestamptz,
    outcome          text CHECK (outcome IN ('visited', 'action_taken', 'nothing_found')),
    outcome_note     text NOT NULL DEFAULT '' CHECK (char_length(outcome_note) <= 500),
    raised_at        timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  bigint REFERENCES users (id),
    resolved_at      timestamptz,
    resolved_by      bigint REFERENCES users (id),
    updated_at       timestamptz NOT NULL,
    CHECK ((escalated_kind IS NULL) = (escalated_id IS NULL))
);
-- The same subject never has two live alerts: raising again while one is
-- open or acknowledged is a no-op (INSERT … ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX alerts_dedup_live_idx ON alerts (dedup_key) WHERE state IN ('open', 'acknowledged');
CREATE INDEX alerts_unit_idx ON alerts (unit_kind, unit_id, raised_at DESC);
CREATE INDEX alerts_escalated_idx ON alerts (escalated_kind, escalated_id) WHERE escalated_kind IS NOT NULL;
CREATE INDEX alerts_raised_idx ON alerts (raised_at DESC);

-- alert_events: every step of every alert, append-only. The id is the
-- Server-Sent-Events id: writers take an advisory transaction lock before
-- inserting, so ids become visible in increasing order and a reader that
-- has seen id N has seen every committed event below N.
CREATE TABLE alert_events (
    id            bigserial PRIMARY KEY,
    alert_id      bigint NOT NULL REFERENCES alerts (id),
    kind          text NOT NULL CHECK (kind IN ('raised', 'acknowledged', 'escalated', 'resolved', 'outcome')),
    actor_user_id bigint REFERENCES users (id),
    actor_role    text NOT NULL CHECK (actor_role <> ''),
    at            timestamptz NOT NULL,
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert_idx ON alert_events (alert_id, id);

-- +goose StatementBegin
CREATE FUNCTION alert_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'alert_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER alert_events_no_change
    BEFORE UPDATE OR DELETE ON alert_events
    FOR EACH ROW EXECUTE FUNCTION alert_events_append_only();

-- webhook_subscriptions: a unit's HTTP endpoint for its alert events. The
-- signing secret is sealed with the data keyring (AAD: the url).
CREATE TABLE webhook_subscriptions (
    id            bigserial PRIMARY KEY,
    unit_kind     text NOT NULL CHECK (unit_kind IN ('pcr_unit', 'district_control_room', 'ahtu',
                      'ahtu_incharge', 'district_officers', 'msp')),
    unit_id       bigint NOT NULL DEFAULT 0 CHECK (unit_id >= 0),
    url           text NOT NULL CHECK (url ~ '^https?://' AND char_length(url) <= 500),
    secret_sealed bytea NOT NULL,
    description   text NOT NULL DEFAULT '' CHECK (char_length(description) <= 200),
    active        boolean NOT NULL DEFAULT true,
    created_by    bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX webhook_subscriptions_unit_idx ON webhook_subscriptions (unit_kind, unit_id) WHERE active;

-- deliveries: one alert event to one subscription, worked by River
-- (alerts.webhook_deliver). dead means every attempt failed; an admin may
-- send it again. log keeps the last attempts (time, status code, error).
CREATE TABLE deliveries (
    id               bigserial PRIMARY KEY,
    event_id         bigint NOT NULL REFERENCES alert_events (id),
    subscription_id  bigint NOT NULL REFERENCES webhook_subscriptions (id),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status_code integer,
    last_error       text NOT NULL DEFAULT '' CHECK (char_length(last_error) <= 300),
    next_attempt_at  timestamptz,
    delivered_at     timestamptz,
    log              jsonb NOT NULL DEFAULT '[]',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX deliveries_status_idx ON deliveries (status, id DESC);

-- sms_outbox moves from package cases to package alerts (ARCHITECTURE §4):
-- alerts lists it for admins; cases still queues complaint messages.
CREATE INDEX sms_outbox_created_idx ON sms_outbox (created_at DESC, id DESC);

-- The police outcome of a "happening now" report, shown to the reporter on
-- her tracking page. Columns of ingest's reports table, written only
-- through ingest.ReportStore.SetPoliceOutcome.
ALTER TABLE reports
    ADD COLUMN police_outcome    text CHECK (police_outcome IN ('visited', 'action_taken', 'nothing_found')),
    ADD COLUMN police_outcome_at timestamptz,
    ADD CONSTRAINT reports_police_outcome_at_check CHECK ((police_outcome IS NULL) = (police_outcome_at IS NULL));

-- +goose Down
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_police_outcome_at_check,
    DROP COLUMN IF EXISTS police_outcome_at, DROP COLUMN IF EXISTS police_outcome;
DROP INDEX IF EXISTS sms_outbox_created_idx;
DROP TABLE IF EXISTS deliveries;
DROP TABLE IF EXISTS webhook_subscriptions;
DROP TABLE IF EXISTS alert_events;
DROP FUNCTION IF EXISTS alert_events_append_only();
DROP TABLE IF EXISTS alerts;
