-- +goose Up
-- A hotspot report has a life after moderation (issue 19 §3, owner: package
-- ingest). Moderation status (pending/approved/rejected) is unchanged and is
-- still all that public statistics read; outcome is orthogonal and only an
-- approved report gets one (a report withdrawn from publication later keeps
-- it, but is closed to Open311 as rejected): NULL (open), action_taken, fixed, closed, or
-- reopened (a new approved report of the same category in the same place
-- after it was fixed or closed). outcome_reason is a public short code;
-- the staff-only reason text lives in report_events.note.
ALTER TABLE reports
    ADD COLUMN outcome        text CHECK (outcome IN ('action_taken', 'fixed', 'closed', 'reopened')),
    ADD COLUMN outcome_reason text CHECK (outcome_reason ~ '^[a-z][a-z_]{1,39}$'),
    ADD COLUMN outcome_at     timestamptz,
    ADD COLUMN outcome_by     bigint REFERENCES users (id),
    -- Answers to the category's Open311 attributes (ingest.AttributesOf),
    -- validated against the definition: {"time_of_day": "night", ...}.
    ADD COLUMN attributes     jsonb NOT NULL DEFAULT '{}',
    -- Open311 token: a random handle returned with the POST, looked up by
    -- GET tokens/{token} (never a secret: it only leads to the request id).
    ADD COLUMN open311_token  text UNIQUE CHECK (open311_token ~ '^[0-9a-f]{32}$');
CREATE INDEX reports_outcome_closed_idx ON reports (category, h3_r9) WHERE outcome IN ('fixed', 'closed');

-- report_reporters: the reporter's capability to add to her report. The
-- secret is stored hashed (SHA-256; 40 random bits + code, like complaint
-- secrets) and sealed (auth.Keyring, bound to the code) only so that a
-- retried submission (Idempotency-Key) can return it again.
CREATE TABLE report_reporters (
    report_id     bigint PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    secret_hash   bytea NOT NULL CHECK (length(secret_hash) = 32),
    secret_sealed bytea NOT NULL
);

-- report_events: the append-only history of a report after submission.
-- public rows (moderation decisions, outcomes, reopenings) are shown to the
-- reporter and feed the area feeds; note is staff-only text. Rows go only
-- with their report (the retention purge of rejected reports cascades).
CREATE TABLE report_events (
    id             bigserial PRIMARY KEY,
    report_id      bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    at             timestamptz NOT NULL,
    actor_user_id  bigint REFERENCES users (id),
    actor_role     text NOT NULL CHECK (actor_role <> ''),
    kind           text NOT NULL CHECK (kind IN ('approved', 'rejected', 'action_taken', 'fixed', 'closed',
                       'reopened', 'reporter_update')),
    reason_code    text NOT NULL DEFAULT '' CHECK (reason_code ~ '^[a-z_]{0,40}$'),
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    -- The report whose approval reopened this one (no foreign key: that
    -- report may later be rejected and purged; the event stays true).
    by_report_id   bigint,
    public         boolean NOT NULL
);
CREATE INDEX report_events_report_idx ON report_events (report_id, id);
-- The area feeds read public events newest first.
CREATE INDEX report_events_public_idx ON report_events (at DESC, id DESC) WHERE public;

-- +goose StatementBegin
CREATE FUNCTION report_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The cascade from a deleted report (retention) may remove its rows;
    -- nothing else may change or delete one.
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM reports WHERE id = OLD.report_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'report_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER report_events_no_change
    BEFORE UPDATE OR DELETE ON report_events
    FOR EACH ROW EXECUTE FUNCTION report_events_append_only();

-- report_updates: what the reporter added later (cleaned text, or a photo
-- through the media pipeline). Staff-only, like the report's own text.
CREATE TABLE report_updates (
    id         bigserial PRIMARY KEY,
    report_id  bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    body       text NOT NULL DEFAULT '' CHECK (char_length(body) <= 500),
    media_id   bigint REFERENCES media (id),
    created_at timestamptz NOT NULL,
    CHECK (body <> '' OR media_id IS NOT NULL)
);
CREATE INDEX report_updates_report_idx ON report_updates (report_id, id);

-- +goose Down
DROP TABLE IF EXISTS report_updates;
DROP TRIGGER IF EXISTS report_events_no_change ON report_events;
DROP TABLE IF EXISTS report_events;
DROP FUNCTION IF EXISTS report_events_append_only();
DROP TABLE IF EXISTS report_reporters;
DROP INDEX IF EXISTS reports_outcome_closed_idx;
ALTER TABLE reports DROP COLUMN IF EXISTS open311_token, DROP COLUMN IF EXISTS attributes,
    DROP COLUMN IF EXISTS outcome_by, DROP COLUMN IF EXISTS outcome_at,
    DROP COLUMN IF EXISTS outcome_reason, DROP COLUMN IF EXISTS outcome;
