package api

import (
	"strconv"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/notify"
)

// alertResponse is an alert on a staff console. h3_r8 is the r8 cell as
// hex (staff only); no point, name, number or report text is ever here
// (where describes the cell's centre, never a report's point).
type alertResponse struct {
	ID              int64      `json:"id"`
	Kind            string     `json:"kind"`
	UnitKind        string     `json:"unit_kind"`
	UnitID          int64      `json:"unit_id"`
	UnitRole        string     `json:"unit_role,omitempty"`
	DistrictID      *int       `json:"district_id"`
	EscalatedKind   *string    `json:"escalated_to_kind,omitempty"`
	EscalatedID     *int64     `json:"escalated_to_id,omitempty"`
	EscalatedRole   string     `json:"escalated_to_role,omitempty"`
	EscalatedUnits  []string   `json:"escalated_units,omitempty"` // every level reached: "kind:id[:role]"
	EscalationLevel int        `json:"escalation_level"`
	Severity        string     `json:"severity"`
	Summary         string     `json:"summary"`
	SummaryHI       string     `json:"summary_hi,omitempty"` // absent for alerts raised before Hindi summaries
	Category        string     `json:"category,omitempty"`   // absent for alerts raised before categories
	Place           string     `json:"place,omitempty"`      // police station or unit area and district
	PlaceHI         string     `json:"place_hi,omitempty"`
	OccurredAt      *time.Time `json:"occurred_at,omitempty"`
	Score           *float64   `json:"score,omitempty"` // lead alerts: the lead's current score
	Link            string     `json:"link"`
	SubjectKind     string     `json:"subject_kind"`
	SubjectID       int64      `json:"subject_id"`
	H3R8            string     `json:"h3_r8,omitempty"`
	State           string     `json:"state"`
	AckDueAt        *time.Time `json:"ack_due_at"`
	Outcome         *string    `json:"outcome"`
	OutcomeNote     string     `json:"outcome_note,omitempty"`
	RaisedAt        time.Time  `json:"raised_at"`
	AcknowledgedAt  *time.Time `json:"acknowledged_at"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	// Where describes the alert's H3 cell centre (nearest police and railway
	// station, district, geo: URI); absent for alerts without a cell.
	Where *placeResponse `json:"where,omitempty"`
}

func newAlertResponse(a alerts.Alert) alertResponse {
	r := alertResponse{ID: a.ID, Kind: string(a.Kind), UnitKind: string(a.UnitKind), UnitID: a.UnitID,
		UnitRole: a.UnitRole, DistrictID: a.DistrictID, EscalatedID: a.EscalatedID, EscalatedRole: a.EscalatedRole,
		EscalatedUnits: a.EscalatedTo, EscalationLevel: a.EscalationLevel, Severity: string(a.Severity),
		Summary: a.Summary, SummaryHI: a.SummaryHI, Category: a.Category, Place: a.Place, PlaceHI: a.PlaceHI,
		OccurredAt: a.OccurredAt, Score: a.Score, Link: a.Link,
		SubjectKind: a.SubjectKind, SubjectID: a.SubjectID, State: string(a.State), AckDueAt: a.AckDueAt,
		Outcome: a.Outcome, OutcomeNote: a.OutcomeNote, RaisedAt: a.RaisedAt, AcknowledgedAt: a.AcknowledgedAt,
		ResolvedAt: a.ResolvedAt}
	if a.EscalatedKind != nil {
		k := string(*a.EscalatedKind)
		r.EscalatedKind = &k
	}
	if a.H3R8 != nil {
		r.H3R8 = strconv.FormatInt(*a.H3R8, 16)
	}
	return r
}

func newAlertsResponse(list []alerts.Alert) []alertResponse {
	out := make([]alertResponse, len(list))
	for i, a := range list {
		out[i] = newAlertResponse(a)
	}
	return out
}

// alertEventResponse is one step of an alert, as listed and as streamed
// (the SSE data field).
type alertEventResponse struct {
	ID          int64          `json:"id"`
	AlertID     int64          `json:"alert_id"`
	Kind        string         `json:"kind"`
	ActorUserID *int64         `json:"actor_user_id"`
	ActorRole   string         `json:"actor_role"`
	At          time.Time      `json:"at"`
	Detail      map[string]any `json:"detail,omitempty"`
	Alert       *alertResponse `json:"alert,omitempty"`
}

func newAlertEventResponse(e alerts.EventView, withAlert bool) alertEventResponse {
	r := alertEventResponse{ID: e.ID, AlertID: e.AlertID, Kind: string(e.Kind), ActorUserID: e.ActorUserID,
		ActorRole: e.ActorRole, At: e.At, Detail: e.Detail}
	if withAlert {
		a := newAlertResponse(e.Alert)
		r.Alert = &a
	}
	return r
}

// alertDetailResponse is an alert with its timeline.
type alertDetailResponse struct {
	alertResponse
	Events []alertEventResponse `json:"events"`
}

// outcomeRequest is a PCR outcome on a report alert.
type outcomeRequest struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

// subscriptionRequest creates a webhook subscription.
type subscriptionRequest struct {
	UnitKind    string `json:"unit_kind"`
	UnitID      int64  `json:"unit_id"`
	URL         string `json:"url"`
	Description string `json:"description"`
}

// subscriptionPatch turns a subscription on or off.
type subscriptionPatch struct {
	Active      *bool   `json:"active"`
	Description *string `json:"description"`
}

// subscriptionResponse never carries the secret, except Secret on creation.
type subscriptionResponse struct {
	ID          int64     `json:"id"`
	UnitKind    string    `json:"unit_kind"`
	UnitID      int64     `json:"unit_id"`
	URL         string    `json:"url"`
	Description string    `json:"description"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	Secret      string    `json:"secret,omitempty"`
}

