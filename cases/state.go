package cases

import (
	"fmt"

	"github.com/vikalp/vikalp"
)

// Status is a complaint's lifecycle state (ARCHITECTURE §5).
type Status string

// The lifecycle states.
const (
	StatusSubmitted        Status = "submitted"
	StatusAssigned         Status = "assigned"
	StatusATRDraft         Status = "atr_draft"
	StatusATRPublished     Status = "atr_published"
	StatusAwaitingFeedback Status = "awaiting_feedback"
	StatusSatisfied        Status = "satisfied"
	StatusClosed           Status = "closed"
	StatusDissatisfied     Status = "dissatisfied"
	StatusLegalReview      Status = "legal_review"
	StatusEscalated        Status = "escalated"
	StatusAdvised          Status = "advised"
	StatusWithdrawn        Status = "withdrawn"
)

// Statuses lists every state in lifecycle order.
var Statuses = []Status{
	StatusSubmitted, StatusAssigned, StatusATRDraft, StatusATRPublished, StatusAwaitingFeedback,
	StatusSatisfied, StatusClosed, StatusDissatisfied, StatusLegalReview, StatusEscalated,
	StatusAdvised, StatusWithdrawn,
}

// Open reports whether a complaint in s is still open: everything but
// closed and withdrawn (satisfied is open only for the instant before it
// closes).
func (s Status) Open() bool { return s != StatusClosed && s != StatusWithdrawn }

// AwaitingATR reports whether the police owe an ATR in s: the SLA ladder runs
// only in these states.
func (s Status) AwaitingATR() bool {
	return s == StatusAssigned || s == StatusATRDraft || s == StatusEscalated
}

// Rateable reports whether the complainant may rate in s: after a published
// ATR, or after MSP legal advised her.
func (s Status) Rateable() bool { return s == StatusAwaitingFeedback || s == StatusAdvised }

// Actor is who causes a transition: a staff role (the auth role names), the
// complainant, or the system itself.
type Actor string

// Actors that appear in the transition table. Staff actors carry the same
// strings as the auth roles.
const (
	ActorSystem      Actor = "system"
	ActorComplainant Actor = "complainant"
	ActorEcell       Actor = "ecell"
	ActorStation     Actor = "station"
	ActorNodal       Actor = "nodal"
	ActorSP          Actor = "sp"
	ActorMSPAnalyst  Actor = "msp_analyst"
	ActorMSPLegal    Actor = "msp_legal"
)

// Transition is one legal edge of the lifecycle and who may cause it.
type Transition struct {
	From, To Status
	By       []Actor
}

// Transitions is the one table of legal lifecycle edges. Anything not listed
// is illegal. No edge reaches closed except through satisfied (her rating),
// and only the complainant may withdraw.
var Transitions = []Transition{
	{StatusSubmitted, StatusAssigned, []Actor{ActorSystem}},
	// The station drafts an ATR, first or after MSP legal pursued the case.
	{StatusAssigned, StatusATRDraft, []Actor{ActorStation}},
	{StatusEscalated, StatusATRDraft, []Actor{ActorStation}},
	// The nodal officer approves (publishes) or returns the ATR for redraft.
	{StatusATRDraft, StatusATRPublished, []Actor{ActorNodal}},
	{StatusATRDraft, StatusAssigned, []Actor{ActorNodal}},
	{StatusATRDraft, StatusEscalated, []Actor{ActorNodal}},
	// A published ATR waits for her rating.
	{StatusATRPublished, StatusAwaitingFeedback, []Actor{ActorSystem}},
	{StatusAwaitingFeedback, StatusSatisfied, []Actor{ActorComplainant}},
	{StatusAwaitingFeedback, StatusDissatisfied, []Actor{ActorComplainant}},
	{StatusAdvised, StatusSatisfied, []Actor{ActorComplainant}},
	{StatusAdvised, StatusDissatisfied, []Actor{ActorComplainant}},
	{StatusSatisfied, StatusClosed, []Actor{ActorSystem}},
	// Dissatisfaction goes to MSP legal vetting, which pursues or advises.
	{StatusDissatisfied, StatusLegalReview, []Actor{ActorSystem}},
	{StatusLegalReview, StatusEscalated, []Actor{ActorMSPLegal}},
	{StatusLegalReview, StatusAdvised, []Actor{ActorMSPLegal}},
}

// withdrawable are the states she may withdraw from: every open state.
func withdrawable(s Status) bool { return s.Open() && s != StatusSatisfied }

// Allowed reports whether actor may move a complaint from one state to
// another.
func Allowed(from, to Status, actor Actor) bool {
	if to == StatusWithdrawn {
		return actor == ActorComplainant && withdrawable(from)
	}
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			for _, a := range t.By {
				if a == actor {
					return true
				}
			}
			return false
		}
	}
	return false
}

// CheckTransition returns nil when actor may move a complaint from one state
// to another, and otherwise an ErrConflict with a user-safe message in lang.
func CheckTransition(from, to Status, actor Actor, lang Language) error {
	if Allowed(from, to, actor) {
		return nil
	}
	return conflict(lang)
}

// conflict is the user-safe ErrConflict for a step the current state does
// not allow.
func conflict(lang Language) error {
	return &vikalp.UserError{
		Kind:    vikalp.ErrConflict,
		Code:    CodeIllegalTransition,
		Message: Message(CodeIllegalTransition, lang.orEnglish()),
	}
}

// transitionError describes an illegal edge for logs and wrapping; the
// wrapped UserError keeps the client-facing text generic.
func transitionError(from, to Status, actor Actor, lang Language) error {
	if err := CheckTransition(from, to, actor, lang); err != nil {
		return fmt.Errorf("%s → %s by %s: %w", from, to, actor, err)
	}
	return nil
}
