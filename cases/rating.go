package cases

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Rating is her verdict on the action taken.
type Rating string

// The two ratings.
const (
	RatingSatisfied    Rating = "SATISFIED"
	RatingDissatisfied Rating = "DISSATISFIED"
)

// Feedback is one stored rating of a published ATR.
type Feedback struct {
	ID          int64     `db:"id"`
	ComplaintID int64     `db:"complaint_id"`
	ATRID       int64     `db:"atr_id"`
	Rating      Rating    `db:"rating"`
	Reason      string    `db:"reason"`
	At          time.Time `db:"at"`
}

// Rate records the complainant's rating of the latest published ATR (or of
// MSP's advice). SATISFIED closes the case. DISSATISFIED needs a reason and
// sends the case to MSP legal review, with a follow-up call task. Rating is
// possible only in awaiting_feedback or advised; anything else is an
// ErrConflict. A wrong code or secret is ErrNotFound, as in Track.
func (s *Service) Rate(ctx context.Context, code, secret string, r Rating, reason string, lang Language) (Tracking, error) {
	r = Rating(strings.ToUpper(strings.TrimSpace(string(r))))
	if r != RatingSatisfied && r != RatingDissatisfied {
		return Tracking{}, invalid(lang, "rating", CodeRatingInvalid)
	}
	reason, err := validateReason(reason, r == RatingDissatisfied, lang)
	if err != nil {
		return Tracking{}, err
	}
	var id int64
	err = s.inTx(ctx, func(t *txn) error {
		c, err := s.authenticate(ctx, t.complaints, code, secret, lang, true)
		if err != nil {
			return err
		}
		id = c.ID
		if r == RatingSatisfied {
			return s.rateSatisfied(ctx, t, &c, lang)
		}
		return s.rateDissatisfied(ctx, t, &c, reason, lang)
	})
	if err != nil {
		return Tracking{}, fmt.Errorf("rate complaint: %w", err)
	}
	return s.tracking(ctx, id, lang)
}

// rateSatisfied records SATISFIED and closes the case at once.
func (s *Service) rateSatisfied(ctx context.Context, t *txn, c *Complaint, lang Language) error {
	if err := transitionError(c.Status, StatusSatisfied, ActorComplainant, lang); err != nil {
		return err
	}
	atr, err := t.atrs.LatestPublished(ctx, c.ID)
	if err != nil {
		return err
	}
	if _, err := t.ratings.Insert(ctx, c.ID, atr.ID, RatingSatisfied, "", t.now); err != nil {
		return err
	}
	if err := t.move(ctx, c, step{to: StatusSatisfied, by: complainantActor, kind: EventRatedSatisfied,
		public: true, detail: map[string]any{"atr_seq": atr.Seq}}, lang); err != nil {
		return err
	}
	return t.move(ctx, c, step{to: StatusClosed, by: systemActor, kind: EventClosed, public: true}, lang)
}

// rateDissatisfied records DISSATISFIED, opens legal review and asks MSP to
// call her.
func (s *Service) rateDissatisfied(ctx context.Context, t *txn, c *Complaint, reason string, lang Language) error {
	if err := transitionError(c.Status, StatusDissatisfied, ActorComplainant, lang); err != nil {
		return err
	}
	atr, err := t.atrs.LatestPublished(ctx, c.ID)
	if err != nil {
		return err
	}
	if _, err := t.ratings.Insert(ctx, c.ID, atr.ID, RatingDissatisfied, reason, t.now); err != nil {
		return err
	}
	if err := t.move(ctx, c, step{to: StatusDissatisfied, by: complainantActor, kind: EventRatedDissatisfied,
		reason: reason, public: true, detail: map[string]any{"atr_seq": atr.Seq}}, lang); err != nil {
		return err
	}
	if err := t.move(ctx, c, step{to: StatusLegalReview, by: systemActor, kind: EventLegalReview,
		public: true}, lang); err != nil {
		return err
	}
	return s.addCallTask(ctx, t, c, CallAfterDissatisfaction, nil)
}
