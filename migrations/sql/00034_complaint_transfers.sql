-- +goose Up
-- Transfers (issue 22, owner: package cases), zero-FIR style: a complaint
-- moves to another station of its district (nodal officer or SP), or to
-- another district (MSP directly; or requested by the current district's
-- nodal officer or SP and accepted or declined by the receiving district's
-- SP or the MSP). A direct move is stored as 'done' at once. The complaint
-- keeps its code; the SLA clock restarts only when the MSP sets restart_sla
-- with a restart_reason.
CREATE TABLE complaint_transfers (
    id               bigserial PRIMARY KEY,
    complaint_id     bigint NOT NULL REFERENCES complaints (id),
    from_station_id  bigint NOT NULL REFERENCES police_stations (id),
    from_district_id integer NOT NULL REFERENCES districts (id),
    -- NULL only on a request that left the station to the receiving SP.
    to_station_id    bigint REFERENCES police_stations (id),
    to_district_id   integer NOT NULL REFERENCES districts (id),
    requested_by     bigint NOT NULL REFERENCES users (id),
    requester_role   text NOT NULL CHECK (requester_role IN ('nodal', 'sp', 'msp_analyst', 'msp_legal')),
    reason           text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    state            text NOT NULL CHECK (state IN ('requested', 'done', 'declined')),
    restart_sla      boolean NOT NULL DEFAULT false,
    restart_reason   text NOT NULL DEFAULT '' CHECK (char_length(restart_reason) <= 2000),
    decided_by       bigint REFERENCES users (id),
    decider_role     text NOT NULL DEFAULT '',
    decline_reason   text NOT NULL DEFAULT '' CHECK (char_length(decline_reason) <= 2000),
    created_at       timestamptz NOT NULL,
    decided_at       timestamptz,
    CHECK ((state = 'requested') = (decided_at IS NULL)),
    CHECK (state <> 'done' OR to_station_id IS NOT NULL),
    CHECK (state <> 'declined' OR decline_reason <> ''),
    CHECK (NOT restart_sla OR restart_reason <> '')
);
CREATE INDEX complaint_transfers_complaint_idx ON complaint_transfers (complaint_id, id);
-- At most one pending request per complaint; the pending lists by district.
CREATE UNIQUE INDEX complaint_transfers_one_pending_idx ON complaint_transfers (complaint_id) WHERE state = 'requested';
CREATE INDEX complaint_transfers_pending_from_idx ON complaint_transfers (from_district_id) WHERE state = 'requested';
CREATE INDEX complaint_transfers_pending_to_idx ON complaint_transfers (to_district_id) WHERE state = 'requested';

-- +goose Down
DROP TABLE IF EXISTS complaint_transfers;
