package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
)

// SLA ladder rungs: who is alerted when an ATR is overdue.
const (
	RungNodal = 1 // at the deadline: the district's nodal officer
	RungSP    = 2 // Config.SLAToSP later: the SP
	RungMSP   = 3 // Config.SLAToMSP later: the MSP
)

// SLACheckArgs is one rung of the SLA ladder for one ATR deadline. The
// transaction that sets the deadline schedules the first rung; each rung,
// when it runs, schedules the next while the deadline stands (one job per
// filing instead of three: filing is the busiest write path). A rung whose
// deadline has since been met or replaced does nothing.
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

// scheduleLadder schedules the first rung for a new deadline, in t.
func (s *Service) scheduleLadder(_ context.Context, t *txn, complaintID int64, due time.Time) error {
	args := SLACheckArgs{ComplaintID: complaintID, DueAt: due, Rung: RungNodal}
	t.enqueue(args, &river.InsertOpts{ScheduledAt: s.rungAt(due, RungNodal)})
	return nil
}

// scheduleNextRung schedules the rung after args, if there is one, in t. It
// is unique by its arguments, so a rung that runs twice (its worker died
// after commit) schedules the next only once.
func (s *Service) scheduleNextRung(t *txn, args SLACheckArgs) {
	if args.Rung >= RungMSP {
		return
	}
	next := SLACheckArgs{ComplaintID: args.ComplaintID, DueAt: args.DueAt, Rung: args.Rung + 1}
	t.enqueue(next, &river.InsertOpts{ScheduledAt: s.rungAt(args.DueAt, next.Rung),
		UniqueOpts: river.UniqueOpts{ByArgs: true}})
}

// rungEffects are each rung's event, recipients and SMS template.
var rungEffects = map[int]struct {
	event, toKind, toRole, template string
}{
	RungNodal: {EventSLANodal, SMSToDistrictOfficers, "nodal", TemplateSLANodal},
	RungSP:    {EventSLASP, SMSToDistrictOfficers, "sp", TemplateSLASP},
	RungMSP:   {EventSLAMSP, SMSToMSP, "", TemplateSLAMSP},
}

// CheckSLA runs one rung of the ladder: when the ATR for args.DueAt is still
// owed, it records an event (visible to her: her case was escalated) and
// queues an SMS to the rung's officers. It is a no-op when the ATR was
// published, the case moved on, the deadline was replaced (a pursue restarts
// the ladder) or the rung already fired. While the deadline stands it
// schedules the next rung. Before the rung's time it does
// nothing and returns how long to wait. It also wipes an expired replay
// secret (the first rung comes when the replay window ends).
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
		if err := t.complaints.ClearReplay(ctx, c.ID, t.now); err != nil {
			return err
		}
		if !c.Status.Open() || c.ATRDueAt == nil || !c.ATRDueAt.Equal(args.DueAt) || c.SLAStage >= args.Rung {
			return nil // the ladder of this deadline is over, or this rung fired and scheduled the next
		}
		s.scheduleNextRung(t, args)
		if !c.Status.AwaitingATR() {
			return nil // an ATR is in vetting or published; a later rung looks again
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
	river.AddWorker(workers, &SMSDeliverWorker{Service: s})
}
