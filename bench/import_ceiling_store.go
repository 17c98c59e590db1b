package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// ImportCeilings are the bulk import's two database ceilings over the same
// rows: Plain COPYs them, routing already done, into a copy of reports;
// Routed COPYs their staging columns and runs the import's routing insert.
type ImportCeilings struct {
	Rows   int
	Plain  time.Duration
	Routed time.Duration
}

// PlainRate is the plain COPY ceiling in rows a second.
func (c ImportCeilings) PlainRate() float64 { return float64(c.Rows) / c.Plain.Seconds() }

// RoutedRate is the routed COPY ceiling in rows a second.
func (c ImportCeilings) RoutedRate() float64 { return float64(c.Rows) / c.Routed.Seconds() }

// ImportOptions shape MeasureImport like the import it bounds.
type ImportOptions struct {
	Workers   int // batches loaded at once, each on its own connection (ingest.ImportOptions.Workers)
	BatchRows int // rows a batch (ingest's 20,000)
}

// ceilingSchemaSQL makes the scratch copy of reports: LIKE … INCLUDING ALL
// copies columns, defaults, identity, CHECK constraints and every index;
// foreign keys are added from the catalogue (ceilingForeignKeysSQL), so
// each row pays the same checks as in reports.
const ceilingSchemaSQL = `
DROP SCHEMA IF EXISTS bench_ceiling CASCADE;
CREATE SCHEMA bench_ceiling;
CREATE TABLE bench_ceiling.reports (LIKE public.reports INCLUDING ALL)`

// ceilingForeignKeysSQL lists reports' foreign keys as ALTER statements for
// the copy. pg_get_constraintdef names the referenced tables as the
// search_path (public) sees them.
const ceilingForeignKeysSQL = `
SELECT format('ALTER TABLE bench_ceiling.reports ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE conrelid = 'public.reports'::regclass AND contype = 'f'`

// ceilingTriggersSQL lists reports' insert-only triggers (the rollup's
// cell marking, migration 00052) as CREATE statements for the copy, so an
// import into it pays them too. Triggers on other events are left out: the
// truncate trigger would empty the real rollup.
const ceilingTriggersSQL = `
SELECT replace(pg_get_triggerdef(oid), ' ON public.reports ', ' ON bench_ceiling.reports ')
FROM pg_trigger WHERE tgrelid = 'public.reports'::regclass AND NOT tgisinternal AND tgtype & (4 | 8 | 16 | 32) = 4`

// ceilingColumnsSQL lists the stored (not generated) columns of reports.
const ceilingColumnsSQL = `
SELECT quote_ident(attname) FROM pg_attribute
WHERE attrelid = 'public.reports'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
ORDER BY attnum`

// importedRowsSQL dumps the imported reports in the order they were
// inserted; %s is the column list.
const importedRowsSQL = `COPY (SELECT %s FROM public.reports WHERE source = 'import' ORDER BY id) TO STDOUT`

// stagingExpr maps a staging column to the expression that recovers it
// from a stored report: the point's coordinates come back exactly from the
// float8 geometry, the line is the row's place in the dump.
var stagingExpr = map[string]string{"line": "row_number() OVER (ORDER BY id)", "lat": "ST_Y(geom)", "lon": "ST_X(geom)"}

const (
	dropCeilingSchemaSQL = `DROP SCHEMA IF EXISTS bench_ceiling CASCADE`
	truncateCeilingSQL   = `TRUNCATE bench_ceiling.reports`
	ceilingPathSQL       = `SET LOCAL search_path = bench_ceiling, public`
)

// MeasureImport measures the import's ceilings over the reports stored by
// imports (source "import": `vikalp seed --synthetic` or an import), in
// batches of opts.BatchRows on opts.Workers connections as the import
// loads them. Plain is a COPY of every stored column into
// bench_ceiling.reports; Routed COPYs the staging columns of the same rows
// into ingest's staging table and runs ingest.LoadStagedBatch with
// bench_ceiling first on the search_path, so its insert writes the copy
// (after jurisdiction.EnsureRouteCells, as the import).
// The rows are dumped to temporary files first; only the loads are timed.
func MeasureImport(ctx context.Context, pool *pgxpool.Pool, opts ImportOptions) (ImportCeilings, error) {
	opts.Workers, opts.BatchRows = max(opts.Workers, 1), max(opts.BatchRows, 1)
	var c ImportCeilings
	// As the import does before its first batch (untimed there too).
	if _, _, err := jurisdiction.EnsureRouteCells(ctx, pool); err != nil {
		return c, err
	}
	if err := createCeilingTable(ctx, pool); err != nil {
		return c, err
	}
	defer pool.Exec(context.WithoutCancel(ctx), dropCeilingSchemaSQL) //nolint:errcheck // best effort
	cols, err := storedColumns(ctx, pool)
	if err != nil {
		return c, err
	}
	plain, err := dump(ctx, pool, fmt.Sprintf(importedRowsSQL, strings.Join(cols, ", ")))
	if err != nil {
		return c, err
	}
	defer os.Remove(plain)
	staging, err := dump(ctx, pool, fmt.Sprintf(importedRowsSQL, stagingSelect()))
	if err != nil {
		return c, err
	}
	defer os.Remove(staging)
	copyPlain := fmt.Sprintf("COPY bench_ceiling.reports (%s) FROM STDIN", strings.Join(cols, ", "))
	c.Rows, c.Plain, err = loadBatches(ctx, plain, opts, func(ctx context.Context, batch []byte) error {
		return pg.WithTx(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(batch), copyPlain)
			return err
		})
	})
	if err != nil {
		return c, fmt.Errorf("plain COPY ceiling: %w", err)
	}
	if _, err := pool.Exec(ctx, truncateCeilingSQL); err != nil {
		return c, fmt.Errorf("empty ceiling table: %w", err)
	}
	_, c.Routed, err = loadBatches(ctx, staging, opts, func(ctx context.Context, batch []byte) error {
		return routedBatch(ctx, pool, batch)
	})
	if err != nil {
		return c, fmt.Errorf("routed COPY ceiling: %w", err)
	}
	return c, nil
}

