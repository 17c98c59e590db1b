package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// ATRStatus is where an action taken report stands.
type ATRStatus string

// ATR statuses: drafted by the station, submitted for vetting, published by
// the nodal officer (visible to the complainant), or returned for redraft.
const (
	ATRDraft     ATRStatus = "draft"
	ATRSubmitted ATRStatus = "submitted"
	ATRPublished ATRStatus = "published"
	ATRReturned  ATRStatus = "returned"
)

// ATR is an action taken report. InternalNote and ReturnReason are
// officer-only and never reach the complainant.
type ATR struct {
	ID           int64      `db:"id"`
	ComplaintID  int64      `db:"complaint_id"`
	Seq          int        `db:"seq"`
	Text         string     `db:"text"`
	ActionTaken  string     `db:"action_taken"`
	Language     Language   `db:"language"`
	Status       ATRStatus  `db:"status"`
	DraftedBy    *int64     `db:"drafted_by"`
	VettedBy     *int64     `db:"vetted_by"`
	ReturnReason string     `db:"return_reason"`
	InternalNote string     `db:"internal_note"`
	DueAt        *time.Time `db:"due_at"`
	CreatedAt    time.Time  `db:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at"`
	SubmittedAt  *time.Time `db:"submitted_at"`
	PublishedAt  *time.Time `db:"published_at"`
	// FIRNumber is the FIR this ATR records (FIR.String), with the station
	// that registered it; nil when none was registered.
	FIRNumber    *string `db:"fir_number"`
	FIRStationID *int64  `db:"fir_station_id"`
}

// ATRInput is a station's draft: the report in the complaint's language, the
// action taken, an optional officer-internal note and, when the police
// registered one, the FIR.
type ATRInput struct {
	Text         string
	ActionTaken  string
	InternalNote string
	FIR          *FIRInput
}

// PublicATR is a published ATR as the complainant sees it: no internal note,
// no return reasons, no officer names.
type PublicATR struct {
	Seq         int
	Text        string
	ActionTaken string
	Language    Language
	PublishedAt time.Time
	FIR         *PublicFIR // the FIR it records, if any
}

// validateATR cleans (cleanText) and bounds an ATR draft.
func validateATR(in ATRInput, lang Language) (ATRInput, error) {
	var okText, okAction, okNote bool
	in.Text, okText = cleanText(in.Text, MaxATRText)
	in.ActionTaken, okAction = cleanText(in.ActionTaken, MaxReason)
	in.InternalNote, okNote = cleanText(in.InternalNote, MaxNote)
	switch {
	case in.Text == "":
		return in, invalid(lang, "text", CodeATRTextRequired)
	case !okText:
		return in, invalid(lang, "text", CodeATRTextTooLong)
	case in.ActionTaken == "":
		return in, invalid(lang, "action_taken", CodeActionTakenRequired)
	case !okAction:
		return in, invalid(lang, "action_taken", CodeATRTextTooLong)
	case !okNote:
		return in, invalid(lang, "internal_note", CodeNoteTooLong)
	}
	return in, nil
}

// DraftATR writes the station's ATR draft, in the complaint's language. The
// first draft (from assigned, or escalated after a pursue) moves the case to
// atr_draft; later calls rewrite the draft until it is submitted. Only the
// complaint's own station may draft: any other station gets ErrNotFound.
func (s *Service) DraftATR(ctx context.Context, p auth.Principal, complaintID int64, in ATRInput,
	lang Language) (ATR, error) {
	in, err := validateATR(in, lang)
	if err != nil {
		return ATR{}, err
	}
	var atr ATR
	err = s.inTx(ctx, func(t *txn) error {
		c, by, err := s.lockAs(ctx, t, p, complaintID, auth.RoleStation)
		if err != nil {
			return err
		}
		fir, err := s.recordFIR(ctx, t, c, in.FIR, lang)
		if err != nil {
			return err
		}
		if c.Status == StatusATRDraft {
			open, err := t.atrs.Open(ctx, c.ID)
			if err != nil {
				return err
			}
			if open.Status != ATRDraft {
				return conflict(lang) // submitted: only the nodal officer acts now
			}
			atr, err = t.atrs.UpdateDraft(ctx, open.ID, in, fir, by.userID, t.now)
			return err
		}
		if err := transitionError(c.Status, StatusATRDraft, by.kind, lang); err != nil {
			return err
		}
		if atr, err = t.atrs.Insert(ctx, c.ID, in, fir, c.Language, by.userID, c.ATRDueAt, t.now); err != nil {
			return err
		}
		return t.move(ctx, &c, step{to: StatusATRDraft, by: by, kind: EventATRDrafted,
			detail: map[string]any{"atr_seq": atr.Seq}}, lang)
	})
	if err != nil {
		return ATR{}, fmt.Errorf("draft atr for complaint %d: %w", complaintID, err)
	}
	return atr, nil
}

// SubmitATR sends the station's draft to the district's nodal officer for
// vetting.
func (s *Service) SubmitATR(ctx context.Context, p auth.Principal, complaintID int64, lang Language) (ATR, error) {
	var atr ATR
	err := s.inTx(ctx, func(t *txn) error {
		c, by, err := s.lockAs(ctx, t, p, complaintID, auth.RoleStation)
		if err != nil {
			return err
		}
		if atr, err = s.openATR(ctx, t, c, ATRDraft, lang); err != nil {
			return err
		}
		if atr, err = t.atrs.SetStatus(ctx, atr.ID, ATRDraft, ATRSubmitted, nil, "", t.now); err != nil {
			return err
		}
		return t.note(ctx, &c, by, EventATRSubmitted, "", false, map[string]any{"atr_seq": atr.Seq})
	})
	if err != nil {
		return ATR{}, fmt.Errorf("submit atr for complaint %d: %w", complaintID, err)
	}
	return atr, nil
}

