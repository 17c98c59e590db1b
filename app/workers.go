package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
)

// fetchCooldown is how often River announces and fetches new jobs at most:
// 20 ms (default 100) for low report → alert latency.
const fetchCooldown = 20 * time.Millisecond

// AuditCheckpoints sign the audit log on a schedule (auth.AuditCheckpointer);
// off when Checkpointer is nil.
type AuditCheckpoints struct {
	Checkpointer *auth.AuditCheckpointer
	Interval     time.Duration
}

// Register adds every background worker to workers and returns the jobs
// River inserts on a schedule (none with Config.NoPeriodicJobs). Each
// package owns its XArgs/XWorker pairs; this is the only place they meet.
func (s *Services) Register(workers *river.Workers, audit AuditCheckpoints) []*river.PeriodicJob {
	notify.AddWorkers(workers, s.Notify)
	notify.AddWebhookWorkers(workers, s.Webhooks)
	cases.AddWorkers(workers, s.Cases)
	river.AddWorker(workers, &cases.DigestWorker{Service: s.Cases})
	// alerts works ingest.HappeningNowArgs, analytics' hotspot alert jobs and
	// leads' alert jobs.
	alerts.AddWorkers(workers, s.Alerts)
	river.AddWorker(workers, &leads.TipWorker{Leads: s.Leads})
	river.AddWorker(workers, &analytics.AnalyzeWorker{Pipeline: s.Pipeline, Then: s.Leads.Relink})
	river.AddWorker(workers, &ingest.SweepBlobsWorker{Service: s.Ingest})
	river.AddWorker(workers, &ingest.PurgeWorker{Service: s.Ingest})
	if audit.Checkpointer != nil {
		river.AddWorker(workers, &auth.AuditCheckpointWorker{Checkpointer: audit.Checkpointer})
	}
	if s.cfg.NoPeriodicJobs {
		return nil
	}
	jobs := s.periodicJobs()
	if audit.Checkpointer != nil {
		jobs = append(jobs, auth.AuditCheckpointPeriodicJob(audit.Interval))
	}
	return jobs
}

// periodicJobs are the jobs River inserts on a schedule (one leader among
// all worker processes does it).
func (s *Services) periodicJobs() []*river.PeriodicJob {
	cfg := s.cfg
	return []*river.PeriodicJob{
		analytics.AnalyzePeriodicJob(cfg.AnalyticsInterval),
		notify.SMSDrainPeriodicJob(),
		cases.SLASweepPeriodicJob(),
		// The supervisors' daily digest at DigestAt (IST).
		cases.DigestPeriodicJob(cfg.DigestAt),
		river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return ingest.SweepBlobsArgs{}, nil }, nil),
		// The retention purge (docs/SECURITY.md), with the configured policy.
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return ingest.PurgeArgs{Rejected: cfg.RetentionRejected, Originals: cfg.RetentionOriginals}, nil
		}, nil),
	}
}

// StartWorkers starts a River client that works every job Register adds and
// returns a stop function that lets running jobs finish (up to 15 s) before
// cancelling them.
func (s *Services) StartWorkers(ctx context.Context, audit AuditCheckpoints) (stop func(), err error) {
	workers := river.NewWorkers()
	periodic := s.Register(workers, audit)
	client, err := river.NewClient(riverpgxv5.New(s.pool), &river.Config{
		Logger:     s.cfg.Logger.With(slog.String("component", "river")),
		JobTimeout: s.cfg.JobTimeout,
		// Jobs of a worker that died are retried after this, not River's hour.
		RescueStuckJobsAfter: s.cfg.JobRescueAfter,
		FetchCooldown:        fetchCooldown,
		MaxAttempts:          12,
		Workers:              workers,
		PeriodicJobs:         periodic,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}},
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
