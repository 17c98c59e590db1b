package leads

import (
	"slices"
	"time"

	"github.com/vikalp/vikalp"
)

// Status is where a lead is in the AHTU workflow.
type Status string

// The lead workflow: new → triaged → investigating → actioned → closed.
// A lead may be closed from any open status (with a note saying why) and a
// closed lead reopened to triaged (also with a note).
const (
	StatusNew           Status = "new"
	StatusTriaged       Status = "triaged"
	StatusInvestigating Status = "investigating"
	StatusActioned      Status = "actioned"
	StatusClosed        Status = "closed"
)

// leadTransitions lists the statuses each status may move to.
var leadTransitions = map[Status][]Status{
	StatusNew:           {StatusTriaged, StatusClosed},
	StatusTriaged:       {StatusInvestigating, StatusClosed},
	StatusInvestigating: {StatusActioned, StatusClosed},
	StatusActioned:      {StatusClosed},
	StatusClosed:        {StatusTriaged},
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	_, ok := leadTransitions[s]
	return ok
}

// CheckTransition returns nil when a lead in status from may move to to,
// else a user-safe ErrInvalid (unknown status) or ErrConflict (illegal
// move). Closing and reopening need a note.
func CheckTransition(from, to Status, note string) error {
	if !to.Valid() {
		return vikalp.InvalidField("to", "unknown_status",
			"status must be one of new, triaged, investigating, actioned, closed")
	}
	if !slices.Contains(leadTransitions[from], to) {
		return vikalp.Conflictf("a %s lead cannot move to %s", from, to)
	}
	if (to == StatusClosed || from == StatusClosed) && note == "" {
		return vikalp.InvalidField("note", "note_required", "say why the lead is closed or reopened")
	}
	return nil
}

// Lead is a lead as its readers see it.
type Lead struct {
	ID          int64       `db:"id"`
	AHTUID      *int        `db:"ahtu_id"`
	DistrictID  *int        `db:"district_id"`
	Status      Status      `db:"status"`
	Score       float64     `db:"score"`
	Explanation []Indicator `db:"explanation"`
	TipCount    int         `db:"tip_count"`
	Lat         *float64    `db:"lat"`
	Lon         *float64    `db:"lon"`
	AssignedTo  *int64      `db:"assigned_to"`
	FirstTipAt  *time.Time  `db:"first_tip_at"`
	LastTipAt   *time.Time  `db:"last_tip_at"`
	CreatedAt   time.Time   `db:"created_at"`
	UpdatedAt   time.Time   `db:"updated_at"`
}

// Member is a tip in a lead.
type Member struct {
	TipID      int64     `db:"tip_id"`
	Code       string    `db:"code"`
	ReceivedAt time.Time `db:"received_at"`
	Via        string    `db:"via"` // "pipeline" or "pin"
	JoinedAt   time.Time `db:"joined_at"`
}

// SharedEntity is an entity mentioned by tips of a lead.
type SharedEntity struct {
	Kind   EntityKind `db:"kind"`
	Value  string     `db:"value"`
	TipIDs []int64    `db:"tip_ids"`
}

// Event is one entry of a lead's workflow history.
type Event struct {
	ID          int64     `db:"id"`
	Kind        string    `db:"kind"`
	FromStatus  *string   `db:"from_status"`
	ToStatus    *string   `db:"to_status"`
	Note        string    `db:"note"`
	ActorUserID *int64    `db:"actor_user_id"`
	ActorRole   string    `db:"actor_role"`
	At          time.Time `db:"at"`
}

// Detail is a lead with its members, entities and history.
type Detail struct {
	Lead
	Members  []Member
	Entities []SharedEntity
	Events   []Event
}

// Filter narrows a lead list. Zero fields do not filter.
type Filter struct {
	Status     Status
	MinScore   float64
	DistrictID int
	Limit      int // 1–500, default 100; highest scores first
}

// Scope is which leads a reader may see: all, or one AHTU's.
type Scope struct {
	All    bool
	AHTUID int
}
