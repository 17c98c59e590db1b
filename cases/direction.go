package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// Addressee is who a direction is addressed to: the complaint's station,
// or its district's nodal officer or SP. The addressee is a role of the
// complaint's current place, so a direction follows a transferred complaint.
type Addressee string

// The addressees of a direction.
const (
	AddresseeStation Addressee = "station"
	AddresseeNodal   Addressee = "nodal"
	AddresseeSP      Addressee = "sp"
)

// Valid reports whether a is a known addressee.
func (a Addressee) Valid() bool {
	return a == AddresseeStation || a == AddresseeNodal || a == AddresseeSP
}

// Direction is an MSP's or SP's direction on an open complaint and, once
// given, its answer. Body and Answer are staff text: they appear on the
// staff timeline, never on hers and never in an SMS.
type Direction struct {
	ID          int64      `db:"id"`
	ComplaintID int64      `db:"complaint_id"`
	IssuedBy    int64      `db:"issued_by"`
	IssuerRole  Actor      `db:"issuer_role"`
	To          Addressee  `db:"to_role"`
	Body        string     `db:"body"`
	DueAt       *time.Time `db:"due_at"` // a deadline the issuer set, if any
	ReportBack  bool       `db:"report_back"`
	CreatedAt   time.Time  `db:"created_at"`
	AnsweredAt  *time.Time `db:"answered_at"`
	AnsweredBy  *int64     `db:"answered_by"`
	Answer      string     `db:"answer"`
	// EscalationStage counts the overdue rungs that fired: 0, 1 (SP), 2 (MSP).
	EscalationStage int `db:"escalation_stage"`
	// ReplyBy is when the answer is due: DueAt, or CreatedAt plus the ATR
	// window. Set by Service methods.
	ReplyBy time.Time `db:"-"`
	// Overdue reports an open direction past ReplyBy. Set by Service methods.
	Overdue bool `db:"-"`
}

// Open reports whether d still awaits its answer.
func (d Direction) Open() bool { return d.AnsweredAt == nil }

// DirectionInput is a new direction: to whom, the text, an optional
// deadline and whether the issuer wants an SMS when it is answered.
type DirectionInput struct {
	To         Addressee
	Body       string
	DueAt      *time.Time
	ReportBack bool
}

// Overdue direction rungs: who is alerted when a direction stays
// unanswered past its reply-by time.
const (
	DirectionRungSP  = 1 // at the reply-by time: the district's SP
	DirectionRungMSP = 2 // Config.SLAToMSP later: the MSP
)

// Timeline event kinds of directions. Only EventDirectionIssued is public,
// for an MSP direction, and it shows her no text.
const (
	EventDirectionIssued     = "direction_issued"
	EventDirectionAnswered   = "direction_answered"
	EventDirectionOverdueSP  = "direction_overdue_sp"
	EventDirectionOverdueMSP = "direction_overdue_msp"
)

// directionIssuers are the roles that may direct: MSP staff (state scope)
// and the SP (own district, by scope).
var directionIssuers = []auth.Role{auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleSP}

// validateDirection cleans and bounds a new direction.
func validateDirection(in DirectionInput, lang Language) (DirectionInput, error) {
	in.To = Addressee(strings.ToLower(strings.TrimSpace(string(in.To))))
	body, ok := cleanText(in.Body, MaxNote)
	in.Body = body
	switch {
	case !in.To.Valid():
		return in, invalid(lang, "to", CodeDirectionToInvalid)
	case body == "":
		return in, invalid(lang, "body", CodeDirectionRequired)
	case !ok:
		return in, invalid(lang, "body", CodeDirectionTooLong)
	}
	if in.DueAt != nil {
		due := in.DueAt.UTC().Truncate(time.Microsecond)
		in.DueAt = &due
	}
	return in, nil
}

