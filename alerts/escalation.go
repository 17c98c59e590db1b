package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// Level is one level of an escalation policy: the unit kind paged and how
// long it has to acknowledge before the next level is paged.
type Level struct {
	Kind      UnitKind
	Role      string        // district officers only: "sp" or "nodal"; "" pages all of them
	AckWithin time.Duration // 0 takes the policy's timeout (Config)
}

// EscalationPolicy is an escalation policy (PagerDuty's): the levels an
// unacknowledged alert climbs, in order, from the level of the unit it is
// addressed to. Every level reached may see and acknowledge the alert; the
// last level is paged again every AckWithin until someone acknowledges or
// resolves it.
type EscalationPolicy []Level

// DefaultPCRPolicy is the policy of alerts to a PCR unit or a district
// control room: PCR unit → district control room → SP of the district →
// MSP.
func DefaultPCRPolicy() EscalationPolicy {
	return EscalationPolicy{{Kind: UnitPCR}, {Kind: UnitDistrictControlRoom}, {Kind: UnitDistrictOfficers, Role: "sp"},
		{Kind: UnitMSP}}
}

// DefaultAHTUPolicy is the policy of alerts to an AHTU (and the AHTU
// in-charge): AHTU → AHTU in-charge (state).
func DefaultAHTUPolicy() EscalationPolicy {
	return EscalationPolicy{{Kind: UnitAHTU}, {Kind: UnitAHTUInCharge}}
}

// withDefaults is p, or def() when p is empty, with timeout for each level
// without its own.
func (p EscalationPolicy) withDefaults(def func() EscalationPolicy, timeout time.Duration) EscalationPolicy {
	if len(p) == 0 {
		p = def()
	} else {
		p = slices.Clone(p)
	}
	for i := range p {
		if p[i].AckWithin <= 0 {
			p[i].AckWithin = timeout
		}
	}
	return p
}

// escalationPolicy is the policy of alerts addressed to unit kind k; nil
// for district officers and MSP, whose complaint alerts climb the SLA ladder
// of package cases instead.
func (s *Service) escalationPolicy(k UnitKind) EscalationPolicy {
	switch k {
	case UnitPCR, UnitDistrictControlRoom:
		return s.cfg.PCRPolicy
	case UnitAHTU, UnitAHTUInCharge:
		return s.cfg.AHTUPolicy
	}
	return nil
}

// rung is one level of an alert's ladder, resolved to a unit.
type rung struct {
	Unit      Unit
	AckWithin time.Duration
}

// ladder resolves the policy of a's unit into the units a climbs: its own
// unit first, then each later level of the policy, district levels for a's
// district (skipped when a has none) and state levels with id 0. Levels of
// single units (PCR unit, AHTU) after the first cannot be resolved and are
// skipped. An alert whose unit kind a configured policy does not list
// starts before its first level, with that level's time. Nil when a does
// not escalate.
func (s *Service) ladder(a Alert) []rung {
	p := s.escalationPolicy(a.UnitKind)
	if len(p) == 0 {
		return nil
	}
	start := slices.IndexFunc(p, func(l Level) bool { return l.Kind == a.UnitKind })
	own := Unit{Kind: a.UnitKind, ID: a.UnitID, Role: a.UnitRole}
	out := []rung{{Unit: own, AckWithin: p[max(start, 0)].AckWithin}}
	for _, l := range p[start+1:] {
		if u, ok := levelUnit(l, a); ok && u != own {
			out = append(out, rung{Unit: u, AckWithin: l.AckWithin})
		}
	}
	return out
}

// levelUnit is the unit of level l for alert a, false when there is none.
func levelUnit(l Level, a Alert) (Unit, bool) {
	switch l.Kind {
	case UnitDistrictControlRoom, UnitDistrictOfficers:
		if a.DistrictID == nil {
			return Unit{}, false
		}
		return Unit{Kind: l.Kind, ID: int64(*a.DistrictID), Role: l.Role}, true
	case UnitMSP, UnitAHTUInCharge:
		return Unit{Kind: l.Kind}, true
	}
	return Unit{}, false
}

