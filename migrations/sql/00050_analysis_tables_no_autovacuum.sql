-- +goose Up
-- Autovacuum off for the tables an analysis run replaces whole (issue 20).
--
-- Each run writes hex_stats and density_cells once into staging tables,
-- analyzes them and swaps them in (analytics: the staging tables are
-- created with the same settings); the next run replaces them. Nothing is
-- ever updated or deleted there, so autovacuum had nothing to do but
-- scan the million rows just swapped in, and while it did it held the next
-- run's swap (a vacuum yields its lock only after deadlock_timeout): a
-- 2.1 s swap in back-to-back runs on 1 M reports.
ALTER TABLE hex_stats SET (autovacuum_enabled = false, toast.autovacuum_enabled = false);
ALTER TABLE density_cells SET (autovacuum_enabled = false, toast.autovacuum_enabled = false);

-- +goose Down
ALTER TABLE density_cells RESET (autovacuum_enabled, toast.autovacuum_enabled);
ALTER TABLE hex_stats RESET (autovacuum_enabled, toast.autovacuum_enabled);