// IssueDirection records p's direction on complaint id: MSP staff on any
// open complaint, the SP on one of the district (by scope; outside it is
// ErrNotFound). The SP directs the station or the nodal officer, the MSP
// any of the three. An optional deadline must lie ahead and no later than
// directionCap. The staff timeline gets the text; her timeline gets, for
// an MSP direction, one textless public event. The nodal officer or SP
// addressed gets an SMS (the station sees it at the top of its queue).
func (s *Service) IssueDirection(ctx context.Context, p auth.Principal, id int64, in DirectionInput,
	lang Language) (Direction, error) {
	in, err := validateDirection(in, lang)
	if err != nil {
		return Direction{}, err
	}
	var d Direction
	err = s.inTx(ctx, func(t *txn) error {
		c, err := s.lockScoped(ctx, t, p, id)
		if err != nil {
			return err
		}
		if err := requireRole(p, directionIssuers...); err != nil {
			return err
		}
		if err := s.checkDirection(c, p, in, t.now, lang); err != nil {
			return err
		}
		by := staffActor(p)
		if d, err = NewDirectionStore(t.tx).Insert(ctx, c.ID, p.UserID, by.kind, in, t.now); err != nil {
			return err
		}
		s.fillDirection(&d, t.now)
		return s.recordDirection(ctx, t, p, &c, d)
	})
	if err != nil {
		return Direction{}, fmt.Errorf("issue direction on complaint %d: %w", id, err)
	}
	return d, nil
}

// checkDirection applies the rules of a new direction on c.
func (s *Service) checkDirection(c Complaint, p auth.Principal, in DirectionInput, now time.Time, lang Language) error {
	if !c.Status.Open() {
		return conflictField(lang, "", CodeComplaintNotOpen)
	}
	if p.Role == auth.RoleSP && in.To == AddresseeSP {
		return invalid(lang, "to", CodeDirectionToSelf)
	}
	if in.DueAt == nil {
		return nil
	}
	if !in.DueAt.After(now) {
		return invalid(lang, "due_at", CodeDirectionDueFuture)
	}
	if limit := s.directionCap(c, now); in.DueAt.After(limit) {
		msg := Message(CodeDirectionDueTooLate, lang.orEnglish()) + " (" + limit.In(vikalp.IST).Format(smsTimeLayout) + ")"
		return vikalp.InvalidField("due_at", CodeDirectionDueTooLate, msg)
	}
	return nil
}

// directionCap is the latest deadline a direction on c may set at now: the
// SLA ladder's next rung still ahead while an ATR is owed, otherwise (no
// ATR owed, or every rung past) now plus the ATR window.
func (s *Service) directionCap(c Complaint, now time.Time) time.Time {
	if c.Status.AwaitingATR() && c.ATRDueAt != nil {
		for rung := c.SLAStage + 1; rung <= RungMSP; rung++ {
			if at := s.rungAt(*c.ATRDueAt, rung); at.After(now) {
				return at
			}
		}
	}
	return now.Add(s.cfg.ATRWindow)
}

// fillDirection sets d's reply-by time and whether it is overdue at now.
func (s *Service) fillDirection(d *Direction, now time.Time) {
	d.ReplyBy = d.CreatedAt.Add(s.cfg.ATRWindow)
	if d.DueAt != nil {
		d.ReplyBy = *d.DueAt
	}
	d.Overdue = d.Open() && now.After(d.ReplyBy)
}

// recordDirection writes a new direction's timeline events, audit entry
// and SMS.
func (s *Service) recordDirection(ctx context.Context, t *txn, p auth.Principal, c *Complaint, d Direction) error {
	by := staffActor(p)
	detail := map[string]any{"direction_id": d.ID, "to_role": d.To, "reply_by": d.ReplyBy, "report_back": d.ReportBack}
	// Her timeline learns only that the women's cell asked for an update:
	// the event's reason (the text) is staff-only (publicReasonKinds), and
	// an SP's direction is internal.
	public := p.Has(mspRoles...)
	if err := t.note(ctx, c, by, EventDirectionIssued, d.Body, public, detail); err != nil {
		return err
	}
	if _, err := auth.Append(ctx, t.tx, auth.EntryBy(p, "complaint.direction_issued", "complaint", c.ID,
		map[string]any{"direction_id": d.ID, "to_role": d.To})); err != nil {
		return fmt.Errorf("audit direction: %w", err)
	}
	if d.To == AddresseeStation {
		return nil // stations have no SMS channel; the queue shows it first
	}
	return s.queueOfficerSMS(ctx, t, c, notify.ToDistrictOfficers, string(d.To), TemplateDirectionIssued, d.ReplyBy)
}

