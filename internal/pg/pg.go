// Package pg is Vikalp's thin layer over pgx: the DBTX interface every store
// takes, pool construction, transactions, and the one place where driver
// errors become vikalp error kinds.
package pg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vikalp/vikalp"
)

// DBTX is what a store needs: satisfied by *pgxpool.Pool, *pgxpool.Conn and
// pgx.Tx, so the same store works inside or outside a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
	CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Open connects a pool to url and checks the connection.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "vikalp"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return pool, nil
}

// WithTx runs fn in a transaction on db, committing when fn returns nil and
// rolling back otherwise. Nested calls on a pgx.Tx become savepoints.
func WithTx(ctx context.Context, db DBTX, fn func(tx pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", Interpret(err))
	}
	return nil
}

// Interpret translates driver errors into vikalp kinds: no rows becomes
// ErrNotFound, unique and exclusion violations ErrConflict, check and foreign
// key violations ErrInvalid, and so does text PostgreSQL cannot store (a NUL
// in a text value or a \u0000 escape in jsonb; free text is cleaned by
// internal/text before it gets here, this is the backstop for identifiers
// and query parameters). Other errors pass through unchanged.
func Interpret(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", vikalp.ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505", "23P01": // unique_violation, exclusion_violation
			return fmt.Errorf("%w: %w", vikalp.ErrConflict, err)
		case "23503", "23514", "22P02", "23502": // fk, check, invalid text repr, not null
			return fmt.Errorf("%w: %w", vikalp.ErrInvalid, err)
		case "22021", "22P05": // character not in repertoire (NUL), untranslatable character (jsonb \u0000)
			return fmt.Errorf("%w: %w", vikalp.ErrInvalid, err)
		}
	}
	return err
}

// Unavailable reports whether err means the database could not be reached
// or went away mid-request (connection refused or lost, server shutting
// down or starting up), as opposed to a bad query, bad data or a cancelled
// request. The request may be retried once the database is back; with an
// Idempotency-Key that is safe even if its commit was in flight.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || errors.Is(err, pgconn.ErrConnClosed) {
		// ErrConnClosed: the pool handed out a connection whose socket had
		// just gone (a database restart); nothing was sent on it.
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: admin or crash
		// shutdown, cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF)
}

// JobInserter inserts River jobs inside a caller's transaction, so a job
// exists exactly when the data it serves was committed (transactional
// outbox): one with InsertTx, several in one statement with InsertManyTx.
// A *river.Client[pgx.Tx] satisfies it; an insert-only client, made
// without Workers, is enough.
type JobInserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// InsertJobsTx inserts the jobs of params in tx with one InsertManyTx; no
// params is no insert (River refuses an empty batch).
func InsertJobsTx(ctx context.Context, jobs JobInserter, tx pgx.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	_, err := jobs.InsertManyTx(ctx, tx, params)
	return err
}

// QueryOne runs a query expected to return exactly one row and scans it with
// scan (pgx.RowToStructByName[T] or a hand-written scanner for geometry
// columns). No row is vikalp.ErrNotFound, via Interpret.
func QueryOne[T any](ctx context.Context, db DBTX, scan pgx.RowToFunc[T], sql string, args ...any) (T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		var zero T
		return zero, Interpret(err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, scan)
	return v, Interpret(err)
}

// QueryAll runs a query and collects every row with scan
// (pgx.RowToStructByName[T] or a hand-written scanner for geometry columns).
// No rows is an empty, non-nil slice, as with pgx.CollectRows; errors go
// through Interpret, as in QueryOne.
func QueryAll[T any](ctx context.Context, db DBTX, scan pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, Interpret(err)
	}
	list, err := pgx.CollectRows(rows, scan)
	return list, Interpret(err)
}
