-- +goose Up
-- Escalation that reaches a person (issue 18). An unacknowledged alert
-- climbs its escalation policy one level per acknowledgement deadline (PCR
-- unit → district control room → SP → MSP; AHTU → AHTU in-charge) and the
-- last level is paged again until someone acknowledges. escalated_to keeps
-- every level reached (unit keys "kind:id" or "kind:id:role"): each of them
-- may see and acknowledge the alert, not only the latest (escalated_kind,
-- escalated_id, escalated_role).
ALTER TABLE alerts
    ADD COLUMN escalated_role text NOT NULL DEFAULT '' CHECK (escalated_role IN ('', 'nodal', 'sp')),
    ADD COLUMN escalated_to   text[] NOT NULL DEFAULT '{}',
    -- What, when and where, public-safe: a report's category (or hotspot,
    -- trafficking_lead, complaint: never a complaint's crime), the
    -- subject's time, and a police station area or unit area with the
    -- district, never a point or an address.
    ADD COLUMN category       text NOT NULL DEFAULT '' CHECK (category ~ '^[a-z_]{0,40}$'),
    ADD COLUMN place          text NOT NULL DEFAULT '' CHECK (char_length(place) <= 200),
    ADD COLUMN place_hi       text NOT NULL DEFAULT '' CHECK (char_length(place_hi) <= 200),
    ADD COLUMN occurred_at    timestamptz,
    -- A lead alert's current score: it follows the lead while the alert is
    -- live (an "updated" event records each change).
    ADD COLUMN score          double precision;
UPDATE alerts SET escalated_to = ARRAY[escalated_kind || ':' || escalated_id] WHERE escalated_kind IS NOT NULL;
-- Consoles of escalation levels list "alerts that reached me".
CREATE INDEX alerts_escalated_to_idx ON alerts USING gin (escalated_to);

ALTER TABLE alert_events DROP CONSTRAINT alert_events_kind_check,
    ADD CONSTRAINT alert_events_kind_check
    CHECK (kind IN ('raised', 'acknowledged', 'escalated', 'resolved', 'outcome', 'updated'));

-- Escalations are paged by SMS through the same outbox, addressed (like the
-- officers' messages) by unit and district for the gateway to resolve to
-- the level's duty number: no number is stored.
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_to_kind_check,
    ADD CONSTRAINT sms_outbox_to_kind_check
    CHECK (to_kind IN ('district_officers', 'msp', 'complainant', 'district_control_room', 'ahtu_incharge'));

-- +goose Down
DELETE FROM sms_outbox WHERE to_kind IN ('district_control_room', 'ahtu_incharge');
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_to_kind_check,
    ADD CONSTRAINT sms_outbox_to_kind_check CHECK (to_kind IN ('district_officers', 'msp', 'complainant'));
ALTER TABLE alert_events DROP CONSTRAINT alert_events_kind_check,
    ADD CONSTRAINT alert_events_kind_check
    CHECK (kind IN ('raised', 'acknowledged', 'escalated', 'resolved', 'outcome')) NOT VALID;
DROP INDEX IF EXISTS alerts_escalated_to_idx;
ALTER TABLE alerts DROP COLUMN IF EXISTS score, DROP COLUMN IF EXISTS occurred_at,
    DROP COLUMN IF EXISTS place_hi, DROP COLUMN IF EXISTS place, DROP COLUMN IF EXISTS category,
    DROP COLUMN IF EXISTS escalated_to, DROP COLUMN IF EXISTS escalated_role;