// AnswerDirection records the addressee's short report on direction id of
// complaint complaintID and closes it. Only the role addressed, in scope of the complaint, may
// answer (another role ErrForbidden; outside scope ErrNotFound); a second
// answer is an ErrConflict. The issuer gets an SMS when the direction asked
// for a report back; the answer is on the staff timeline either way.
func (s *Service) AnswerDirection(ctx context.Context, p auth.Principal, complaintID, id int64, answer string,
	lang Language) (Direction, error) {
	answer, ok := cleanText(answer, MaxNote)
	switch {
	case answer == "":
		return Direction{}, invalid(lang, "answer", CodeAnswerRequired)
	case !ok:
		return Direction{}, invalid(lang, "answer", CodeAnswerTooLong)
	}
	var d Direction
	err := s.inTx(ctx, func(t *txn) error {
		c, err := s.lockDirection(ctx, t, p, complaintID, id, &d)
		if err != nil {
			return err
		}
		if err := requireRole(p, auth.RoleStation, auth.RoleNodal, auth.RoleSP); err != nil {
			return err
		}
		if !d.Open() {
			return conflictField(lang, "", CodeDirectionAnswered)
		}
		if Addressee(p.Role) != d.To {
			return &vikalp.UserError{Kind: vikalp.ErrForbidden, Code: CodeDirectionNotAddressee,
				Message: Message(CodeDirectionNotAddressee, lang.orEnglish())}
		}
		if d, err = NewDirectionStore(t.tx).Answer(ctx, d.ID, answer, p.UserID, t.now); err != nil {
			return err
		}
		s.fillDirection(&d, t.now)
		return s.recordAnswer(ctx, t, p, &c, d)
	})
	if err != nil {
		return Direction{}, fmt.Errorf("answer direction %d: %w", id, err)
	}
	return d, nil
}

// lockDirection locks direction id's complaint as p sees it (outside p's
// scope, or another complaint's direction, neither exists: ErrNotFound),
// then the direction into d.
func (s *Service) lockDirection(ctx context.Context, t *txn, p auth.Principal, complaintID, id int64,
	d *Direction) (Complaint, error) {
	store := NewDirectionStore(t.tx)
	found, err := store.ByID(ctx, id)
	if err != nil {
		return Complaint{}, err
	}
	if found.ComplaintID != complaintID {
		return Complaint{}, fmt.Errorf("direction %d of another complaint: %w", id, vikalp.ErrNotFound)
	}
	c, err := s.lockScoped(ctx, t, p, found.ComplaintID)
	if err != nil {
		return Complaint{}, err
	}
	*d, err = store.ByIDForUpdate(ctx, id)
	return c, err
}

// recordAnswer writes an answer's timeline event, audit entry and, when
// the issuer asked for a report back, the SMS to the issuer.
func (s *Service) recordAnswer(ctx context.Context, t *txn, p auth.Principal, c *Complaint, d Direction) error {
	if err := t.note(ctx, c, staffActor(p), EventDirectionAnswered, d.Answer, false,
		map[string]any{"direction_id": d.ID, "issuer_role": d.IssuerRole}); err != nil {
		return err
	}
	if _, err := auth.Append(ctx, t.tx, auth.EntryBy(p, "complaint.direction_answered", "complaint", c.ID,
		map[string]any{"direction_id": d.ID})); err != nil {
		return fmt.Errorf("audit direction answer: %w", err)
	}
	if !d.ReportBack {
		return nil
	}
	if d.IssuerRole == ActorSP {
		return s.queueOfficerSMS(ctx, t, c, notify.ToDistrictOfficers, string(auth.RoleSP), TemplateDirectionAnswered, t.now)
	}
	return s.queueOfficerSMS(ctx, t, c, notify.ToMSP, "", TemplateDirectionAnswered, t.now)
}

