-- +goose Up
-- The public report list needs "the approved reports in this r8 (r7, r5)
-- cell" only to test k-anonymity; three btree indexes on reports.h3_r5,
-- h3_r7 and h3_r8 served it and cost every report insert (web, Open311,
-- bulk import) three index insertions. H3 cell ids hold their digits from
-- coarse to fine, so the r9 descendants of a coarser cell are one range of
-- r9 ids: the cell with its resolution set to 9 and the digits below its own
-- cleared (lo) or set to 6, the largest digit (hi). Ids in between with a
-- digit 7 are not valid cells, and pentagons only lack some children, so
-- "h3_r9 BETWEEN h3_r9_lo(c) AND h3_r9_hi(c)" is exactly "descends from c"
-- on stored cells, and uses reports_h3_r9_idx. (H3 index layout: mode bits
-- 59-62, resolution 52-55, base cell 45-51, digit d at bits 45-3d..47-3d.)
-- PostgreSQL gives & | << one precedence, left to right: every operation
-- is parenthesised.

-- +goose StatementBegin
CREATE FUNCTION h3_r9_lo(cell bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT ((cell & ~(15::bigint << 52)) | (9::bigint << 52))
		& ~(((1::bigint << (3 * (9 - ((cell >> 52) & 15)::int))) - 1) << 18)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION h3_r9_hi(cell bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT h3_r9_lo(cell)
		| ((((1::bigint << (3 * (9 - ((cell >> 52) & 15)::int))) - 1) / 7 * 6) << 18)
$$;
-- +goose StatementEnd

DROP INDEX IF EXISTS reports_h3_r5_idx;
DROP INDEX IF EXISTS reports_h3_r7_idx;
DROP INDEX IF EXISTS reports_h3_r8_idx;

-- +goose Down
CREATE INDEX reports_h3_r5_idx ON reports (h3_r5);
CREATE INDEX reports_h3_r7_idx ON reports (h3_r7);
CREATE INDEX reports_h3_r8_idx ON reports (h3_r8);
DROP FUNCTION IF EXISTS h3_r9_hi(bigint);
DROP FUNCTION IF EXISTS h3_r9_lo(bigint);
