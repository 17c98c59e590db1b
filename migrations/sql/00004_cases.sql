-- +goose Up
-- Complaint lifecycle (owner: package cases). Geometry is SRID 4326 (WGS 84
-- lon/lat); H3 cells at resolutions 5, 7, 8 and 9 are computed in Go (package
-- geo) and stored as BIGINTs so coarser aggregates are a GROUP BY.

CREATE TABLE complaints (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^VK-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
    -- SHA-256 of the tracking secret (80 random bits; see cases.HashSecret).
    secret_hash      bytea NOT NULL CHECK (length(secret_hash) = 32),
    status           text NOT NULL CHECK (status IN ('submitted', 'assigned', 'atr_draft', 'atr_published',
                         'awaiting_feedback', 'satisfied', 'closed', 'dissatisfied', 'legal_review',
                         'escalated', 'advised', 'withdrawn')),
    category         text NOT NULL CHECK (category IN ('domestic_violence', 'dowry_harassment', 'stalking',
                         'public_sexual_harassment', 'workplace_harassment', 'cyber_harassment',
                         'threats_intimidation', 'trafficking_suspicion', 'other')),
    description      text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 5000),
    language         text NOT NULL CHECK (language IN ('en', 'hi')),
    incident_at      timestamptz,
    -- The exact point is staff-only; public views use coarsened H3 cells.
    geom             geometry(Point, 4326),
    h3_r5            bigint,
    h3_r7            bigint,
    h3_r8            bigint,
    h3_r9            bigint,
    district_id      integer NOT NULL REFERENCES districts (id),
    station_id       bigint NOT NULL REFERENCES police_stations (id),
    -- Name, phone and address sealed together as one JSON blob by the auth
    -- keyring (AES-256-GCM, key id inside). NULL when she gave none.
    contact_sealed   bytea,
    has_phone        boolean NOT NULL DEFAULT false,
    confidential     boolean NOT NULL DEFAULT false,
    callback_window  text NOT NULL DEFAULT '' CHECK (callback_window = '' OR callback_window ~ '^\d\d:\d\d-\d\d:\d\d$'),
    filed_by         text NOT NULL CHECK (filed_by IN ('self', 'on_behalf', 'ecell')),
    relation         text NOT NULL DEFAULT '' CHECK (char_length(relation) <= 100),
    filed_by_user_id bigint REFERENCES users (id),
    -- Idempotent filing: a retry with the same key (and the same content,
    -- request_hash) gets the same complaint back. The secret is kept sealed
    -- for replays only until replay_until, then wiped by the first SLA check.
    idempotency_key  text UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 128),
    request_hash     bytea,
    replay_sealed    bytea,
    replay_until     timestamptz,
    -- The current ATR deadline (NULL while none is owed) and how many rungs of
    -- the SLA ladder have fired for it (0 none, 1 nodal, 2 SP, 3 MSP).
    atr_due_at       timestamptz,
    sla_stage        smallint NOT NULL DEFAULT 0 CHECK (sla_stage BETWEEN 0 AND 3),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    closed_at        timestamptz,
    CHECK ((geom IS NULL) = (h3_r9 IS NULL)),
    CHECK ((status IN ('closed', 'withdrawn')) = (closed_at IS NOT NULL))
);
CREATE INDEX complaints_station_status_idx ON complaints (station_id, status);
CREATE INDEX complaints_district_status_idx ON complaints (district_id, status);
CREATE INDEX complaints_atr_due_idx ON complaints (atr_due_at) WHERE atr_due_at IS NOT NULL;
CREATE INDEX complaints_geom_idx ON complaints USING gist (geom);
CREATE INDEX complaints_h3_r5_idx ON complaints (h3_r5);
CREATE INDEX complaints_h3_r7_idx ON complaints (h3_r7);
CREATE INDEX complaints_h3_r8_idx ON complaints (h3_r8);
CREATE INDEX complaints_h3_r9_idx ON complaints (h3_r9);

