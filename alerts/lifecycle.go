package alerts

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
)

// List returns the alerts p may see that match f, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) ([]Alert, error) {
	v, err := VisibilityFor(p)
	if err != nil {
		return nil, err
	}
	return NewAlertStore(s.db).List(ctx, v, f)
}

// Get returns alert id and its timeline as p sees them.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (Alert, []EventView, error) {
	v, err := VisibilityFor(p)
	if err != nil {
		return Alert{}, nil, err
	}
	store := NewAlertStore(s.db)
	a, err := store.ByID(ctx, id, v)
	if err != nil {
		return Alert{}, nil, err
	}
	events, err := store.EventsOf(ctx, v, id)
	return a, events, err
}

// step locks alert id as p sees it and runs fn on it in one transaction.
func (s *Service) step(ctx context.Context, p auth.Principal, id int64, fn func(tx pgx.Tx, a Alert, now time.Time) error) (Alert, error) {
	v, err := VisibilityFor(p)
	if err != nil {
		return Alert{}, err
	}
	var out Alert
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewAlertStore(tx)
		a, err := store.ByIDForUpdate(ctx, id, v)
		if err != nil {
			return err
		}
		if err := fn(tx, a, s.now()); err != nil {
			return err
		}
		out, err = store.ByID(ctx, id, v)
		return err
	})
	return out, err
}

// Acknowledge marks open alert id acknowledged by p ("we are on it"), which
// stops its escalation.
func (s *Service) Acknowledge(ctx context.Context, p auth.Principal, id int64) (Alert, error) {
	return s.step(ctx, p, id, func(tx pgx.Tx, a Alert, now time.Time) error {
		if a.State != StateOpen {
			return vikalp.Conflictf("this alert is already %s", a.State)
		}
		by, role := actorOf(p)
		if err := NewAlertStore(tx).Acknowledge(ctx, a.ID, by, now); err != nil {
			return err
		}
		a.State = StateAcknowledged
		return s.record(ctx, tx, a, Event{Kind: EventAcknowledged, ActorUserID: by, ActorRole: role, At: now})
	})
}

// Resolve closes open or acknowledged alert id, by p.
func (s *Service) Resolve(ctx context.Context, p auth.Principal, id int64) (Alert, error) {
	return s.step(ctx, p, id, func(tx pgx.Tx, a Alert, now time.Time) error {
		return s.resolve(ctx, tx, p, a, now)
	})
}

func (s *Service) resolve(ctx context.Context, tx pgx.Tx, p auth.Principal, a Alert, now time.Time) error {
	if a.State == StateResolved {
		return vikalp.Conflictf("this alert is already resolved")
	}
	by, role := actorOf(p)
	if err := NewAlertStore(tx).Resolve(ctx, a.ID, by, now); err != nil {
		return err
	}
	a.State = StateResolved
	return s.record(ctx, tx, a, Event{Kind: EventResolved, ActorUserID: by, ActorRole: role, At: now})
}

// Outcome is what a PCR unit found on a report alert.
type Outcome struct {
	Outcome string // OutcomeVisited, OutcomeActionTaken or OutcomeNothingFound
	Note    string // up to 500 characters, staff only
}

var errBadOutcome = vikalp.InvalidField("outcome", "bad_outcome",
	"outcome must be visited, action_taken or nothing_found")

// RecordOutcome records a PCR outcome on report alert id and resolves it.
// The report's public status (what the reporter sees) shows the outcome.
func (s *Service) RecordOutcome(ctx context.Context, p auth.Principal, id int64, o Outcome) (Alert, error) {
	switch o.Outcome {
	case OutcomeVisited, OutcomeActionTaken, OutcomeNothingFound:
	default:
		return Alert{}, errBadOutcome
	}
	var err error
	if o.Note, err = text.Field("note", o.Note, 500); err != nil {
		return Alert{}, err
	}
	if !p.Has(auth.RolePCR, auth.RoleAdmin) {
		return Alert{}, vikalp.Forbiddenf("only a PCR unit records an outcome")
	}
	return s.step(ctx, p, id, func(tx pgx.Tx, a Alert, now time.Time) error {
		if a.SubjectKind != "report" {
			return vikalp.InvalidField("outcome", "not_a_report", "an outcome is recorded on report alerts only")
		}
		if a.State == StateResolved {
			return vikalp.Conflictf("this alert is already resolved")
		}
		if err := NewAlertStore(tx).SetOutcome(ctx, a.ID, now, o.Outcome, o.Note); err != nil {
			return err
		}
		if err := ingest.NewReportStore(tx).SetPoliceOutcome(ctx, a.SubjectID, o.Outcome, now); err != nil {
			return err
		}
		by, role := actorOf(p)
		err := s.record(ctx, tx, a, Event{Kind: EventOutcome, ActorUserID: by, ActorRole: role, At: now,
			Detail: map[string]any{"outcome": o.Outcome}})
		if err != nil {
			return err
		}
		return s.resolve(ctx, tx, p, a, now)
	})
}
