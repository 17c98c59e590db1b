package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
)

// registerWorkers adds every background worker. Each package owns its
// XArgs/XWorker pairs; this is the only place they meet.
func registerWorkers(workers *river.Workers, svc *services) {
	notify.AddWorkers(workers, svc.notify)
	cases.AddWorkers(workers, svc.cases)
	river.AddWorker(workers, &cases.DigestWorker{Service: svc.cases})
	// alerts works ingest.HappeningNowArgs, analytics' hotspot alert jobs and leads'
	// alert jobs.
	alerts.AddWorkers(workers, svc.alerts)
	river.AddWorker(workers, &leads.TipWorker{Leads: svc.leads})
	river.AddWorker(workers, &analytics.AnalyzeWorker{Pipeline: svc.pipeline, Then: svc.leads.Relink})
	river.AddWorker(workers, &ingest.SweepBlobsWorker{Service: svc.ingest})
	river.AddWorker(workers, &ingest.PurgeWorker{Service: svc.ingest})
}

// periodicJobs are the jobs River inserts on a schedule (one leader among
// all worker processes does it).
func (a *app) periodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		analytics.AnalyzePeriodicJob(a.cfg.AnalyticsInterval),
		notify.SMSDrainPeriodicJob(),
		cases.SLASweepPeriodicJob(),
		// The supervisors' daily digest at VIKALP_DIGEST_AT (IST).
		cases.DigestPeriodicJob(a.cfg.DigestAt),
		river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return ingest.SweepBlobsArgs{}, nil }, nil),
		// The retention purge (docs/SECURITY.md), with the configured policy.
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return ingest.PurgeArgs{Rejected: a.cfg.RetentionRejected, Originals: a.cfg.RetentionOriginals}, nil
		}, nil),
	}
}

// startWorkers starts a River client that works jobs and returns a stop
// function that lets running jobs finish (up to 15 s) before cancelling them.
func (a *app) startWorkers(ctx context.Context, pool *pgxpool.Pool, svc *services) (stop func(), err error) {
	if err := checkWebhookPolicy(ctx, svc); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	registerWorkers(workers, svc)
	auditJobs, err := a.addAuditCheckpoints(workers, pool) // audit_checkpoint.go
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:     a.logger.With(slog.String("component", "river")),
		JobTimeout: a.cfg.JobTimeout,
		// Jobs of a worker that died are retried after this, not River's hour.
		RescueStuckJobsAfter: a.cfg.JobRescueAfter,
		// Fetch at most every 20 ms (default 100) for low alert latency.
		FetchCooldown: 20 * time.Millisecond,
		MaxAttempts:   12,
		Workers:       workers,
		PeriodicJobs:  append(a.periodicJobs(), auditJobs...),
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}},
	})
	if err != nil {
		return nil, fmt.Errorf("create river client: %w", err)
	}
	// Jobs inherit the Start context: with ctx (cancelled by SIGTERM) every
	// running job would be cancelled at once. The returned stop drains them.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
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
			if a.cfg.PprofAddr != "" {
				go a.servePprof(ctx)
			}
			return a.withServices(ctx, func(pool *pgxpool.Pool, svc *services) error {
				stop, err := a.startWorkers(ctx, pool, svc)
				if err != nil {
					return err
				}
				a.logger.Info("Workers running")
				<-ctx.Done()
				stop()
				return nil
			})
		},
	}
}