// Directions returns complaint id's directions as p sees it (outside
// scope ErrNotFound), open ones first.
func (s *Service) Directions(ctx context.Context, p auth.Principal, id int64) ([]Direction, error) {
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	if _, err := NewComplaintStore(s.db).ByID(ctx, id, v); err != nil {
		return nil, fmt.Errorf("list directions of complaint %d: %w", id, err)
	}
	ds, err := NewDirectionStore(s.db).ForComplaint(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list directions of complaint %d: %w", id, err)
	}
	now := s.now()
	for i := range ds {
		s.fillDirection(&ds[i], now)
	}
	return ds, nil
}

// directionRungEffects are each overdue rung's event, recipients and SMS.
var directionRungEffects = map[int]struct {
	event, toKind, toRole, template string
}{
	DirectionRungSP:  {EventDirectionOverdueSP, notify.ToDistrictOfficers, string(auth.RoleSP), TemplateDirectionOverdueSP},
	DirectionRungMSP: {EventDirectionOverdueMSP, notify.ToMSP, "", TemplateDirectionOverdueMSP},
}

// directionRungAt is when an overdue rung fires for a reply-by time.
func (s *Service) directionRungAt(replyBy time.Time, rung int) time.Time {
	if rung == DirectionRungMSP {
		return replyBy.Add(s.cfg.SLAToMSP)
	}
	return replyBy
}

// sweepDirections runs every overdue-direction rung due at now, each
// direction's rungs in order, and returns how many it ran.
func (s *Service) sweepDirections(ctx context.Context, now time.Time) (int, error) {
	store := NewDirectionStore(s.db)
	ran := 0
	for {
		due, err := store.Due(ctx, now, s.cfg.ATRWindow, s.cfg.SLAToMSP, slaSweepBatch)
		if err != nil {
			return ran, err
		}
		before := ran
		for _, d := range due {
			for rung := d.Stage + 1; rung <= DirectionRungMSP && !s.directionRungAt(d.ReplyBy, rung).After(now); rung++ {
				if err := s.checkDirectionRung(ctx, d.DirectionID, rung, now); err != nil {
					return ran, err
				}
				ran++
			}
		}
		if len(due) < slaSweepBatch || ran == before {
			return ran, nil
		}
	}
}

// checkDirectionRung runs one overdue rung of direction id: when it is
// still open on an open complaint, past the rung's time and the rung has
// not fired, it records a staff event and alerts the rung's officers by
// SMS. Otherwise it does nothing, so each rung fires once.
func (s *Service) checkDirectionRung(ctx context.Context, id int64, rung int, now time.Time) error {
	effects := directionRungEffects[rung]
	err := s.inTx(ctx, func(t *txn) error {
		store := NewDirectionStore(t.tx)
		found, err := store.ByID(ctx, id)
		if err != nil {
			return err
		}
		c, err := t.complaints.ByIDForUpdate(ctx, found.ComplaintID, Visibility{})
		if err != nil {
			return err
		}
		d, err := store.ByIDForUpdate(ctx, id)
		if err != nil {
			return err
		}
		s.fillDirection(&d, now)
		if !d.Open() || !c.Status.Open() || d.EscalationStage >= rung || s.directionRungAt(d.ReplyBy, rung).After(now) {
			return nil
		}
		if err := store.SetStage(ctx, d.ID, rung); err != nil {
			return err
		}
		s.logger.InfoContext(ctx, "Direction overdue", slog.Int64("complaint_id", c.ID),
			slog.Int64("direction_id", d.ID), slog.Int("rung", rung), slog.Int("district_id", c.DistrictID))
		if err := t.note(ctx, &c, systemActor, effects.event, "", false,
			map[string]any{"direction_id": d.ID, "reply_by": d.ReplyBy, "rung": rung}); err != nil {
			return err
		}
		return s.queueOfficerSMS(ctx, t, &c, effects.toKind, effects.toRole, effects.template, d.ReplyBy)
	})
	if errors.Is(err, vikalp.ErrNotFound) {
		return nil // gone; nothing to chase
	}
	if err != nil {
		return fmt.Errorf("check overdue direction %d rung %d: %w", id, rung, err)
	}
	return nil
}