// ApproveATR is the nodal officer publishing a submitted ATR to her: the
// case awaits her rating, the deadline is met, MSP gets a call task, she
// gets an SMS (with a phone) and a no-rating check is scheduled.
func (s *Service) ApproveATR(ctx context.Context, p auth.Principal, complaintID int64, lang Language) (ATR, error) {
	var atr ATR
	err := s.inTx(ctx, func(t *txn) error {
		c, by, err := s.lockAs(ctx, t, p, complaintID, auth.RoleNodal)
		if err != nil {
			return err
		}
		if atr, err = s.openATR(ctx, t, c, ATRSubmitted, lang); err != nil {
			return err
		}
		if err := transitionError(c.Status, StatusATRPublished, by.kind, lang); err != nil {
			return err
		}
		if atr, err = t.atrs.SetStatus(ctx, atr.ID, ATRSubmitted, ATRPublished, by.userID, "", t.now); err != nil {
			return err
		}
		return s.publish(ctx, t, &c, by, atr, lang)
	})
	if err != nil {
		return ATR{}, fmt.Errorf("approve atr for complaint %d: %w", complaintID, err)
	}
	return atr, nil
}

// publish does everything that follows a published ATR.
func (s *Service) publish(ctx context.Context, t *txn, c *Complaint, by actor, atr ATR, lang Language) error {
	detail := map[string]any{"atr_seq": atr.Seq, "on_time": c.ATRDueAt == nil || !t.now.After(*c.ATRDueAt)}
	if err := t.move(ctx, c, step{to: StatusATRPublished, by: by, kind: EventATRPublished, public: true,
		detail: detail}, lang); err != nil {
		return err
	}
	if err := t.move(ctx, c, step{to: StatusAwaitingFeedback, by: systemActor, kind: EventAwaitingFeedback,
		public: true}, lang); err != nil {
		return err
	}
	if err := t.complaints.SetDue(ctx, c.ID, nil, t.now); err != nil {
		return err
	}
	if atr.FIRNumber != nil {
		if err := t.note(ctx, c, by, EventFIRRegistered, "", true,
			map[string]any{"atr_seq": atr.Seq, "fir": *atr.FIRNumber}); err != nil {
			return err
		}
	}
	if err := s.addCallTask(ctx, t, c, CallAfterATR, &atr.ID); err != nil {
		return err
	}
	if !c.HasPhone {
		return nil
	}
	if err := s.queueComplainantSMS(ctx, t, c, "", TemplateATRPublished, t.now); err != nil {
		return err
	}
	t.enqueue(NoRatingArgs{ComplaintID: c.ID, ATRID: atr.ID},
		&river.InsertOpts{ScheduledAt: t.now.Add(s.cfg.NoRatingCall)})
	return nil
}

// ReturnATR is the nodal officer sending a submitted ATR back to the
// station with a reason (officer-internal). The case goes back to assigned,
// or to escalated when MSP legal had pursued it; the deadline stands.
func (s *Service) ReturnATR(ctx context.Context, p auth.Principal, complaintID int64, reason string,
	lang Language) (ATR, error) {
	reason, err := validateReason(reason, true, lang)
	if err != nil {
		return ATR{}, err
	}
	var atr ATR
	err = s.inTx(ctx, func(t *txn) error {
		c, by, err := s.lockAs(ctx, t, p, complaintID, auth.RoleNodal)
		if err != nil {
			return err
		}
		if atr, err = s.openATR(ctx, t, c, ATRSubmitted, lang); err != nil {
			return err
		}
		to := StatusAssigned
		if pursued, err := t.ratings.Pursued(ctx, c.ID); err != nil {
			return err
		} else if pursued {
			to = StatusEscalated
		}
		if atr, err = t.atrs.SetStatus(ctx, atr.ID, ATRSubmitted, ATRReturned, by.userID, reason, t.now); err != nil {
			return err
		}
		return t.move(ctx, &c, step{to: to, by: by, kind: EventATRReturned, reason: reason,
			detail: map[string]any{"atr_seq": atr.Seq}}, lang)
	})
	if err != nil {
		return ATR{}, fmt.Errorf("return atr for complaint %d: %w", complaintID, err)
	}
	return atr, nil
}

// lockAs locks complaint id as p sees it and requires p to hold role: a
// complaint outside p's scope is ErrNotFound, a wrong role ErrForbidden.
func (s *Service) lockAs(ctx context.Context, t *txn, p auth.Principal, id int64, role auth.Role) (Complaint, actor, error) {
	c, err := s.lockScoped(ctx, t, p, id)
	if err != nil {
		return Complaint{}, actor{}, err
	}
	if err := requireRole(p, role); err != nil {
		return Complaint{}, actor{}, err
	}
	return c, staffActor(p), nil
}

// openATR returns c's ATR in the works when it has status want; anything
// else is an ErrConflict (nothing to submit, vet or return).
func (s *Service) openATR(ctx context.Context, t *txn, c Complaint, want ATRStatus, lang Language) (ATR, error) {
	if c.Status != StatusATRDraft {
		return ATR{}, conflict(lang)
	}
	a, err := t.atrs.Open(ctx, c.ID)
	if errors.Is(err, vikalp.ErrNotFound) || err == nil && a.Status != want {
		return ATR{}, conflict(lang)
	}
	return a, err
}
