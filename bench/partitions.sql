-- Issue 20, "Ten times the state": monthly partitions of reports against the
-- plain table at 5 M reports (four months at 1×), on the same data, same
-- indexes, same statements. Run on a bench database after `make bench` (it
-- needs the 1 M synthetic reports the bench loads; the bench cluster has
-- production durability):
--
--   psql "$(VIKALP_DEVDB_PROFILE=bench scripts/devdb.sh url | sed 's#/vikalp?#/vikalp_bench?#')" \
--     -v ON_ERROR_STOP=1 -f bench/partitions.sql
--
-- It works in schema part_exp, dropped at the end, and prints each step's
-- time (\timing). Results and the decision are in bench/NOTES.md
-- ("Partitions at 5 M") and docs/SCALING.md.
\timing on
SET jit = off;
SET work_mem = '128MB';
SET max_parallel_workers_per_gather = 0;
DROP SCHEMA IF EXISTS part_exp CASCADE;
CREATE SCHEMA part_exp;

-- 5 M reports: the bench's synthetic reports five times over, each copy's
-- times spread over the four months before the newest report, so the
-- places (and their density) are the bench's and the span is four months.
CREATE SEQUENCE part_exp.ids;
CREATE UNLOGGED TABLE part_exp.src AS
SELECT r0.*, k FROM (SELECT * FROM reports ORDER BY id LIMIT 1000000) r0, generate_series(1, 5) k;
-- Imported rows (no code), no duplicates or Open311 tokens to keep unique.
UPDATE part_exp.src SET id = nextval('part_exp.ids'), code = NULL, source = 'import',
	source_id = 'part-' || id || '-' || k, duplicate_of = NULL, open311_token = NULL,
	event_at = (SELECT max(event_at) FROM reports) - random() * interval '120 days';
ALTER TABLE part_exp.src DROP COLUMN k;
SELECT count(*) AS src_rows, min(event_at), max(event_at) FROM part_exp.src;

-- The plain table: reports' columns, defaults, checks and indexes.
CREATE TABLE part_exp.plain (LIKE reports INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);

