package pg_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

func TestQueryAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	const seriesSQL = `SELECT g FROM generate_series(1, $1::int) g ORDER BY g`

	t.Run("CollectsEveryRow", func(t *testing.T) {
		t.Parallel()
		got, err := pg.QueryAll(ctx, db, pgx.RowTo[int], seriesSQL, 3)
		if err != nil {
			t.Fatalf("QueryAll: %v", err)
		}
		if want := []int{1, 2, 3}; !slices.Equal(got, want) {
			t.Errorf("QueryAll = %v, want %v", got, want)
		}
	})

	t.Run("NoRowsIsEmptyNotNil", func(t *testing.T) {
		t.Parallel()
		got, err := pg.QueryAll(ctx, db, pgx.RowTo[int], seriesSQL, 0)
		if err != nil {
			t.Fatalf("QueryAll: %v", err)
		}
		if got == nil || len(got) != 0 {
			t.Errorf("QueryAll = %#v, want a non-nil empty slice", got)
		}
	})

	t.Run("InterpretsErrors", func(t *testing.T) {
		t.Parallel()
		_, err := pg.QueryAll(ctx, db, pgx.RowTo[int], `SELECT $1::text::int`, "not a number")
		if !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("QueryAll error = %v, want vikalp.ErrInvalid", err)
		}
		// Text PostgreSQL cannot store is invalid input, never a 500.
		for _, q := range []struct{ sql, arg string }{{`SELECT length($1::text)`, "a\x00b"}, {`SELECT length($1::jsonb::text)`, `"a\u0000b"`}} {
			if _, err := pg.QueryOne(ctx, db, pgx.RowTo[int], q.sql, q.arg); !errors.Is(err, vikalp.ErrInvalid) {
				t.Errorf("%s with %q: %v, want vikalp.ErrInvalid", q.sql, q.arg, err)
			}
		}
	})
}

// TestUnavailable: a lost database is a 503 the client retries, however
// the driver reports it; a bad query or a cancelled request is not.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"ConnClosedFromTheDriver": {connClosed(t), true},
		"ConnClosedWrapped":       {fmt.Errorf("begin transaction: %w", pgconn.ErrConnClosed), true},
		"UnexpectedEOF":           {fmt.Errorf("insert report: %w", io.ErrUnexpectedEOF), true},
		"AdminShutdown":           {&pgconn.PgError{Code: "57P01"}, true},
		"ConnectionException":     {&pgconn.PgError{Code: "08006"}, true},
		"UniqueViolation":         {&pgconn.PgError{Code: "23505"}, false},
		"Cancelled":               {context.Canceled, false},
		"Nil":                     {nil, false},
	} {
		if got := pg.Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", name, c.err, got, c.want)
		}
	}
}

// connClosed returns the error pgx gives for work on a connection whose
// socket is gone, as a pooled connection is after a database restart.
func connClosed(t *testing.T) error {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.PgConn().Close(ctx)
	_, err = conn.Exec(ctx, "SELECT 1")
	if err == nil {
		t.Fatal("a query on a closed connection succeeded")
	}
	return err
}
