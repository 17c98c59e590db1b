package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/spf13/cobra"
)

// newRiverClient builds the River client every process shares. With
// runWorkers it also works jobs; without, it only inserts them (HTTP replicas
// started with --workers=false).
func (a *app) newRiverClient(pool *pgxpool.Pool, runWorkers bool) (*river.Client[pgx.Tx], error) {
	cfg := &river.Config{
		Logger:      a.logger.With(slog.String("component", "river")),
		JobTimeout:  2 * time.Minute,
		MaxAttempts: 12,
	}
	if runWorkers {
		workers := river.NewWorkers()
		registerWorkers(workers, a, pool)
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("create river client: %w", err)
	}
	return client, nil
}

// registerWorkers adds every background worker. Each package owns its
// XArgs/XWorker pairs; this is the only place they meet.
func registerWorkers(workers *river.Workers, a *app, pool *pgxpool.Pool) {
	_, _, _ = workers, a, pool
}

// startWorkers starts the client's job loop and returns a stop function that
// lets running jobs finish (up to 15 s) before cancelling them.
func startWorkers(ctx context.Context, client *river.Client[pgx.Tx]) (stop func(), err error) {
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("start workers: %w", err)
	}
	return func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := client.Stop(stopCtx); err != nil {
			_ = client.StopAndCancel(context.Background())
		}
	}, nil
}

func newWorkCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "work",
		Short: "Run background workers only (no HTTP)",
		Long: `work runs the River job workers (SLA timers, notification and webhook delivery,
media processing, periodic analytics) without serving HTTP. Run any number of
these beside 'serve --workers=false' replicas; River hands each job to exactly
one worker. Stops gracefully on SIGINT/SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			pool, err := a.pool(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			client, err := a.newRiverClient(pool, true)
			if err != nil {
				return err
			}
			stop, err := startWorkers(ctx, client)
			if err != nil {
				return err
			}
			a.logger.Info("Workers running")
			<-ctx.Done()
			stop()
			return nil
		},
	}
}
