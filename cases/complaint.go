package cases

import "time"

// Complaint is one complaint as stored. ContactSealed is ciphertext; it is
// opened only through Service.Detail, for the roles allowed to see it.
type Complaint struct {
	ID             int64      `db:"id"`
	Code           Code       `db:"code"`
	SecretHash     []byte     `db:"secret_hash"`
	Status         Status     `db:"status"`
	Category       Category   `db:"category"`
	Description    string     `db:"description"`
	Language       Language   `db:"language"`
	IncidentAt     *time.Time `db:"incident_at"`
	Lat            *float64   `db:"lat"` // staff-only; never shown publicly
	Lon            *float64   `db:"lon"`
	H3R5           *int64     `db:"h3_r5"`
	H3R7           *int64     `db:"h3_r7"`
	H3R8           *int64     `db:"h3_r8"`
	H3R9           *int64     `db:"h3_r9"`
	DistrictID     int        `db:"district_id"`
	StationID      int64      `db:"station_id"`
	ContactSealed  []byte     `db:"contact_sealed"`
	HasPhone       bool       `db:"has_phone"`
	Confidential   bool       `db:"confidential"`
	CallbackWindow string     `db:"callback_window"`
	SMSOptOut      bool       `db:"sms_opt_out"` // she chose "no SMS" at filing (a shared phone)
	FiledBy        FiledBy    `db:"filed_by"`
	Relation       string     `db:"relation"`
	FiledByUserID  *int64     `db:"filed_by_user_id"`
	ATRDueAt       *time.Time `db:"atr_due_at"`
	SLAStage       int        `db:"sla_stage"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
	ClosedAt       *time.Time `db:"closed_at"`
}

// Overdue reports whether an ATR is owed and its deadline has passed at now.
func (c Complaint) Overdue(now time.Time) bool {
	return c.Status.AwaitingATR() && c.ATRDueAt != nil && now.After(*c.ATRDueAt)
}

// Event is one entry of a complaint's append-only timeline.
type Event struct {
	ID          int64          `db:"id"`
	ComplaintID int64          `db:"complaint_id"`
	At          time.Time      `db:"at"`
	ActorUserID *int64         `db:"actor_user_id"`
	ActorRole   Actor          `db:"actor_role"`
	Kind        string         `db:"kind"`
	FromStatus  *Status        `db:"from_status"`
	ToStatus    *Status        `db:"to_status"`
	Reason      string         `db:"reason"`
	Public      bool           `db:"public"`
	Detail      map[string]any `db:"detail"`
}

// Event kinds. Kinds in publicReasonKinds show their reason to the
// complainant; other public events show only that they happened.
const (
	EventFiled               = "filed"
	EventAssigned            = "assigned"
	EventATRDrafted          = "atr_drafted"
	EventATRSubmitted        = "atr_submitted"
	EventATRPublished        = "atr_published"
	EventATRReturned         = "atr_returned"
	EventAwaitingFeedback    = "awaiting_feedback"
	EventRatedSatisfied      = "rated_satisfied"
	EventRatedDissatisfied   = "rated_dissatisfied"
	EventClosed              = "closed"
	EventLegalReview         = "legal_review"
	EventEscalated           = "escalated"
	EventAdvised             = "advised"
	EventWithdrawn           = "withdrawn"
	EventSLANodal            = "sla_overdue_nodal"
	EventSLASP               = "sla_overdue_sp"
	EventSLAMSP              = "sla_overdue_msp"
	EventCallTaskCreated     = "call_task_created"
	EventCallOutcomeRecorded = "call_outcome"
)

// publicReasonKinds are the events whose reason the complainant may read:
// her own reasons and the MSP's advice to her. Reasons for returns and
// pursuits are officer-internal.
var publicReasonKinds = map[string]bool{
	EventRatedDissatisfied: true,
	EventAdvised:           true,
	EventWithdrawn:         true,
}