// createCeilingTable creates bench_ceiling.reports with reports' foreign
// keys and insert triggers.
func createCeilingTable(ctx context.Context, pool *pgxpool.Pool) error {
	if _, err := pool.Exec(ctx, ceilingSchemaSQL); err != nil {
		return fmt.Errorf("create ceiling table: %w", pg.Interpret(err))
	}
	for _, copy := range []struct{ what, sql string }{
		{"foreign keys", ceilingForeignKeysSQL},
		{"insert triggers", ceilingTriggersSQL},
	} {
		rows, err := pool.Query(ctx, copy.sql)
		if err != nil {
			return fmt.Errorf("list %s of reports: %w", copy.what, err)
		}
		stmts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("list %s of reports: %w", copy.what, err)
		}
		for _, stmt := range stmts {
			if _, err := pool.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("copy %s to ceiling table: %w", copy.what, pg.Interpret(err))
			}
		}
	}
	return nil
}

// storedColumns lists reports' stored columns, quoted.
func storedColumns(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, ceilingColumnsSQL)
	if err != nil {
		return nil, fmt.Errorf("list columns of reports: %w", err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list columns of reports: %w", err)
	}
	return cols, nil
}

// stagingSelect is the select list that recovers ingest's staging columns,
// in ingest.ImportStagingColumns order, from stored reports.
func stagingSelect() string {
	exprs := make([]string, len(ingest.ImportStagingColumns))
	for i, col := range ingest.ImportStagingColumns {
		exprs[i] = col
		if e, ok := stagingExpr[col]; ok {
			exprs[i] = e
		}
	}
	return strings.Join(exprs, ", ")
}

// dump runs a COPY … TO STDOUT statement into a temporary file and returns
// its name.
func dump(ctx context.Context, pool *pgxpool.Pool, copyTo string) (string, error) {
	f, err := os.CreateTemp("", "vikalp-ceiling-*.copy")
	if err != nil {
		return "", fmt.Errorf("create dump file: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = withConn(ctx, pool, func(c *pgx.Conn) error {
		_, err := c.PgConn().CopyTo(ctx, w, copyTo)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("dump imported reports: %w", pg.Interpret(err))
	}
	return f.Name(), nil
}

// withConn runs fn on one connection of pool.
func withConn(ctx context.Context, pool *pgxpool.Pool, fn func(*pgx.Conn) error) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	return fn(c.Conn())
}

// loadBatches splits the COPY text file name into batches of opts.BatchRows
// lines (one row a line: COPY text escapes newlines inside values) and runs
// load on each, opts.Workers at once. It returns the rows and the wall time.
func loadBatches(ctx context.Context, name string, opts ImportOptions, load func(context.Context, []byte) error) (int, time.Duration, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, fmt.Errorf("open dump: %w", err)
	}
	defer f.Close()
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Workers)
	r := bufio.NewReaderSize(f, 1<<20)
	rows := 0
	for {
		batch, n, err := readLines(r, opts.BatchRows)
		rows += n
		if n > 0 {
			g.Go(func() error { return load(gctx, batch) })
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = g.Wait()
			return rows, 0, fmt.Errorf("read dump: %w", err)
		}
	}
	err = g.Wait()
	return rows, time.Since(start), err
}

// readLines reads up to n lines from r.
func readLines(r *bufio.Reader, n int) ([]byte, int, error) {
	var buf bytes.Buffer
	for i := range n {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return buf.Bytes(), i, err // a last line without '\n' is not a whole row
		}
		buf.Write(line)
	}
	return buf.Bytes(), n, nil
}

// routedBatch loads one batch of staging rows the import's way, into
// bench_ceiling.reports.
func routedBatch(ctx context.Context, pool *pgxpool.Pool, batch []byte) error {
	copyStaging := fmt.Sprintf("COPY %s (%s) FROM STDIN", pgx.Identifier{ingest.ImportStagingTable}.Sanitize(),
		strings.Join(ingest.ImportStagingColumns, ", "))
	return pg.WithTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, ceilingPathSQL); err != nil {
			return fmt.Errorf("set search_path: %w", err)
		}
		_, err := ingest.LoadStagedBatch(ctx, tx, func(ctx context.Context, tx pgx.Tx) (int64, error) {
			tag, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(batch), copyStaging)
			return tag.RowsAffected(), err
		})
		return err
	})
}