// Escalate runs escalation check args. When alert args.AlertID is still
// open (unacknowledged) at its deadline and still at escalation level
// args.Level, the next level of its policy is paged (the last level again
// once it has been reached): the level may now see and acknowledge it, an
// "escalated" event goes to consoles and webhooks, an SMS to the level is
// queued in sms_outbox, and the next check is scheduled at the new
// deadline, all in one transaction. Before the deadline it does nothing and
// returns how long to wait. An acknowledged or resolved alert, or a check
// the alert has moved past, is left alone: acknowledging stops the ladder.
func (s *Service) Escalate(ctx context.Context, args EscalateArgs) (time.Duration, error) {
	var wait time.Duration
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := NewAlertStore(tx).ByIDForUpdate(ctx, args.AlertID, Visibility{All: true})
		if err != nil {
			return err
		}
		if a.State != StateOpen || a.AckDueAt == nil || a.EscalationLevel != args.Level {
			return nil
		}
		now := s.now()
		if w := a.AckDueAt.Sub(now); w > 0 {
			wait = w
			return nil
		}
		return s.escalate(ctx, tx, a, now)
	})
	if errors.Is(err, vikalp.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("escalate alert %d: %w", args.AlertID, err)
	}
	return wait, nil
}

// escalate pages the next level of open alert a, whose deadline has
// passed, in tx.
func (s *Service) escalate(ctx context.Context, tx pgx.Tx, a Alert, now time.Time) error {
	ladder := s.ladder(a)
	if len(ladder) == 0 {
		return nil
	}
	repeat := a.EscalationLevel >= len(ladder)-1
	next := ladder[min(a.EscalationLevel+1, len(ladder)-1)]
	missed := *a.AckDueAt
	a, err := NewAlertStore(tx).Escalate(ctx, a.ID, now, next.Unit, now.Add(next.AckWithin))
	if err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "Alert escalated", slog.Int64("alert_id", a.ID),
		slog.String("to_unit_kind", string(next.Unit.Kind)), slog.Int64("to_unit_id", next.Unit.ID),
		slog.Int("escalation_level", a.EscalationLevel), slog.Bool("repeat", repeat))
	err = s.record(ctx, tx, a, Event{Kind: EventEscalated, ActorRole: actorSystem, At: now,
		Detail: map[string]any{"to_unit_kind": next.Unit.Kind, "to_unit_id": next.Unit.ID,
			"to_unit_role": next.Unit.Role, "level": a.EscalationLevel, "repeat": repeat,
			"ack_due_at": missed, "next_ack_due_at": a.AckDueAt}})
	if err != nil {
		return err
	}
	if err := s.page(ctx, tx, a, next.Unit, repeat, now); err != nil {
		return err
	}
	return s.scheduleEscalation(ctx, tx, a)
}

// scheduleEscalation inserts, in tx, the check of open alert a at its
// acknowledgement deadline.
func (s *Service) scheduleEscalation(ctx context.Context, tx pgx.Tx, a Alert) error {
	args := EscalateArgs{AlertID: a.ID, Level: a.EscalationLevel}
	if _, err := s.jobs.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: *a.AckDueAt}); err != nil {
		return fmt.Errorf("schedule alert escalation: %w", err)
	}
	return nil
}

// EscalateArgs checks, at its acknowledgement deadline, whether alert
// AlertID, then at escalation level Level, must be escalated. Inserted
// with the alert and with each escalation, scheduled at the deadline.
type EscalateArgs struct {
	AlertID int64 `json:"alert_id"`
	Level   int   `json:"level"` // 0 in jobs queued before escalation policies
}

// Kind implements river.JobArgs.
func (EscalateArgs) Kind() string { return "alerts.escalate" }

// EscalateWorker runs EscalateArgs jobs.
type EscalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	Service *Service
}

// Work implements river.Worker. A job that runs early (clock skew between
// hosts) snoozes until the deadline.
func (w *EscalateWorker) Work(ctx context.Context, job *river.Job[EscalateArgs]) error {
	wait, err := w.Service.Escalate(ctx, job.Args)
	if err == nil && wait > 0 {
		return river.JobSnooze(wait)
	}
	return err
}
