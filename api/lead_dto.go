package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/vikalp/vikalp/leads"
)

// leadChangeRequest is the body of every lead workflow call; each route
// reads its own fields: transition {to, note}, notes {note}, assign
// {user_id}, merge {lead_id}, split {tip_ids}.
type leadChangeRequest struct {
	To     string  `json:"to"`
	Note   string  `json:"note"`
	UserID int64   `json:"user_id"`
	LeadID int64   `json:"lead_id"`
	TipIDs []int64 `json:"tip_ids"`
}

// leadResponse is a lead in a list or after a change.
type leadResponse struct {
	ID          int64             `json:"id"`
	AHTUID      *int              `json:"ahtu_id"`
	DistrictID  *int              `json:"district_id"`
	Status      string            `json:"status"`
	Score       float64           `json:"score"`
	TipCount    int               `json:"tip_count"`
	Lat         *float64          `json:"lat"`
	Lon         *float64          `json:"lon"`
	AssignedTo  *int64            `json:"assigned_to"`
	FirstTipAt  *time.Time        `json:"first_tip_at"`
	LastTipAt   *time.Time        `json:"last_tip_at"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Explanation []leads.Indicator `json:"explanation"`
	// Where describes the lead's place; absent for a lead without one.
	Where *placeResponse `json:"where,omitempty"`
}

func newLeadResponse(l leads.Lead) leadResponse {
	out := leadResponse{ID: l.ID, AHTUID: l.AHTUID, DistrictID: l.DistrictID, Status: string(l.Status),
		Score: l.Score, TipCount: l.TipCount, Lat: l.Lat, Lon: l.Lon, AssignedTo: l.AssignedTo,
		FirstTipAt: l.FirstTipAt, LastTipAt: l.LastTipAt, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt,
		Explanation: l.Explanation}
	if out.Explanation == nil {
		out.Explanation = []leads.Indicator{}
	}
	return out
}

func newLeadResponses(list []leads.Lead) []leadResponse {
	out := make([]leadResponse, len(list))
	for i, l := range list {
		out[i] = newLeadResponse(l)
	}
	return out
}

// leadMemberResponse is a tip of a lead; its text is at /api/v1/tips/{id}
// for those who may read the tip.
type leadMemberResponse struct {
	TipID      int64     `json:"tip_id"`
	Code       string    `json:"code"`
	ReceivedAt time.Time `json:"received_at"`
	Via        string    `json:"via"`
	JoinedAt   time.Time `json:"joined_at"`
	URL        string    `json:"url"`
}

// leadEntityResponse is an entity the lead's tips mention.
type leadEntityResponse struct {
	Kind   string  `json:"kind"`
	Value  string  `json:"value"`
	TipIDs []int64 `json:"tip_ids"`
	Links  bool    `json:"links"`
}

// leadEventResponse is one entry of a lead's history.
type leadEventResponse struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	FromStatus  *string   `json:"from_status"`
	ToStatus    *string   `json:"to_status"`
	Note        string    `json:"note"`
	ActorUserID *int64    `json:"actor_user_id"`
	ActorRole   string    `json:"actor_role"`
	At          time.Time `json:"at"`
}

// leadDetailResponse is a lead with its members, entities and history.
type leadDetailResponse struct {
	leadResponse
	Members  []leadMemberResponse `json:"members"`
	Entities []leadEntityResponse `json:"entities"`
	Events   []leadEventResponse  `json:"events"`
}

func newLeadDetailResponse(d leads.Detail) leadDetailResponse {
	out := leadDetailResponse{leadResponse: newLeadResponse(d.Lead), Members: []leadMemberResponse{},
		Entities: []leadEntityResponse{}, Events: []leadEventResponse{}}
	for _, m := range d.Members {
		out.Members = append(out.Members, leadMemberResponse{TipID: m.TipID, Code: m.Code, ReceivedAt: m.ReceivedAt,
			Via: m.Via, JoinedAt: m.JoinedAt, URL: "/api/v1/tips/" + strconv.FormatInt(m.TipID, 10)})
	}
	for _, e := range d.Entities {
		out.Entities = append(out.Entities, leadEntityResponse{Kind: string(e.Kind), Value: e.Value, TipIDs: e.TipIDs,
			Links: e.Kind.Links()})
	}
	for _, e := range d.Events {
		out.Events = append(out.Events, leadEventResponse(e))
	}
	return out
}

// leadCSVHeader are the columns of a lead CSV export.
var leadCSVHeader = []string{"id", "ahtu_id", "district_id", "status", "score", "tip_count", "lat", "lon",
	"first_tip_at", "last_tip_at", "updated_at"}

func leadCSVRow(l leads.Lead) []string {
	return []string{strconv.FormatInt(l.ID, 10), leadOptInt(l.AHTUID), leadOptInt(l.DistrictID), string(l.Status),
		strconv.FormatFloat(l.Score, 'f', 1, 64), strconv.Itoa(l.TipCount), leadOptFloat(l.Lat), leadOptFloat(l.Lon),
		leadOptTime(l.FirstTipAt), leadOptTime(l.LastTipAt), l.UpdatedAt.UTC().Format(time.RFC3339)}
}

func leadOptInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func leadOptFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 6, 64)
}

func leadOptTime(v *time.Time) string {
	if v == nil {
		return ""
	}
	return v.UTC().Format(time.RFC3339)
}

// leadFeature is one GeoJSON feature of a lead export.
type leadFeature struct {
	Type       string         `json:"type"`
	Geometry   *leadPoint     `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type leadPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// newLeadFeatureCollection encodes leads as a FeatureCollection of
// centroids (lon, lat), with the CSV columns as properties.
func newLeadFeatureCollection(list []leads.Lead) []byte {
	fs := make([]leadFeature, len(list))
	for i, l := range list {
		f := leadFeature{Type: "Feature", Properties: map[string]any{}}
		if l.Lat != nil && l.Lon != nil {
			f.Geometry = &leadPoint{Type: "Point", Coordinates: [2]float64{*l.Lon, *l.Lat}}
		}
		for j, v := range leadCSVRow(l) {
			if name := leadCSVHeader[j]; name != "lat" && name != "lon" {
				f.Properties[name] = v
			}
		}
		f.Properties["score"] = l.Score
		f.Properties["id"] = l.ID
		fs[i] = f
	}
	data, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return data
}
