package notify

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// SMSDrainInterval is how often the drain runs: the longest a new message
// waits for its first attempt.
const SMSDrainInterval = 2 * time.Second

// SMSDrainArgs sends the due SMS rows (DrainSMS). The kind keeps the name
// it had when package cases drained the outbox: queued jobs store it.
type SMSDrainArgs struct{}

// Kind implements river.JobArgs.
func (SMSDrainArgs) Kind() string { return "cases.sms_drain" }

// InsertOpts implements river.JobArgsWithInsertOpts: a drain that fails
// (the database is down) is not retried; the next one follows in
// SMSDrainInterval.
func (SMSDrainArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// SMSDrainPeriodicJob runs the drain every SMSDrainInterval, and at start.
func SMSDrainPeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(SMSDrainInterval),
		func() (river.JobArgs, *river.InsertOpts) { return SMSDrainArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// SMSDeliverArgs is the per-transaction delivery job of earlier versions;
// such jobs still queued after an upgrade run a drain.
type SMSDeliverArgs struct {
	OutboxIDs []int64 `json:"outbox_ids,omitempty"`
	OutboxID  int64   `json:"outbox_id,omitempty"`
}

// Kind implements river.JobArgs.
func (SMSDeliverArgs) Kind() string { return "cases.sms_deliver" }

// SMSDrainWorker runs a drain for a job of kind T: SMSDrainArgs, or the
// legacy SMSDeliverArgs (one body for both; the job's arguments are not
// read).
type SMSDrainWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	Service *Service
}

// Work implements river.Worker.
func (w *SMSDrainWorker[T]) Work(ctx context.Context, _ *river.Job[T]) error {
	_, err := w.Service.DrainSMS(ctx)
	return err
}

// AddWorkers registers the drain's workers on workers, for both job kinds;
// call it in cmd/vikalp before building the working River client.
func AddWorkers(workers *river.Workers, s *Service) {
	river.AddWorker(workers, &SMSDrainWorker[SMSDrainArgs]{Service: s})
	river.AddWorker(workers, &SMSDrainWorker[SMSDeliverArgs]{Service: s})
}
