package alerts

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// Kind is what raised an alert.
type Kind string

// The kinds of alert (ARCHITECTURE §8).
const (
	KindHappeningNow       Kind = "report.happening_now"  // a report marked "happening now"
	KindHotspot            Kind = "hotspot.detected"      // a new significant hotspot
	KindLead               Kind = "lead.alert"            // a new or rising trafficking lead
	KindComplaintAssigned  Kind = "complaint.assigned"    // a new complaint assigned in a district
	KindComplaintOverdue   Kind = "complaint.atr_overdue" // a rung of the ATR SLA ladder
	KindComplaintEscalated Kind = "complaint.escalated"   // MSP reopened a complaint after review
)

// UnitKind is the kind of unit an alert is addressed to.
type UnitKind string

// The units alerts go to. The id of each is: PCR unit id, district LGD code
// (control room and officers), AHTU id, or 0 (AHTU in-charge and MSP, both
// state-level).
const (
	UnitPCR                 UnitKind = "pcr_unit"
	UnitDistrictControlRoom UnitKind = "district_control_room"
	UnitAHTU                UnitKind = "ahtu"
	UnitAHTUInCharge        UnitKind = "ahtu_incharge"
	UnitDistrictOfficers    UnitKind = "district_officers"
	UnitMSP                 UnitKind = "msp"
)

// Valid reports whether k is a known unit kind.
func (k UnitKind) Valid() bool {
	switch k {
	case UnitPCR, UnitDistrictControlRoom, UnitAHTU, UnitAHTUInCharge, UnitDistrictOfficers, UnitMSP:
		return true
	}
	return false
}

// Unit addresses an alert: a kind, an id and, for district officers, an
// optional role ("nodal" or "sp"; "" for all of them).
type Unit struct {
	Kind UnitKind
	ID   int64
	Role string
}

// Key is u as stored in alerts.escalated_to: "kind:id", or "kind:id:role"
// for district officers of one role (e.g. "district_officers:162:sp").
func (u Unit) Key() string {
	k := string(u.Kind) + ":" + strconv.FormatInt(u.ID, 10)
	if u.Role != "" {
		k += ":" + u.Role
	}
	return k
}

// State is where an alert is in its lifecycle.
type State string

// The alert lifecycle: open → acknowledged → resolved (open → resolved is
// allowed too).
const (
	StateOpen         State = "open"
	StateAcknowledged State = "acknowledged"
	StateResolved     State = "resolved"
)

// Severity ranks alerts on a console.
type Severity string

// Severities.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// EventKind is one step of an alert.
type EventKind string

// Alert events.
const (
	EventRaised       EventKind = "raised"
	EventAcknowledged EventKind = "acknowledged"
	EventEscalated    EventKind = "escalated"
	EventResolved     EventKind = "resolved"
	EventOutcome      EventKind = "outcome"
	// EventUpdated records that a live alert's summary and score followed
	// its subject (a rising lead); detail holds the previous and new score.
	EventUpdated EventKind = "updated"
)

// Outcomes a PCR unit records on a report alert (the same words the
// reporter's tracking page shows).
const (
	OutcomeVisited      = "visited"
	OutcomeActionTaken  = "action_taken"
	OutcomeNothingFound = "nothing_found"
)

// Alert is one alert as stored. Summary (English), SummaryHI, Category,
// Place and PlaceHI are public-safe; H3R8 and SubjectID are for staff
// consoles only.
type Alert struct {
	ID         int64    `db:"id"`
	Kind       Kind     `db:"kind"`
	UnitKind   UnitKind `db:"unit_kind"`
	UnitID     int64    `db:"unit_id"`
	UnitRole   string   `db:"unit_role"`
	DistrictID *int     `db:"district_id"`
	// EscalatedKind, EscalatedID and EscalatedRole are the level the alert
	// was last escalated to; EscalatedTo holds the Unit.Key of every level
	// it has reached, each of which may see and acknowledge it.
	EscalatedKind   *UnitKind `db:"escalated_kind"`
	EscalatedID     *int64    `db:"escalated_id"`
	EscalatedRole   string    `db:"escalated_role"`
	EscalatedTo     []string  `db:"escalated_to"`
	EscalationLevel int       `db:"escalation_level"` // escalations so far, repeats included
	Severity        Severity  `db:"severity"`
	DedupKey        string    `db:"dedup_key"`
	Summary         string    `db:"summary"`
	SummaryHI       string    `db:"summary_hi"` // "" for alerts raised before Hindi summaries
	// Category is what the alert is about: a report's category (ingest's
	// taxonomy), CategoryHotspot, CategoryLead or CategoryComplaint (never
	// a complaint's crime); "" for alerts raised before categories.
	Category string `db:"category"`
	// Place and PlaceHI describe where, public-safe: the police station
	// area (or unit area) and district, never a point or an address.
	Place       string `db:"place"`
	PlaceHI     string `db:"place_hi"`
	Link        string `db:"link"`
	SubjectKind string `db:"subject_kind"`
	SubjectID   int64  `db:"subject_id"`
	// OccurredAt is when the subject happened: a report's event time, or
	// when analysis found the hotspot or scored the lead.
	OccurredAt     *time.Time `db:"occurred_at"`
	Score          *float64   `db:"score"` // a lead's current score; nil for other alerts
	H3R8           *int64     `db:"h3_r8"`
	State          State      `db:"state"`
	AckDueAt       *time.Time `db:"ack_due_at"`
	Outcome        *string    `db:"outcome"`
	OutcomeNote    string     `db:"outcome_note"`
	RaisedAt       time.Time  `db:"raised_at"`
	AcknowledgedAt *time.Time `db:"acknowledged_at"`
	AcknowledgedBy *int64     `db:"acknowledged_by"`
	ResolvedAt     *time.Time `db:"resolved_at"`
	ResolvedBy     *int64     `db:"resolved_by"`
	UpdatedAt      time.Time  `db:"updated_at"`
}

