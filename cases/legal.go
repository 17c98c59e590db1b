package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// Decision is MSP legal's answer to a dissatisfaction.
type Decision string

// The two decisions: pursue the case with the SP and the nodal officer (a
// new ATR is due and the SLA ladder restarts), or advise her why the action
// was adequate (she may rate again).
const (
	DecisionPursue Decision = "pursue"
	DecisionAdvise Decision = "advise"
)

// LegalReview is one stored decision of MSP legal.
type LegalReview struct {
	ID          int64     `db:"id"`
	ComplaintID int64     `db:"complaint_id"`
	RatingID    int64     `db:"rating_id"`
	Decision    Decision  `db:"decision"`
	Reason      string    `db:"reason"`
	DecidedBy   *int64    `db:"decided_by"`
	At          time.Time `db:"at"`
}

// LegalDecision records msp_legal's decision on a complaint in legal_review.
// Pursue escalates it: a new ATR is due, the SLA ladder restarts and the
// district's officers get an SMS. Advise shows her the reason and lets her
// rate again. Only msp_legal may decide (ErrForbidden); a complaint outside
// legal_review is an ErrConflict.
func (s *Service) LegalDecision(ctx context.Context, p auth.Principal, id int64, d Decision, reason string,
	lang Language) error {
	d = Decision(strings.ToLower(strings.TrimSpace(string(d))))
	if d != DecisionPursue && d != DecisionAdvise {
		return invalid(lang, "decision", CodeDecisionInvalid)
	}
	reason, err := validateReason(reason, true, lang)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(t *txn) error {
		c, err := s.lockScoped(ctx, t, p, id)
		if err != nil {
			return err
		}
		if err := requireRole(p, auth.RoleMSPLegal); err != nil {
			return err
		}
		by := staffActor(p)
		to := StatusAdvised
		if d == DecisionPursue {
			to = StatusEscalated
		}
		if err := transitionError(c.Status, to, by.kind, lang); err != nil {
			return err
		}
		if _, err := t.ratings.InsertLegalReview(ctx, c.ID, d, reason, by.userID, t.now); err != nil {
			return err
		}
		if d == DecisionAdvise {
			return t.move(ctx, &c, step{to: StatusAdvised, by: by, kind: EventAdvised, reason: reason,
				public: true}, lang)
		}
		return s.pursue(ctx, t, &c, by, reason, lang)
	})
	if err != nil {
		return fmt.Errorf("record legal decision on complaint %d: %w", id, err)
	}
	return nil
}

// pursue escalates c: a new ATR deadline, a fresh SLA ladder, an SMS to
// the district's supervisory officers (SP and nodal), and one to her (with
// a phone, unless she chose no SMS; within her callback window) saying her
// case was taken up again and when the new report is due: never why.
func (s *Service) pursue(ctx context.Context, t *txn, c *Complaint, by actor, reason string, lang Language) error {
	due := t.now.Add(s.cfg.ATRWindow)
	if err := t.move(ctx, c, step{to: StatusEscalated, by: by, kind: EventEscalated, reason: reason,
		public: true, detail: map[string]any{"atr_due_at": due}}, lang); err != nil {
		return err
	}
	if err := t.complaints.SetDue(ctx, c.ID, &due, t.now); err != nil {
		return err
	}
	c.ATRDueAt, c.SLAStage = &due, 0
	if err := s.queueOfficerSMS(ctx, t, c, notify.ToDistrictOfficers, "", TemplateEscalatedOfficers, due); err != nil {
		return err
	}
	if !c.HasPhone {
		return nil
	}
	return s.queueComplainantSMS(ctx, t, c, "", TemplateEscalatedComplainant, due)
}
