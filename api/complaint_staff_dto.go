package api

import (
	"time"

	"github.com/vikalp/vikalp/cases"
)

type queueItemResponse struct {
	ID                  int64      `json:"id"`
	Code                string     `json:"code"`
	Status              string     `json:"status"`
	Category            string     `json:"category"`
	DistrictID          int        `json:"district_id"`
	StationID           int64      `json:"station_id"`
	Confidential        bool       `json:"confidential"`
	CreatedAt           time.Time  `json:"created_at"`
	ATRDueAt            *time.Time `json:"atr_due_at,omitempty"`
	SLAStage            int        `json:"sla_stage"`
	ATRStatus           string     `json:"atr_status,omitempty"`
	SLARemainingSeconds *int64     `json:"sla_remaining_seconds,omitempty"`
	Overdue             bool       `json:"overdue"`
	OpenDirection       bool       `json:"open_direction"`
}

func newQueueResponse(items []cases.QueueItem) []queueItemResponse {
	out := make([]queueItemResponse, 0, len(items))
	for _, it := range items {
		out = append(out, newQueueItemResponse(it))
	}
	return out
}

func newQueueItemResponse(it cases.QueueItem) queueItemResponse {
	r := queueItemResponse{ID: it.ID, Code: string(it.Code), Status: string(it.Status), Category: string(it.Category),
		DistrictID: it.DistrictID, StationID: it.StationID, Confidential: it.Confidential, CreatedAt: it.CreatedAt,
		ATRDueAt: it.ATRDueAt, SLAStage: it.SLAStage, SLARemainingSeconds: seconds(it.SLARemaining), Overdue: it.Overdue,
		OpenDirection: it.OpenDirection}
	if it.ATRStatus != nil {
		r.ATRStatus = string(*it.ATRStatus)
	}
	return r
}

