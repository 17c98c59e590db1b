package api

import (
	"fmt"
	"time"

	"github.com/vikalp/vikalp/ingest"
)

// trackReportRequest carries her secret (the code is in the path).
type trackReportRequest struct {
	Secret string `json:"secret"`
}

// reportUpdateRequest is her update as JSON.
type reportUpdateRequest struct {
	Secret string `json:"secret"`
	Text   string `json:"text"`
}

// reportOutcomeRequest is a staff outcome: action_taken, fixed or closed, a
// public reason code and a staff-only note.
type reportOutcomeRequest struct {
	Outcome    string `json:"outcome"`
	ReasonCode string `json:"reason_code"`
	Note       string `json:"note"`
}

// outcomeReasonResponse is one public reason code with its labels.
type outcomeReasonResponse struct {
	Code    string `json:"code"`
	LabelEN string `json:"label_en"`
	LabelHI string `json:"label_hi"`
}

// stateLabels are the reporter-facing names of a report's state (its
// moderation status, or its outcome once approved) and of timeline events.
var stateLabels = map[string][2]string{
	ingest.StatusPending:      {"Awaiting review", "समीक्षा की प्रतीक्षा में"},
	ingest.StatusApproved:     {"Published – open", "प्रकाशित – खुला"},
	ingest.StatusRejected:     {"Not published", "प्रकाशित नहीं किया गया"},
	ingest.OutcomeActionTaken: {"Police took action", "पुलिस ने कार्रवाई की"},
	ingest.OutcomeFixed:       {"Fixed", "समस्या ठीक कर दी गई"},
	ingest.OutcomeClosed:      {"Closed", "बंद"},
	ingest.OutcomeReopened:    {"Reopened – reported again", "फिर से खोला गया – दोबारा सूचना मिली"},
}

// labelOf returns the English and Hindi label of a state or event kind.
func labelOf(kind string) (string, string) {
	l, ok := stateLabels[kind]
	if !ok {
		return kind, kind
	}
	return l[0], l[1]
}

// reportStateOf is the one state a reporter sees: the outcome of an
// approved report that has one, else the moderation status.
func reportStateOf(r ingest.PublicReport) string {
	if r.Status == ingest.StatusApproved && r.Outcome != "" {
		return r.Outcome
	}
	return r.Status
}

// timelineEntry is one public event as the reporter sees it.
type timelineEntry struct {
	Kind          string    `json:"kind"`
	At            time.Time `json:"at"`
	LabelEN       string    `json:"label_en"`
	LabelHI       string    `json:"label_hi"`
	ReasonCode    string    `json:"reason_code,omitempty"`
	ReasonLabelEN string    `json:"reason_label_en,omitempty"`
	ReasonLabelHI string    `json:"reason_label_hi,omitempty"`
}

func newTimelineEntry(e ingest.ReportEvent) timelineEntry {
	out := timelineEntry{Kind: e.Kind, At: e.At}
	out.LabelEN, out.LabelHI = labelOf(e.Kind)
	if e.Kind == ingest.StatusApproved {
		out.LabelEN, out.LabelHI = "Published", "प्रकाशित"
	}
	if r, ok := ingest.ReasonLabel(e.ReasonCode); ok {
		out.ReasonCode, out.ReasonLabelEN, out.ReasonLabelHI = r.Code, r.LabelEN, r.LabelHI
	}
	return out
}

// reporterUpdateResponse is one of her updates (her own text back to her).
type reporterUpdateResponse struct {
	Text      string    `json:"text"`
	HasPhoto  bool      `json:"has_photo"`
	CreatedAt time.Time `json:"created_at"`
}

func newReporterUpdates(list []ingest.ReporterUpdate) []reporterUpdateResponse {
	out := make([]reporterUpdateResponse, len(list))
	for i, u := range list {
		out[i] = reporterUpdateResponse{Text: u.Text, HasPhoto: u.HasPhoto, CreatedAt: u.CreatedAt}
	}
	return out
}

// reporterViewResponse is her tracking page: the public report view, its
// state in English and Hindi, the public timeline and her updates.
type reporterViewResponse struct {
	publicReportResponse
	State         string                   `json:"state"`
	StateLabelEN  string                   `json:"state_label_en"`
	StateLabelHI  string                   `json:"state_label_hi"`
	OutcomeReason string                   `json:"outcome_reason,omitempty"`
	OutcomeAt     *time.Time               `json:"outcome_at,omitempty"`
	Timeline      []timelineEntry          `json:"timeline"`
	Updates       []reporterUpdateResponse `json:"updates"`
}

func newReporterViewResponse(v ingest.ReporterView) reporterViewResponse {
	out := reporterViewResponse{publicReportResponse: newPublicReportResponse(v.Report),
		State: reportStateOf(v.Report), OutcomeReason: v.Report.OutcomeReason, OutcomeAt: v.Report.OutcomeAt,
		Timeline: make([]timelineEntry, len(v.Timeline)), Updates: newReporterUpdates(v.Updates)}
	out.StateLabelEN, out.StateLabelHI = labelOf(out.State)
	for i, e := range v.Timeline {
		out.Timeline[i] = newTimelineEntry(e)
	}
	return out
}

// staffEventResponse is one history row for staff: with the actor's role
// and the staff-only note.
type staffEventResponse struct {
	Kind        string    `json:"kind"`
	At          time.Time `json:"at"`
	ActorRole   string    `json:"actor_role"`
	ActorUserID *int64    `json:"actor_user_id,omitempty"`
	ReasonCode  string    `json:"reason_code,omitempty"`
	Note        string    `json:"note,omitempty"`
	ByReportID  *int64    `json:"by_report_id,omitempty"`
	Public      bool      `json:"public"`
}

// staffUpdateResponse is one of her updates for staff, with the address of
// its photo.
type staffUpdateResponse struct {
	ID int64 `json:"id"`
	reporterUpdateResponse
	PhotoURL string `json:"photo_url,omitempty"`
}

// staffReportResponse is a report's lifecycle for staff.
type staffReportResponse struct {
	ID      int64                 `json:"id"`
	Code    string                `json:"code"`
	Status  string                `json:"status"`
	Outcome string                `json:"outcome"`
	Events  []staffEventResponse  `json:"events"`
	Updates []staffUpdateResponse `json:"updates"`
}

func newStaffReportResponse(v ingest.StaffReportView) staffReportResponse {
	out := staffReportResponse{ID: v.ID, Code: v.Code, Status: v.Status, Outcome: v.Outcome,
		Events: make([]staffEventResponse, len(v.Events)), Updates: make([]staffUpdateResponse, len(v.Updates))}
	for i, u := range v.Updates {
		out.Updates[i] = staffUpdateResponse{ID: u.ID,
			reporterUpdateResponse: reporterUpdateResponse{Text: u.Text, HasPhoto: u.HasPhoto, CreatedAt: u.CreatedAt}}
		if u.HasPhoto {
			out.Updates[i].PhotoURL = fmt.Sprintf("/api/v1/staff/reports/%d/updates/%d/photo", v.ID, u.ID)
		}
	}
	for i, e := range v.Events {
		out.Events[i] = staffEventResponse{Kind: e.Kind, At: e.At, ActorRole: e.ActorRole,
			ActorUserID: e.ActorUserID, ReasonCode: e.ReasonCode, Note: e.Note, ByReportID: e.ByReportID,
			Public: e.Public}
	}
	return out
}
