-- +goose Up
-- The SLA ladder is run by a sweep (cases.SweepSLA, a periodic job) instead
-- of River jobs scheduled per complaint: the sweep reads the complaints
-- whose ATR is owed and overdue from this partial index, which holds only
-- complaints still awaiting an ATR with a rung left to fire.
CREATE INDEX complaints_sla_due_idx ON complaints (atr_due_at)
    WHERE sla_stage < 3 AND status IN ('assigned', 'atr_draft', 'escalated');
-- Sealed replay secrets are wiped by the same sweep once their window ends
-- (the ladder's first rung did it per complaint); this index holds only the
-- rows that still have one.
CREATE INDEX complaints_replay_until_idx ON complaints (replay_until) WHERE replay_sealed IS NOT NULL;

-- +goose Down
DROP INDEX IF EXISTS complaints_replay_until_idx;
DROP INDEX IF EXISTS complaints_sla_due_idx;
