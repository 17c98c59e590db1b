// Package bench measures the ceilings `make bench` prints beside each hot
// path: what the database alone does with the same rows, statements and
// concurrency, without the Go and HTTP work around them. A path is then
// reported as a ratio to its ceiling measured in the same run on the same
// data, a figure that does not move with the machine the way absolute
// rates do (issue 20, bench/RESULTS.md).
//
// The package owns no table of its own. It writes only to a scratch schema
// (bench_ceiling, dropped afterwards) holding a copy of reports with the
// same columns, indexes, constraints and foreign keys, and it runs the
// production statements through their owners' exported functions
// (ingest.LoadStagedBatch); its one statement of its own is the
// pg_tileserv-shape tile the report tiles are compared with.
//
// Beside it, partitions.sql is the one-off comparison of monthly
// partitions of reports with the plain table at 5 M reports (psql, in the
// scratch schema part_exp; results in NOTES.md, "Partitions at 5 M").
package bench
