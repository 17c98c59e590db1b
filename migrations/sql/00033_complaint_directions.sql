-- +goose Up
-- Directions (issue 22, owner: package cases): MSP staff (state) or a
-- district's SP direct the police on an open complaint: to its station, the
-- district's nodal officer or the SP. body is staff text, never victim data
-- copied by the system. A direction is open while answered_at IS NULL; one
-- answer (a short report) closes it. escalation_stage counts the rungs of
-- the overdue ladder that fired: 0 none, 1 SP, 2 MSP. An open direction is
-- overdue after due_at or, without one, after created_at + the ATR window.
CREATE TABLE complaint_directions (
    id               bigserial PRIMARY KEY,
    complaint_id     bigint NOT NULL REFERENCES complaints (id),
    issued_by        bigint NOT NULL REFERENCES users (id),
    issuer_role      text NOT NULL CHECK (issuer_role IN ('msp_analyst', 'msp_legal', 'sp')),
    to_role          text NOT NULL CHECK (to_role IN ('station', 'nodal', 'sp')),
    body             text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    due_at           timestamptz,
    report_back      boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    answered_at      timestamptz,
    answered_by      bigint REFERENCES users (id),
    answer           text CHECK (char_length(answer) BETWEEN 1 AND 2000),
    escalation_stage smallint NOT NULL DEFAULT 0 CHECK (escalation_stage BETWEEN 0 AND 2),
    CHECK ((answered_at IS NULL) = (answer IS NULL)),
    CHECK ((answered_at IS NULL) = (answered_by IS NULL)),
    CHECK (due_at IS NULL OR due_at > created_at)
);
-- A complaint's open directions (its page, the queue's flag, the digest).
CREATE INDEX complaint_directions_open_idx ON complaint_directions (complaint_id) WHERE answered_at IS NULL;
-- The sweep's overdue directions: open ones with a rung left to fire.
CREATE INDEX complaint_directions_overdue_idx ON complaint_directions (due_at, created_at)
    WHERE answered_at IS NULL AND escalation_stage < 2;

-- +goose Down
DROP TABLE IF EXISTS complaint_directions;
