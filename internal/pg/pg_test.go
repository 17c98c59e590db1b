package pg_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

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