// Categories of alerts that are not about one report (a report alert
// carries the report's own category).
const (
	CategoryHotspot   = "hotspot"          // a new significant hotspot
	CategoryLead      = "trafficking_lead" // a trafficking lead
	CategoryComplaint = "complaint"        // a complaint notice; never names the crime
)

// Event is one step of an alert's life. ID is the SSE event id.
type Event struct {
	// ID is the event's position in commit order, the id consoles see and
	// resume from (Last-Event-ID); 0 until its transaction commits.
	ID          int64          `db:"id"`
	AlertID     int64          `db:"alert_id"`
	Kind        EventKind      `db:"kind"`
	ActorUserID *int64         `db:"actor_user_id"`
	ActorRole   string         `db:"actor_role"`
	At          time.Time      `db:"at"`
	Detail      map[string]any `db:"detail"`
}

// EventView is an event with its alert as it is when read: what a console
// receives.
type EventView struct {
	Event
	Alert Alert
}

// actorSystem is the role recorded for steps nobody took by hand.
const actorSystem = "system"

// Visibility is which alerts a caller may see: every one (All), or those
// addressed to one unit or escalated to it at any level so far. For
// district officers Role narrows to alerts for every officer or for that
// role.
type Visibility struct {
	All  bool
	Unit Unit
}

// VisibilityFor maps a principal to the alerts it may see. Roles without an
// alert console are vikalp.ErrForbidden.
func VisibilityFor(p auth.Principal) (Visibility, error) {
	unit := func(k UnitKind, id int64) (Visibility, error) { return Visibility{Unit: Unit{Kind: k, ID: id}}, nil }
	switch {
	case p.Role == auth.RoleAdmin:
		return Visibility{All: true}, nil
	case p.Role == auth.RolePCR && p.Scope.Kind == auth.ScopePCR:
		return unit(UnitPCR, p.Scope.ID)
	case p.Role == auth.RolePCR && p.Scope.Kind == auth.ScopeDistrict:
		return unit(UnitDistrictControlRoom, p.Scope.ID)
	case p.Role == auth.RoleAHTU && p.Scope.Kind == auth.ScopeAHTU:
		return unit(UnitAHTU, p.Scope.ID)
	case p.Role == auth.RoleAHTU && p.Scope.Kind == auth.ScopeState:
		return unit(UnitAHTUInCharge, 0)
	case (p.Role == auth.RoleNodal || p.Role == auth.RoleSP) && p.Scope.Kind == auth.ScopeDistrict:
		return Visibility{Unit: Unit{Kind: UnitDistrictOfficers, ID: p.Scope.ID, Role: string(p.Role)}}, nil
	case (p.Role == auth.RoleMSPAnalyst || p.Role == auth.RoleMSPLegal) && p.Scope.Kind == auth.ScopeState:
		return unit(UnitMSP, 0)
	}
	return Visibility{}, fmt.Errorf("alerts for role %s with scope %s: %w", p.Role, p.Scope.Kind, vikalp.ErrForbidden)
}

// Allows reports whether v may see a. It mirrors visibleSQL, which the
// stores use; the hub uses this to filter live events.
func (v Visibility) Allows(a Alert) bool {
	if v.All {
		return true
	}
	if a.UnitKind == v.Unit.Kind && a.UnitID == v.Unit.ID && (a.UnitRole == "" || a.UnitRole == v.Unit.Role) {
		return true
	}
	all := Unit{Kind: v.Unit.Kind, ID: v.Unit.ID}.Key()
	return slices.ContainsFunc(a.EscalatedTo, func(k string) bool {
		return k == all || (v.Unit.Role != "" && k == v.Unit.Key())
	})
}

// args returns v as the four parameters of visibleSQL.
func (v Visibility) args() []any {
	return []any{v.All, string(v.Unit.Kind), v.Unit.ID, v.Unit.Role}
}
