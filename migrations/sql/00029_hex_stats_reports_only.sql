-- +goose Up
-- Two pools of statistics (ARCHITECTURE §6, docs/PRIVACY.md): hex_stats,
-- the density surfaces and everything drawn from them are computed from
-- approved public reports only. Complaints no longer enter the hotspot
-- pipeline; roles that may read complaints get their counts per cell from
-- the complaints themselves, scoped at read time (cases.ComplaintCellCounts).
ALTER TABLE hex_stats DROP COLUMN n_complaints;

-- +goose Down
ALTER TABLE hex_stats ADD COLUMN n_complaints integer NOT NULL DEFAULT 0 CHECK (n_complaints >= 0);