func newSubscriptionResponse(s notify.Subscription, secret string) subscriptionResponse {
	return subscriptionResponse{ID: s.ID, UnitKind: s.UnitKind, UnitID: s.UnitID, URL: s.URL,
		Description: s.Description, Active: s.Active, CreatedAt: s.CreatedAt, Secret: secret}
}

// deliveryResponse is one webhook delivery with its attempt log.
type deliveryResponse struct {
	ID             int64            `json:"id"`
	EventID        int64            `json:"event_id"`
	SubscriptionID int64            `json:"subscription_id"`
	Status         string           `json:"status"`
	Attempts       int              `json:"attempts"`
	LastStatusCode *int             `json:"last_status_code"`
	LastError      string           `json:"last_error,omitempty"`
	NextAttemptAt  *time.Time       `json:"next_attempt_at"`
	DeliveredAt    *time.Time       `json:"delivered_at"`
	Log            []map[string]any `json:"log"`
	CreatedAt      time.Time        `json:"created_at"`
}

func newDeliveryResponse(d notify.Delivery) deliveryResponse {
	return deliveryResponse{ID: d.ID, EventID: d.EventID, SubscriptionID: d.SubscriptionID, Status: d.Status,
		Attempts: d.Attempts, LastStatusCode: d.LastStatusCode, LastError: d.LastError,
		NextAttemptAt: d.NextAttemptAt, DeliveredAt: d.DeliveredAt, Log: d.Log, CreatedAt: d.CreatedAt}
}

// smsResponse is one outbox message for admins; never the phone number.
type smsResponse struct {
	ID          int64      `json:"id"`
	ToKind      string     `json:"to_kind"`
	ToRole      string     `json:"to_role,omitempty"`
	DistrictID  *int       `json:"district_id"`
	ComplaintID *int64     `json:"complaint_id"`
	Template    string     `json:"template"`
	Body        string     `json:"body"`
	Status      string     `json:"status"`
	Provider    string     `json:"provider"`
	Attempts    int        `json:"attempts"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	SentAt      *time.Time `json:"sent_at"`
}

func newSMSResponse(m notify.OutboxSMS) smsResponse {
	return smsResponse{ID: m.ID, ToKind: m.ToKind, ToRole: m.ToRole, DistrictID: m.DistrictID,
		ComplaintID: m.ComplaintID, Template: m.Template, Body: m.Body, Status: m.Status, Provider: m.Provider,
		Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt, SentAt: m.SentAt}
}
