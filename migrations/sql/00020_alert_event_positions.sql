-- +goose Up
-- alert_event_positions: the order in which alert events committed, the
-- position consoles resume from (Last-Event-ID). A deferred constraint
-- trigger gives each new event its position while its transaction commits,
-- under one advisory lock, so positions become visible strictly in
-- increasing order: a console that has seen position N has seen every event
-- below N. Taking that lock at commit time (instead of when the event is
-- written, as 00008 did) holds it for the commit alone, so transactions that
-- raise alerts (complaint filing, happening-now reports) no longer queue
-- behind each other's whole bodies. The notification carries the position
-- and leaves on commit.
CREATE TABLE alert_event_positions (
    pos       bigserial PRIMARY KEY,
    event_id  bigint NOT NULL UNIQUE REFERENCES alert_events (id)
);

-- +goose StatementBegin
CREATE FUNCTION alert_event_position() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
BEGIN
    -- 130238390168688 = 0x76696b616c70 ("vikalp"), alerts.eventLockKey.
    PERFORM pg_advisory_xact_lock(130238390168688);
    INSERT INTO alert_event_positions (event_id) VALUES (NEW.id) RETURNING pos INTO p;
    PERFORM pg_notify('vikalp_alert_events', p::text);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER alert_event_position
    AFTER INSERT ON alert_events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION alert_event_position();

-- Events written before this migration keep their id order.
INSERT INTO alert_event_positions (event_id) SELECT id FROM alert_events ORDER BY id;

-- +goose Down
DROP TRIGGER IF EXISTS alert_event_position ON alert_events;
DROP FUNCTION IF EXISTS alert_event_position();
DROP TABLE IF EXISTS alert_event_positions;
