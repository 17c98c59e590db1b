package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/notify"
)

// SLA ladder rungs: who is alerted when an ATR is overdue.
const (
	RungNodal = 1 // at the deadline: the district's nodal officer
	RungSP    = 2 // Config.SLAToSP later: the SP
	RungMSP   = 3 // Config.SLAToMSP later: the MSP
)

// The SLA ladder: when an ATR is still owed at its deadline, the nodal
// officer is alerted; SLAToSP later the SP; SLAToMSP later the MSP. A sweep
// (SweepSLA, the periodic SLASweepArgs job) finds the complaints whose next
// rung is due and runs it. Scheduling a River job per complaint instead
// (three, later one per rung) made the ladder the largest single write of a
// filing; the sweep reads a partial index of the complaints still owing an
// ATR, and it also wipes sealed replay secrets whose window has ended.

// SLASweepInterval is how often the sweep runs: the most a rung fires late.
const SLASweepInterval = 30 * time.Second

// slaSweepBatch complaints are read per query of a sweep.
const slaSweepBatch = 500

// SLASweepArgs runs the SLA ladder sweep (SweepSLA).
type SLASweepArgs struct{}

// Kind implements river.JobArgs.
func (SLASweepArgs) Kind() string { return "cases.sla_sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts: a failed sweep is not
// retried; the next one follows in SLASweepInterval.
func (SLASweepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// SLASweepPeriodicJob runs the sweep every SLASweepInterval, and at start.
func SLASweepPeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(SLASweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return SLASweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// SLASweepWorker runs SLASweepArgs jobs.
type SLASweepWorker struct {
	river.WorkerDefaults[SLASweepArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *SLASweepWorker) Work(ctx context.Context, _ *river.Job[SLASweepArgs]) error {
	_, err := w.Service.SweepSLA(ctx)
	return err
}

// SweepSLA runs every rung that is due (each rung of a complaint in order,
// so a sweep after an outage still alerts every level), then every rung of
// overdue directions (sweepDirections: SP at the reply-by time, SLAToMSP
// later the MSP), and wipes expired replay secrets. It returns how many
// rungs it looked at.
func (s *Service) SweepSLA(ctx context.Context) (int, error) {
	now := s.now()
	if err := s.clearExpiredReplays(ctx, now); err != nil {
		return 0, err
	}
	store := NewComplaintStore(s.db)
	ran := 0
	for {
		due, err := store.SLADue(ctx, now, s.cfg.SLAToSP, s.cfg.SLAToMSP, slaSweepBatch)
		if err != nil {
			return ran, err
		}
		before := ran
		for _, d := range due {
			for rung := d.Stage + 1; rung <= RungMSP && !s.rungAt(d.DueAt, rung).After(now); rung++ {
				if _, err := s.CheckSLA(ctx, SLACheckArgs{ComplaintID: d.ComplaintID, DueAt: d.DueAt, Rung: rung}); err != nil {
					return ran, err
				}
				ran++
			}
		}
		// A full batch may hide more; each run rung leaves the due set.
		if len(due) < slaSweepBatch || ran == before {
			n, err := s.sweepDirections(ctx, now) // overdue directions climb their own ladder
			return ran + n, err
		}
	}
}

// SLACheckArgs is one rung of the SLA ladder for one ATR deadline: what
// the sweep runs, and the job earlier versions scheduled per complaint
// (such jobs still queued after an upgrade run as before).
type SLACheckArgs struct {
	ComplaintID int64     `json:"complaint_id"`
	DueAt       time.Time `json:"due_at"`
	Rung        int       `json:"rung"`
}

// Kind implements river.JobArgs.
func (SLACheckArgs) Kind() string { return "cases.sla_check" }

// SLACheckWorker runs SLA ladder rungs.
type SLACheckWorker struct {
	river.WorkerDefaults[SLACheckArgs]
	Service *Service
}

// Work implements river.Worker. A job that runs before its time (a clock
// skew between hosts) is snoozed until then.
func (w *SLACheckWorker) Work(ctx context.Context, job *river.Job[SLACheckArgs]) error {
	wait, err := w.Service.CheckSLA(ctx, job.Args)
	if err == nil && wait > 0 {
		return river.JobSnooze(wait)
	}
	return err
}

// rungAt is when rung fires for a deadline.
func (s *Service) rungAt(due time.Time, rung int) time.Time {
	switch rung {
	case RungSP:
		return due.Add(s.cfg.SLAToSP)
	case RungMSP:
		return due.Add(s.cfg.SLAToMSP)
	}
	return due
}

// rungEffects are each rung's event, recipients and SMS template.
var rungEffects = map[int]struct {
	event, toKind, toRole, template string
}{
	RungNodal: {EventSLANodal, notify.ToDistrictOfficers, "nodal", TemplateSLANodal},
	RungSP:    {EventSLASP, notify.ToDistrictOfficers, "sp", TemplateSLASP},
	RungMSP:   {EventSLAMSP, notify.ToMSP, "", TemplateSLAMSP},
}

// CheckSLA runs one rung of the ladder: when the ATR for args.DueAt is still
// owed, it records an event (visible to her: her case was escalated) and
// queues an SMS to the rung's officers. It is a no-op when the ATR was
// published, the case moved on, the deadline was replaced (a pursue restarts
// the ladder) or the rung already fired. Before the rung's time it does
// nothing and returns how long to wait.
func (s *Service) CheckSLA(ctx context.Context, args SLACheckArgs) (time.Duration, error) {
	effects, ok := rungEffects[args.Rung]
	if !ok {
		return 0, fmt.Errorf("check sla: unknown rung %d", args.Rung)
	}
	if wait := s.rungAt(args.DueAt, args.Rung).Sub(s.now()); wait > 0 {
		return wait, nil
	}
	err := s.inTx(ctx, func(t *txn) error {
		c, err := t.complaints.ByIDForUpdate(ctx, args.ComplaintID, Visibility{})
		if err != nil {
			return err
		}
		if !c.Status.AwaitingATR() || c.ATRDueAt == nil || !c.ATRDueAt.Equal(args.DueAt) || c.SLAStage >= args.Rung {
			return nil
		}
		if err := t.complaints.SetSLAStage(ctx, c.ID, args.Rung); err != nil {
			return err
		}
		s.logger.InfoContext(ctx, "ATR overdue", slog.Int64("complaint_id", c.ID), slog.Int("rung", args.Rung),
			slog.Int("district_id", c.DistrictID))
		if err := t.note(ctx, &c, systemActor, effects.event, "", true,
			map[string]any{"atr_due_at": args.DueAt, "rung": args.Rung}); err != nil {
			return err
		}
		return s.queueOfficerSMS(ctx, t, &c, effects.toKind, effects.toRole, effects.template, args.DueAt)
	})
	if errors.Is(err, vikalp.ErrNotFound) {
		return 0, nil // the complaint is gone; nothing to chase
	}
	if err != nil {
		return 0, fmt.Errorf("check sla for complaint %d rung %d: %w", args.ComplaintID, args.Rung, err)
	}
	return 0, nil
}

// NoRatingArgs checks, Config.NoRatingCall after an ATR was published,
// whether she rated it; if not, MSP gets a call task.
type NoRatingArgs struct {
	ComplaintID int64 `json:"complaint_id"`
	ATRID       int64 `json:"atr_id"`
}

// Kind implements river.JobArgs.
func (NoRatingArgs) Kind() string { return "cases.no_rating_check" }

// NoRatingWorker runs NoRatingArgs jobs.
type NoRatingWorker struct {
	river.WorkerDefaults[NoRatingArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *NoRatingWorker) Work(ctx context.Context, job *river.Job[NoRatingArgs]) error {
	return w.Service.CheckNoRating(ctx, job.Args)
}

// CheckNoRating creates a no_rating_72h call task when the ATR in args is
// still the one awaiting her rating and she has not rated it. Running it
// twice makes one task.
func (s *Service) CheckNoRating(ctx context.Context, args NoRatingArgs) error {
	err := s.inTx(ctx, func(t *txn) error {
		c, err := t.complaints.ByIDForUpdate(ctx, args.ComplaintID, Visibility{})
		if err != nil {
			return err
		}
		if c.Status != StatusAwaitingFeedback {
			return nil
		}
		atr, err := t.atrs.LatestPublished(ctx, c.ID)
		if err != nil || atr.ID != args.ATRID {
			return err
		}
		rated, err := t.ratings.Rated(ctx, atr.ID)
		if err != nil || rated {
			return err
		}
		return s.addCallTask(ctx, t, &c, CallNoRating, &atr.ID)
	})
	if err != nil {
		return fmt.Errorf("check rating of complaint %d: %w", args.ComplaintID, err)
	}
	return nil
}

// AddWorkers registers every River worker of package cases on workers; call
// it in cmd/vikalp before building the working River client.
func AddWorkers(workers *river.Workers, s *Service) {
	river.AddWorker(workers, &SLACheckWorker{Service: s})
	river.AddWorker(workers, &NoRatingWorker{Service: s})
	river.AddWorker(workers, &SLASweepWorker{Service: s})
}

// clearExpiredReplays wipes, in one transaction, the sealed secrets of
// complaints whose replay window has ended at now and their keys' request
// fingerprints: from then on a retry with her key gets the complaint's code
// and status whatever it carries, never the secret.
func (s *Service) clearExpiredReplays(ctx context.Context, now time.Time) error {
	return s.inTx(ctx, func(t *txn) error {
		ids, err := t.complaints.ClearExpiredReplays(ctx, now)
		if err != nil || len(ids) == 0 {
			return err
		}
		return idem.NewStore(t.tx).ForgetHashes(ctx, idem.KindComplaint, ids)
	})
}
