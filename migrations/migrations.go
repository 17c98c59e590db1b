// Package migrations embeds Vikalp's numbered SQL migrations and runs them,
// together with River's own migrations, against a database. `vikalp migrate`
// and the test harness both call Up, so tests run exactly the production schema.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed sql/*.sql
var files embed.FS

// Files returns the embedded SQL migrations (for hashing by the test harness).
func Files() fs.FS {
	sub, err := fs.Sub(files, "sql")
	if err != nil {
		panic(err) // impossible: the directory is embedded above
	}
	return sub
}

// Result says what Up did.
type Result struct {
	Applied      []string // our migration files applied in this run
	RiverApplied []int    // River migration versions applied in this run
}

// Up migrates the database behind pool to the latest version: River's tables
// first (our migrations may reference them), then ours. Re-running it is a
// no-op.
func Up(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) (Result, error) {
	var res Result
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: quiet(logger)})
	if err != nil {
		return res, fmt.Errorf("create river migrator: %w", err)
	}
	rres, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return res, fmt.Errorf("run river migrations: %w", err)
	}
	for _, v := range rres.Versions {
		res.RiverApplied = append(res.RiverApplied, v.Version)
	}

	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	applied, err := upSQL(ctx, db)
	if err != nil {
		return res, err
	}
	res.Applied = applied
	return res, nil
}

func upSQL(ctx context.Context, db *sql.DB) ([]string, error) {
	provider, err := goose.NewProvider(goose.DialectPostgres, db, Files())
	if err != nil {
		return nil, fmt.Errorf("create goose provider: %w", err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("run migrations: %w", err)
	}
	names := make([]string, 0, len(results))
	for _, r := range results {
		names = append(names, r.Source.Path)
	}
	return names, nil
}

// quiet keeps River's migrator from logging each step at info level; `vikalp
// migrate` prints its own summary.
func quiet(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(warnOnly{logger.Handler()})
}

// warnOnly passes through records at warn level and above.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
