-- +goose Up
-- complaints' H3 columns are grouped by (complaint tiles) and scanned
-- (analytics), never looked up: the four btree indexes on them (00004) only
-- cost every filing four index inserts.
DROP INDEX IF EXISTS complaints_h3_r5_idx;
DROP INDEX IF EXISTS complaints_h3_r7_idx;
DROP INDEX IF EXISTS complaints_h3_r8_idx;
DROP INDEX IF EXISTS complaints_h3_r9_idx;

-- +goose Down
CREATE INDEX complaints_h3_r5_idx ON complaints (h3_r5);
CREATE INDEX complaints_h3_r7_idx ON complaints (h3_r7);
CREATE INDEX complaints_h3_r8_idx ON complaints (h3_r8);
CREATE INDEX complaints_h3_r9_idx ON complaints (h3_r9);
