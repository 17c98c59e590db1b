package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vikalp/vikalp"
)

// Holder says who must act next on a complaint, for her tracking page.
type Holder string

// Who holds a case.
const (
	HolderStation     Holder = "station"     // the police station owes an ATR
	HolderNodal       Holder = "nodal"       // the nodal officer is vetting the ATR
	HolderComplainant Holder = "complainant" // her rating is awaited
	HolderMSP         Holder = "msp"         // MSP legal is reviewing her dissatisfaction
	HolderNone        Holder = "none"        // closed or withdrawn
)

// PublicEvent is a timeline entry as she sees it: what happened and when,
// with a reason only where it is hers or meant for her.
type PublicEvent struct {
	At     time.Time
	Kind   string
	Status *Status // the status it led to, if it was a transition
	Reason string
}

// Tracking is the complainant's view of her complaint: no exact location,
// no contact details, no internal notes, no officer names.
type Tracking struct {
	Code           Code
	Status         Status
	Category       Category
	Language       Language
	FiledAt        time.Time
	NextDeadline   *time.Time // when the ATR is due, while one is owed
	Holder         Holder
	StationNameEN  string
	StationNameHI  string
	DistrictNameEN string
	DistrictNameHI string
	Timeline       []PublicEvent
	ATRs           []PublicATR
	CanRate        bool
	CanWithdraw    bool
}

// Track returns her view of a complaint. A code with a typo is an
// ErrInvalid saying so (anyone can compute check symbols, so this reveals
// nothing); a well-formed code that does not exist and a wrong secret are
// the same ErrNotFound.
func (s *Service) Track(ctx context.Context, code, secret string, lang Language) (Tracking, error) {
	c, err := s.authenticate(ctx, NewComplaintStore(s.db), code, secret, lang, false)
	if err != nil {
		return Tracking{}, fmt.Errorf("track complaint: %w", err)
	}
	return s.tracking(ctx, c.ID, lang)
}

// Withdraw closes her complaint at her request, from any open state; the
// only way a case closes without her satisfaction.
func (s *Service) Withdraw(ctx context.Context, code, secret, reason string, lang Language) (Tracking, error) {
	reason, err := validateReason(reason, false, lang)
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
		if err := t.move(ctx, &c, step{to: StatusWithdrawn, by: complainantActor, kind: EventWithdrawn,
			reason: reason, public: true}, lang); err != nil {
			return err
		}
		return t.complaints.SetDue(ctx, c.ID, nil, t.now)
	})
	if err != nil {
		return Tracking{}, fmt.Errorf("withdraw complaint: %w", err)
	}
	return s.tracking(ctx, id, lang)
}

// errNoComplaint is the one answer to a wrong code or secret.
var errNoComplaint = fmt.Errorf("complaint code or secret: %w", vikalp.ErrNotFound)

// dummyHash is compared against when the code does not exist, so a wrong
// code and a wrong secret take about the same time.
var dummyHash = HashSecret("0000-0000-0000-0000")

// authenticate finds the complaint for a code and secret (locking it when
// lock is set).
func (s *Service) authenticate(ctx context.Context, store *ComplaintStore, code, secret string,
	lang Language, lock bool) (Complaint, error) {
	cc, err := ParseCode(code, lang)
	if err != nil {
		return Complaint{}, err
	}
	sec, ok := ParseSecret(secret)
	var c Complaint
	if lock {
		c, err = store.ByCodeForUpdate(ctx, cc)
	} else {
		c, err = store.ByCode(ctx, cc)
	}
	if errors.Is(err, vikalp.ErrNotFound) {
		secretMatches(sec, dummyHash)
		return Complaint{}, errNoComplaint
	}
	if err != nil {
		return Complaint{}, err
	}
	if !secretMatches(sec, c.SecretHash) || !ok {
		return Complaint{}, errNoComplaint
	}
	return c, nil
}

// tracking builds her view of complaint id.
func (s *Service) tracking(ctx context.Context, id int64, lang Language) (Tracking, error) {
	cs, as := NewComplaintStore(s.db), NewATRStore(s.db)
	c, err := cs.ByID(ctx, id, Visibility{})
	if err != nil {
		return Tracking{}, err
	}
	place, err := cs.Place(ctx, c.StationID, c.DistrictID)
	if err != nil {
		return Tracking{}, err
	}
	evs, err := cs.Events(ctx, c.ID, true)
	if err != nil {
		return Tracking{}, err
	}
	atrs, err := as.List(ctx, c.ID, true)
	if err != nil {
		return Tracking{}, err
	}
	holder, err := s.holder(ctx, as, c)
	if err != nil {
		return Tracking{}, err
	}
	tr := Tracking{Code: c.Code, Status: c.Status, Category: c.Category, Language: c.Language,
		FiledAt: c.CreatedAt, Holder: holder, StationNameEN: place.StationNameEN,
		StationNameHI: place.StationNameHI, DistrictNameEN: place.DistrictNameEN,
		DistrictNameHI: place.DistrictNameHI, CanRate: c.Status.Rateable(), CanWithdraw: withdrawable(c.Status)}
	if c.Status.AwaitingATR() {
		tr.NextDeadline = c.ATRDueAt
	}
	for _, e := range evs {
		pe := PublicEvent{At: e.At, Kind: e.Kind, Status: e.ToStatus}
		if publicReasonKinds[e.Kind] {
			pe.Reason = e.Reason
		}
		tr.Timeline = append(tr.Timeline, pe)
	}
	for _, a := range atrs {
		fir, err := publicFIR(ctx, cs, a)
		if err != nil {
			return Tracking{}, err
		}
		tr.ATRs = append(tr.ATRs, PublicATR{Seq: a.Seq, Text: a.Text, ActionTaken: a.ActionTaken,
			Language: a.Language, PublishedAt: *a.PublishedAt, FIR: fir})
	}
	return tr, nil
}

// holder says who must act next on c.
func (s *Service) holder(ctx context.Context, as *ATRStore, c Complaint) (Holder, error) {
	switch c.Status {
	case StatusATRDraft:
		a, err := as.Open(ctx, c.ID)
		if err != nil {
			return "", err
		}
		if a.Status == ATRSubmitted {
			return HolderNodal, nil
		}
		return HolderStation, nil
	case StatusSubmitted, StatusAssigned, StatusEscalated:
		return HolderStation, nil
	case StatusATRPublished, StatusAwaitingFeedback, StatusAdvised:
		return HolderComplainant, nil
	case StatusDissatisfied, StatusLegalReview:
		return HolderMSP, nil
	}
	return HolderNone, nil
}