-- complaint_events: the append-only timeline. public rows are shown on the
-- complainant's tracking page; the others (returns, internal steps) are not.
CREATE TABLE complaint_events (
    id            bigserial PRIMARY KEY,
    complaint_id  bigint NOT NULL REFERENCES complaints (id),
    at            timestamptz NOT NULL,
    actor_user_id bigint REFERENCES users (id),
    actor_role    text NOT NULL CHECK (actor_role <> ''),
    kind          text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*$'),
    from_status   text,
    to_status     text,
    reason        text NOT NULL DEFAULT '',
    public        boolean NOT NULL DEFAULT false,
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX complaint_events_complaint_idx ON complaint_events (complaint_id, id);

-- +goose StatementBegin
CREATE FUNCTION complaint_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'complaint_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER complaint_events_no_change
    BEFORE UPDATE OR DELETE ON complaint_events
    FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();

-- atrs: action taken reports. A returned ATR stays as history and the station
-- drafts a new one (next seq). internal_note is officer-only.
CREATE TABLE atrs (
    id            bigserial PRIMARY KEY,
    complaint_id  bigint NOT NULL REFERENCES complaints (id),
    seq           integer NOT NULL CHECK (seq > 0),
    text          text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 5000),
    action_taken  text NOT NULL CHECK (char_length(action_taken) BETWEEN 1 AND 2000),
    language      text NOT NULL CHECK (language IN ('en', 'hi')),
    status        text NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'returned')),
    drafted_by    bigint REFERENCES users (id),
    vetted_by     bigint REFERENCES users (id),
    return_reason text NOT NULL DEFAULT '',
    internal_note text NOT NULL DEFAULT '',
    due_at        timestamptz,          -- the deadline this ATR answers
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    submitted_at  timestamptz,
    published_at  timestamptz,
    UNIQUE (complaint_id, seq),
    CHECK ((status = 'published') = (published_at IS NOT NULL))
);
-- At most one ATR in the works (draft or submitted) per complaint.
CREATE UNIQUE INDEX atrs_one_open_idx ON atrs (complaint_id) WHERE status IN ('draft', 'submitted');
CREATE INDEX atrs_status_idx ON atrs (status);

CREATE TABLE ratings (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints (id),
    atr_id       bigint NOT NULL REFERENCES atrs (id),
    rating       text NOT NULL CHECK (rating IN ('SATISFIED', 'DISSATISFIED')),
    reason       text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 2000),
    at           timestamptz NOT NULL,
    CHECK (rating = 'SATISFIED' OR reason <> '')
);
CREATE INDEX ratings_complaint_idx ON ratings (complaint_id);

CREATE TABLE legal_reviews (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints (id),
    rating_id    bigint NOT NULL UNIQUE REFERENCES ratings (id),
    decision     text NOT NULL CHECK (decision IN ('pursue', 'advise')),
    reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    decided_by   bigint REFERENCES users (id),
    at           timestamptz NOT NULL
);
CREATE INDEX legal_reviews_complaint_idx ON legal_reviews (complaint_id);

-- call_tasks: MSP follow-up calls to the complainant.
CREATE TABLE call_tasks (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints (id),
    reason       text NOT NULL CHECK (reason IN ('after_atr', 'after_dissatisfaction', 'no_rating_72h')),
    atr_id       bigint REFERENCES atrs (id),
    due_at       timestamptz NOT NULL,
    outcome      text CHECK (outcome IN ('reached', 'unsafe_to_talk', 'unreachable', 'wrong_number')),
    note         text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    done_by      bigint REFERENCES users (id),
    done_at      timestamptz,
    created_at   timestamptz NOT NULL,
    CHECK ((outcome IS NULL) = (done_at IS NULL))
);
CREATE INDEX call_tasks_open_idx ON call_tasks (due_at) WHERE outcome IS NULL;
CREATE INDEX call_tasks_complaint_idx ON call_tasks (complaint_id);
-- One "no rating within 72 h" task per published ATR, however often the job runs.
CREATE UNIQUE INDEX call_tasks_no_rating_idx ON call_tasks (atr_id) WHERE reason = 'no_rating_72h';

-- sms_outbox: ARCHITECTURE §4 gives this table to package alerts; it lives
-- here until alerts exists, and alerts takes it over (with cases.SMSProvider)
-- unchanged. Officers are addressed by role and district (their numbers are
-- resolved at delivery); only the complainant's own number is stored, sealed.
-- body never names the complainant or the crime.
CREATE TABLE sms_outbox (
    id           bigserial PRIMARY KEY,
    to_kind      text NOT NULL CHECK (to_kind IN ('district_officers', 'msp', 'complainant')),
    to_role      text NOT NULL DEFAULT '',
    district_id  integer REFERENCES districts (id),
    complaint_id bigint REFERENCES complaints (id),
    phone_sealed bytea,
    template     text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_.]*$'),
    body         text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 480),
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    provider     text NOT NULL DEFAULT '',
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    sent_at      timestamptz,
    CHECK ((to_kind = 'complainant') = (phone_sealed IS NOT NULL))
);
CREATE INDEX sms_outbox_queued_idx ON sms_outbox (created_at) WHERE status = 'queued';
CREATE INDEX sms_outbox_complaint_idx ON sms_outbox (complaint_id);

-- +goose Down
DROP TABLE IF EXISTS sms_outbox;
DROP TABLE IF EXISTS call_tasks;
DROP TABLE IF EXISTS legal_reviews;
DROP TABLE IF EXISTS ratings;
DROP TABLE IF EXISTS atrs;
DROP TABLE IF EXISTS complaint_events;
DROP FUNCTION IF EXISTS complaint_events_append_only();
DROP TABLE IF EXISTS complaints;
