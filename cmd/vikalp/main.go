// Command vikalp is the whole Vikalp platform in one binary: the HTTP API and
// web app, background workers, migrations, imports, seeding and admin tools.
// This package only wires things together; the work lives in the packages.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/internal/pg"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "vikalp:", err)
		os.Exit(1)
	}
}

// cli is what every subcommand shares: validated config and a logger. The
// pool is opened on demand so `--help` and config errors need no database.
type cli struct {
	cfg    Config
	logger *slog.Logger
}

func newRootCmd() *cobra.Command {
	a := &cli{}
	root := &cobra.Command{
		Use:   "vikalp",
		Short: "Vikalp: women's safety reporting and anti-trafficking platform",
		Long: `Vikalp runs the complaint lifecycle (filing, tracking, Action Taken Reports,
nodal vetting, satisfaction and escalation), public hotspot reports, trafficking
tips and leads, alerts and map tiles for Uttar Pradesh police units.

Configuration comes from the environment (DATABASE_URL, VIKALP_*); see README.md.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := LoadConfig()
			if err != nil {
				return err
			}
			a.cfg = cfg
			a.logger = newLogger(cfg)
			slog.SetDefault(a.logger)
			return nil
		},
	}
	root.AddCommand(
		newServeCmd(a),
		newWorkCmd(a),
		newMigrateCmd(a),
		newSeedCmd(a),
		newImportCmd(a),
		newUserCmd(a),
		newAuditCmd(a),
		newTOTPCmd(a),
		newKeysCmd(a),
		newBenchCmd(a),
		newStatsCmd(),
		newAnalyzeCmd(a),
		newPurgeCmd(a),
		newDigestCmd(a),
		newWebhookPolicyCmd(a),
	)
	return root
}

// pool opens the database pool for a subcommand.
func (a *cli) pool(ctx context.Context) (*pgxpool.Pool, error) {
	if err := a.cfg.requireDB(); err != nil {
		return nil, err
	}
	return pg.Open(ctx, a.cfg.DatabaseURL, a.cfg.MaxDBConns)
}

// withServices opens the pool, wires the services on it (reads too: a
// command talks to the primary) and runs fn, closing the pool afterwards.
func (a *cli) withServices(ctx context.Context, fn func(pool *pgxpool.Pool, svc *app.Services) error) error {
	pool, err := a.pool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc, err := a.newServices(pool, pool)
	if err != nil {
		return err
	}
	return fn(pool, svc)
}

func newLogger(cfg Config) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