-- The partitioned table: monthly ranges of event_at. A unique index must
-- hold the partition key, so the primary key becomes (id, event_at) and
-- code and source_id are unique per month only: a cost of partitioning.
CREATE TABLE part_exp.part (LIKE reports INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
	PARTITION BY RANGE (event_at);
DO $$
DECLARE
	m date := date_trunc('month', (SELECT min(event_at) FROM part_exp.src))::date;
BEGIN
	WHILE m <= (SELECT max(event_at) FROM part_exp.src) LOOP
		EXECUTE format('CREATE TABLE part_exp.part_%s PARTITION OF part_exp.part FOR VALUES FROM (%L) TO (%L)',
			to_char(m, 'YYYYMM'), m, (m + interval '1 month')::date);
		m := (m + interval '1 month')::date;
	END LOOP;
END $$;
ALTER TABLE part_exp.part ADD PRIMARY KEY (id, event_at);
DO $$
DECLARE
	ix record;
BEGIN
	-- every index of reports but the primary key, on the partitioned table
	-- (unique ones with the partition key added).
	FOR ix IN SELECT indexdef, indisunique FROM pg_indexes JOIN pg_class c ON c.relname = indexname
		JOIN pg_index i ON i.indexrelid = c.oid
		WHERE schemaname = 'public' AND tablename = 'reports' AND NOT i.indisprimary LOOP
		EXECUTE regexp_replace(
			CASE WHEN ix.indisunique THEN regexp_replace(ix.indexdef, '\)( WHERE .*)?$', ', event_at)\1') ELSE ix.indexdef END,
			'INDEX \S+ ON public\.reports', 'INDEX ON part_exp.part');
	END LOOP;
END $$;

\echo == load: 5 M rows in 250 batches of 20,000 (as the import batches), one transaction each
CREATE PROCEDURE part_exp.load(target text) LANGUAGE plpgsql AS $$
DECLARE
	b int;
BEGIN
	FOR b IN 0..249 LOOP
		EXECUTE format('INSERT INTO %s SELECT * FROM part_exp.src WHERE id > $1 AND id <= $1 + 20000 ORDER BY h3_r9', target)
			USING b * 20000;
		COMMIT;
	END LOOP;
END $$;
CREATE INDEX ON part_exp.src (id);
-- -v part_first=1 loads the partitioned table first (to see the order's effect).
\if :{?part_first}
CALL part_exp.load('part_exp.part');
CALL part_exp.load('part_exp.plain');
\else
CALL part_exp.load('part_exp.plain');
CALL part_exp.load('part_exp.part');
\endif
VACUUM ANALYZE part_exp.plain;
VACUUM ANALYZE part_exp.part;
SELECT 'plain' AS t, pg_size_pretty(pg_total_relation_size('part_exp.plain')) AS size
UNION ALL SELECT 'part', pg_size_pretty(sum(pg_total_relation_size(c.oid)))
	FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'part_exp.part'::regclass;

\echo == analysis input: the report aggregate of the hotspot run over the last 365 days (all rows), twice each
CREATE FUNCTION part_exp.analysis_read(target text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	asof timestamptz := (SELECT max(event_at) FROM part_exp.src);
BEGIN
	EXECUTE format($q$
		SELECT count(*) FROM (
			SELECT h3_r9, district_id, count(*) FILTER (WHERE event_at > $1 - interval '7 days') AS w7,
				count(*) FILTER (WHERE event_at > $1 - interval '30 days') AS w30, count(*) AS w365
			FROM %s WHERE status = 'approved' AND event_at > $1 - interval '365 days' AND event_at <= $1
			GROUP BY 1, 2) g$q$, target) INTO n USING asof;
	RETURN n;
END $$;
SELECT part_exp.analysis_read('part_exp.plain');
SELECT part_exp.analysis_read('part_exp.part');
SELECT part_exp.analysis_read('part_exp.plain');
SELECT part_exp.analysis_read('part_exp.part');

\echo == the last 30 days only (where partition pruning could help)
CREATE FUNCTION part_exp.recent_read(target text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	asof timestamptz := (SELECT max(event_at) FROM part_exp.src);
BEGIN
	EXECUTE format('SELECT count(DISTINCT h3_r9) FROM %s WHERE status = ''approved'' AND event_at > $1 - interval ''30 days'' AND event_at <= $1',
		target) INTO n USING asof;
	RETURN n;
END $$;
SELECT part_exp.recent_read('part_exp.plain');
SELECT part_exp.recent_read('part_exp.part');
SELECT part_exp.recent_read('part_exp.plain');
SELECT part_exp.recent_read('part_exp.part');

\echo == staff point tiles at z14: the tile statement (shaped as tiles.reportPointTileSQL, no time filter) over the 200 busiest z14 tiles, twice each
CREATE TABLE part_exp.tiles AS
SELECT 14 AS z, x, y FROM (
	SELECT floor((ST_X(geom) + 180) / 360 * 16384)::int AS x,
		floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 16384)::int AS y
	FROM reports) t
GROUP BY x, y ORDER BY count(*) DESC LIMIT 200;
CREATE FUNCTION part_exp.tile_loop(target text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	t record;
	total bigint := 0;
	b bytea;
BEGIN
	FOR t IN SELECT * FROM part_exp.tiles LOOP
		EXECUTE format($q$
			SELECT ST_AsMVT(m, 'reports', 4096, 'geom') FROM (
				SELECT ST_AsMVTGeom(ST_Transform(r.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
					r.id, 1 AS count, r.category, r.status,
					to_char(r.event_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM') AS month
				FROM %s r
				WHERE r.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
					AND r.status <> 'rejected'
				ORDER BY r.event_at DESC LIMIT 10000) m$q$, target) INTO b USING t.z, t.x, t.y;
		total := total + coalesce(length(b), 0);
	END LOOP;
	RETURN total;
END $$;
SELECT part_exp.tile_loop('part_exp.plain');
SELECT part_exp.tile_loop('part_exp.part');
SELECT part_exp.tile_loop('part_exp.plain');
SELECT part_exp.tile_loop('part_exp.part');

\echo == retention: drop the oldest month
SELECT to_char(min(event_at), 'YYYYMM') AS oldest FROM part_exp.src \gset
BEGIN;
DELETE FROM part_exp.plain WHERE event_at < date_trunc('month', (SELECT min(event_at) FROM part_exp.src)) + interval '1 month';
COMMIT;
BEGIN;
ALTER TABLE part_exp.part DETACH PARTITION part_exp.part_:oldest;
DROP TABLE part_exp.part_:oldest;
COMMIT;

DROP SCHEMA part_exp CASCADE;
