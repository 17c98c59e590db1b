package api

import (
	"time"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
)

// directionRequest is a new direction: to "station", "nodal" or "sp", the
// text, an optional deadline (RFC 3339) and whether to report back.
type directionRequest struct {
	To         string     `json:"to"`
	Body       string     `json:"body"`
	DueAt      *time.Time `json:"due_at"`
	ReportBack bool       `json:"report_back"`
}

func (r directionRequest) input() cases.DirectionInput {
	return cases.DirectionInput{To: cases.Addressee(r.To), Body: r.Body, DueAt: r.DueAt, ReportBack: r.ReportBack}
}

// answerRequest is the addressee's short report on a direction.
type answerRequest struct {
	Answer string `json:"answer"`
}

// directionResponse is a direction as staff in scope see it.
type directionResponse struct {
	ID              int64      `json:"id"`
	ComplaintID     int64      `json:"complaint_id"`
	IssuerRole      string     `json:"issuer_role"`
	To              string     `json:"to"`
	Body            string     `json:"body"`
	DueAt           *time.Time `json:"due_at,omitempty"`
	ReplyBy         time.Time  `json:"reply_by"`
	ReportBack      bool       `json:"report_back"`
	CreatedAt       time.Time  `json:"created_at"`
	Open            bool       `json:"open"`
	Overdue         bool       `json:"overdue"`
	AnsweredAt      *time.Time `json:"answered_at,omitempty"`
	Answer          string     `json:"answer,omitempty"`
	EscalationStage int        `json:"escalation_stage"`
}

func newDirectionResponse(d cases.Direction) directionResponse {
	return directionResponse{ID: d.ID, ComplaintID: d.ComplaintID, IssuerRole: string(d.IssuerRole), To: string(d.To),
		Body: d.Body, DueAt: d.DueAt, ReplyBy: d.ReplyBy, ReportBack: d.ReportBack, CreatedAt: d.CreatedAt,
		Open: d.Open(), Overdue: d.Overdue, AnsweredAt: d.AnsweredAt, Answer: d.Answer, EscalationStage: d.EscalationStage}
}

func newDirectionsResponse(ds []cases.Direction) []directionResponse {
	out := make([]directionResponse, 0, len(ds))
	for _, d := range ds {
		out = append(out, newDirectionResponse(d))
	}
	return out
}

// transferRequest is the body of every transfer call: a direct transfer
// (station_id, reason, restart_sla, restart_reason), a district request
// (district_id, optional station_id, reason), an acceptance (optional
// station_id) or a decline (reason).
type transferRequest struct {
	StationID     *int64 `json:"station_id"`
	DistrictID    int    `json:"district_id"`
	Reason        string `json:"reason"`
	RestartSLA    bool   `json:"restart_sla"`
	RestartReason string `json:"restart_reason"`
}

func (r transferRequest) input() cases.TransferInput {
	in := cases.TransferInput{Reason: r.Reason, RestartSLA: r.RestartSLA, RestartReason: r.RestartReason}
	if r.StationID != nil {
		in.StationID = *r.StationID
	}
	return in
}

func (r transferRequest) requestInput() cases.TransferRequestInput {
	return cases.TransferRequestInput{DistrictID: r.DistrictID, StationID: r.StationID, Reason: r.Reason}
}

// transferResponse is a transfer or request with both places' names.
type transferResponse struct {
	ID             int64          `json:"id"`
	ComplaintID    int64          `json:"complaint_id"`
	Code           string         `json:"code"`
	State          string         `json:"state"`
	FromStation    bilingualName  `json:"from_station"`
	FromDistrict   bilingualName  `json:"from_district"`
	FromDistrictID int            `json:"from_district_id"`
	ToStationID    *int64         `json:"to_station_id,omitempty"`
	ToStation      *bilingualName `json:"to_station,omitempty"`
	ToDistrictID   int            `json:"to_district_id"`
	ToDistrict     bilingualName  `json:"to_district"`
	RequesterRole  string         `json:"requester_role"`
	Reason         string         `json:"reason"`
	RestartSLA     bool           `json:"restart_sla"`
	RestartReason  string         `json:"restart_reason,omitempty"`
	DeclineReason  string         `json:"decline_reason,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	DecidedAt      *time.Time     `json:"decided_at,omitempty"`
	// CanDecide tells the pending list which requests the caller may
	// accept or decline (the receiving district's SP, or the MSP).
	CanDecide bool `json:"can_decide"`
}

func newTransferResponse(x cases.Transfer) transferResponse {
	r := transferResponse{ID: x.ID, ComplaintID: x.ComplaintID, Code: string(x.Code), State: string(x.State),
		FromStation:  bilingualName{EN: x.FromStationEN, HI: x.FromStationHI},
		FromDistrict: bilingualName{EN: x.FromDistrictEN, HI: x.FromDistrictHI}, FromDistrictID: x.FromDistrictID,
		ToStationID: x.ToStationID, ToDistrictID: x.ToDistrictID,
		ToDistrict: bilingualName{EN: x.ToDistrictEN, HI: x.ToDistrictHI}, RequesterRole: string(x.RequesterRole),
		Reason: x.Reason, RestartSLA: x.RestartSLA, RestartReason: x.RestartReason, DeclineReason: x.DeclineReason,
		CreatedAt: x.CreatedAt, DecidedAt: x.DecidedAt}
	if x.ToStationID != nil {
		r.ToStation = &bilingualName{EN: x.ToStationEN, HI: x.ToStationHI}
	}
	return r
}

// newTransfersResponse renders pending requests for p, marking the ones p
// may decide.
func newTransfersResponse(xs []cases.Transfer, p auth.Principal) []transferResponse {
	out := make([]transferResponse, 0, len(xs))
	for _, x := range xs {
		r := newTransferResponse(x)
		r.CanDecide = x.DecidableBy(p)
		out = append(out, r)
	}
	return out
}