type atrResponse struct {
	ID           int64      `json:"id"`
	Seq          int        `json:"seq"`
	Text         string     `json:"text"`
	ActionTaken  string     `json:"action_taken"`
	Language     string     `json:"language"`
	Status       string     `json:"status"`
	ReturnReason string     `json:"return_reason,omitempty"`
	InternalNote string     `json:"internal_note,omitempty"`
	DueAt        *time.Time `json:"due_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	FIRNumber    *string    `json:"fir_number,omitempty"`
	FIRStationID *int64     `json:"fir_station_id,omitempty"`
}

func newATRResponse(a cases.ATR) atrResponse {
	return atrResponse{ID: a.ID, Seq: a.Seq, Text: a.Text, ActionTaken: a.ActionTaken, Language: string(a.Language),
		Status: string(a.Status), ReturnReason: a.ReturnReason, InternalNote: a.InternalNote, DueAt: a.DueAt,
		CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt, PublishedAt: a.PublishedAt,
		FIRNumber: a.FIRNumber, FIRStationID: a.FIRStationID}
}

// firMatchResponse is a queue row found by FIR number, with the number.
type firMatchResponse struct {
	queueItemResponse
	FIRNumber string `json:"fir_number"`
}

func newFIRMatchesResponse(found []cases.FIRMatch) []firMatchResponse {
	out := make([]firMatchResponse, 0, len(found))
	for _, m := range found {
		out = append(out, firMatchResponse{queueItemResponse: newQueueItemResponse(m.QueueItem), FIRNumber: m.FIRNumber})
	}
	return out
}

type eventResponse struct {
	At          time.Time      `json:"at"`
	Kind        string         `json:"kind"`
	ActorRole   string         `json:"actor_role"`
	ActorUserID *int64         `json:"actor_user_id,omitempty"`
	FromStatus  string         `json:"from_status,omitempty"`
	ToStatus    string         `json:"to_status,omitempty"`
	Reason      string         `json:"reason,omitempty"`
	Public      bool           `json:"public"`
	Detail      map[string]any `json:"detail,omitempty"`
}

type feedbackResponse struct {
	ATRID  int64     `json:"atr_id"`
	Rating string    `json:"rating"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

type legalReviewResponse struct {
	Decision string    `json:"decision"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

type contactResponse struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

// detailResponse is the staff view. The exact point is included because
// staff in scope investigate on it; it never appears in any public view.
type detailResponse struct {
	ID             int64                 `json:"id"`
	Code           string                `json:"code"`
	Status         string                `json:"status"`
	Category       string                `json:"category"`
	Description    string                `json:"description"`
	Language       string                `json:"language"`
	IncidentAt     *time.Time            `json:"incident_at,omitempty"`
	Lat            *float64              `json:"lat,omitempty"`
	Lon            *float64              `json:"lon,omitempty"`
	DistrictID     int                   `json:"district_id"`
	StationID      int64                 `json:"station_id"`
	Station        bilingualName         `json:"station"`
	District       bilingualName         `json:"district"`
	Confidential   bool                  `json:"confidential"`
	CallbackWindow string                `json:"callback_window,omitempty"`
	NoSMS          bool                  `json:"no_sms"` // she chose no SMS at filing: a shared phone
	FiledBy        string                `json:"filed_by"`
	Relation       string                `json:"relation,omitempty"`
	ATRDueAt       *time.Time            `json:"atr_due_at,omitempty"`
	SLAStage       int                   `json:"sla_stage"`
	CreatedAt      time.Time             `json:"created_at"`
	ClosedAt       *time.Time            `json:"closed_at,omitempty"`
	Holder         string                `json:"holder"`
	Events         []eventResponse       `json:"events"`
	ATRs           []atrResponse         `json:"atrs"`
	Ratings        []feedbackResponse    `json:"ratings"`
	LegalReviews   []legalReviewResponse `json:"legal_reviews"`
	CallTasks      []callTaskResponse    `json:"call_tasks"`
	Contact        *contactResponse      `json:"contact,omitempty"`
	ContactAccess  string                `json:"contact_access"`
}

func newDetailResponse(d cases.Detail) detailResponse {
	c := d.Complaint
	r := detailResponse{ID: c.ID, Code: string(c.Code), Status: string(c.Status), Category: string(c.Category),
		Description: c.Description, Language: string(c.Language), IncidentAt: c.IncidentAt, Lat: c.Lat, Lon: c.Lon,
		DistrictID: c.DistrictID, StationID: c.StationID,
		Station:      bilingualName{EN: d.Place.StationNameEN, HI: d.Place.StationNameHI},
		District:     bilingualName{EN: d.Place.DistrictNameEN, HI: d.Place.DistrictNameHI},
		Confidential: c.Confidential, CallbackWindow: c.CallbackWindow, NoSMS: c.SMSOptOut, FiledBy: string(c.FiledBy), Relation: c.Relation,
		ATRDueAt: c.ATRDueAt, SLAStage: c.SLAStage, CreatedAt: c.CreatedAt, ClosedAt: c.ClosedAt, Holder: string(d.Holder),
		Events: make([]eventResponse, 0, len(d.Events)), ATRs: make([]atrResponse, 0, len(d.ATRs)),
		Ratings: make([]feedbackResponse, 0, len(d.Ratings)), LegalReviews: make([]legalReviewResponse, 0, len(d.LegalReviews)),
		CallTasks: newCallTasksResponse(d.CallTasks), ContactAccess: string(d.ContactAccess)}
	for _, e := range d.Events {
		ev := eventResponse{At: e.At, Kind: e.Kind, ActorRole: string(e.ActorRole), ActorUserID: e.ActorUserID,
			Reason: e.Reason, Public: e.Public, Detail: e.Detail}
		if e.FromStatus != nil {
			ev.FromStatus = string(*e.FromStatus)
		}
		if e.ToStatus != nil {
			ev.ToStatus = string(*e.ToStatus)
		}
		r.Events = append(r.Events, ev)
	}
	for _, a := range d.ATRs {
		r.ATRs = append(r.ATRs, newATRResponse(a))
	}
	for _, f := range d.Ratings {
		r.Ratings = append(r.Ratings, feedbackResponse{ATRID: f.ATRID, Rating: string(f.Rating), Reason: f.Reason, At: f.At})
	}
	for _, l := range d.LegalReviews {
		r.LegalReviews = append(r.LegalReviews, legalReviewResponse{Decision: string(l.Decision), Reason: l.Reason, At: l.At})
	}
	if d.Contact != nil {
		r.Contact = &contactResponse{Name: d.Contact.Name, Phone: d.Contact.Phone, Address: d.Contact.Address}
	}
	return r
}

type callTaskResponse struct {
	ID             int64      `json:"id"`
	ComplaintID    int64      `json:"complaint_id"`
	Code           string     `json:"code"`
	DistrictID     int        `json:"district_id"`
	CallbackWindow string     `json:"callback_window,omitempty"`
	Confidential   bool       `json:"confidential"`
	Reason         string     `json:"reason"`
	DueAt          time.Time  `json:"due_at"`
	Outcome        string     `json:"outcome,omitempty"`
	Note           string     `json:"note,omitempty"`
	DoneAt         *time.Time `json:"done_at,omitempty"`
}

func newCallTaskResponse(t cases.CallTask) callTaskResponse {
	r := callTaskResponse{ID: t.ID, ComplaintID: t.ComplaintID, Code: string(t.Code), DistrictID: t.DistrictID,
		CallbackWindow: t.CallbackWindow, Confidential: t.Confidential, Reason: string(t.Reason), DueAt: t.DueAt,
		Note: t.Note, DoneAt: t.DoneAt}
	if t.Outcome != nil {
		r.Outcome = string(*t.Outcome)
	}
	return r
}

func newCallTasksResponse(ts []cases.CallTask) []callTaskResponse {
	out := make([]callTaskResponse, 0, len(ts))
	for _, t := range ts {
		out = append(out, newCallTaskResponse(t))
	}
	return out
}

type districtStatsResponse struct {
	DistrictID          int           `json:"district_id"`
	Name                bilingualName `json:"name"`
	Total               int           `json:"total"`
	Open                int           `json:"open"`
	Overdue             int           `json:"overdue"`
	AwaitingVetting     int           `json:"awaiting_vetting"`
	LegalReview         int           `json:"legal_review"`
	Ratings             int           `json:"ratings"`
	Dissatisfied        int           `json:"dissatisfied"`
	DissatisfactionRate *float64      `json:"dissatisfaction_rate"`
}

type dashboardResponse struct {
	Open                   int                     `json:"open"`
	Overdue                int                     `json:"overdue"`
	AwaitingVetting        int                     `json:"awaiting_vetting"`
	LegalReview            int                     `json:"legal_review"`
	SLAMet                 int                     `json:"sla_met"`
	SLAMissed              int                     `json:"sla_missed"`
	SLACompliance          *float64                `json:"sla_compliance"`
	MedianTimeToATRSeconds *int64                  `json:"median_time_to_atr_seconds"`
	Districts              []districtStatsResponse `json:"districts"`
	DirectionsOpen         int                     `json:"directions_open"`
	DirectionsOverdue      int                     `json:"directions_overdue"`
}

func newDashboardResponse(d cases.Dashboard) dashboardResponse {
	r := dashboardResponse{Open: d.Open, Overdue: d.Overdue, AwaitingVetting: d.AwaitingVetting, LegalReview: d.LegalReview,
		SLAMet: d.SLAMet, SLAMissed: d.SLAMissed, SLACompliance: d.SLACompliance,
		MedianTimeToATRSeconds: seconds(d.MedianTimeToATR), Districts: make([]districtStatsResponse, 0, len(d.Districts)),
		DirectionsOpen: d.DirectionsOpen, DirectionsOverdue: d.DirectionsOverdue}
	for _, s := range d.Districts {
		r.Districts = append(r.Districts, districtStatsResponse{DistrictID: s.DistrictID,
			Name: bilingualName{EN: s.NameEN, HI: s.NameHI}, Total: s.Total, Open: s.Open, Overdue: s.Overdue,
			AwaitingVetting: s.AwaitingVetting, LegalReview: s.LegalReview, Ratings: s.Ratings,
			Dissatisfied: s.Dissatisfied, DissatisfactionRate: s.DissatisfactionRate})
	}
	return r
}

// seconds renders an optional duration as whole seconds for JSON clients.
func seconds(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	s := int64(d.Seconds())
	return &s
}
