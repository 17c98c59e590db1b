-- +goose Up
-- Daily digests for supervisors (issue 22, owner: package cases): every
-- morning each district's SP and nodal officer, and the MSP for the state,
-- get counts only. One row per (IST day, scope): the unique index makes a
-- re-run of the day's job insert nothing, and the SMS are queued only with
-- the row that was inserted, so a digest is never sent twice.
-- period_start..period_end is the window of "new": from the previous
-- digest of the scope (or 24 h back) to the moment it was made; the other
-- counts are as of period_end.
CREATE TABLE supervisor_digests (
    id                  bigserial PRIMARY KEY,
    day                 date NOT NULL,
    scope_kind          text NOT NULL CHECK (scope_kind IN ('state', 'district')),
    district_id         integer REFERENCES districts (id),
    period_start        timestamptz NOT NULL,
    period_end          timestamptz NOT NULL,
    new_complaints      integer NOT NULL CHECK (new_complaints >= 0),
    overdue_atrs        integer NOT NULL CHECK (overdue_atrs >= 0),
    awaiting_vetting    integer NOT NULL CHECK (awaiting_vetting >= 0),
    directions_open     integer NOT NULL CHECK (directions_open >= 0),
    dissatisfied_open   integer NOT NULL CHECK (dissatisfied_open >= 0),
    created_at          timestamptz NOT NULL,
    CHECK ((scope_kind = 'state') = (district_id IS NULL)),
    CHECK (period_start <= period_end)
);
CREATE UNIQUE INDEX supervisor_digests_day_scope_idx ON supervisor_digests (day, scope_kind, COALESCE(district_id, 0));
-- The latest digest of a scope (console home page, the next digest's window).
CREATE INDEX supervisor_digests_scope_idx ON supervisor_digests (scope_kind, COALESCE(district_id, 0), day DESC);

-- +goose Down
DROP TABLE IF EXISTS supervisor_digests;
