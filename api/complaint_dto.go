package api

import (
	"time"

	"github.com/vikalp/vikalp/cases"
)

// fileComplaintRequest is the body of POST /api/v1/complaints.
type fileComplaintRequest struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Language    string   `json:"language"`
	IncidentAt  string   `json:"incident_at"`
	Lat         *float64 `json:"lat"`
	Lon         *float64 `json:"lon"`
	DistrictID  *int     `json:"district_id"`
	Contact     struct {
		Name    string `json:"name"`
		Phone   string `json:"phone"`
		Address string `json:"address"`
	} `json:"contact"`
	Confidential   bool   `json:"confidential"`
	CallbackWindow string `json:"callback_window"`
	// NoSMS is her "no SMS" choice (a shared phone): nothing is sent to
	// her number, not even the receipt.
	NoSMS    bool   `json:"no_sms"`
	FiledBy  string `json:"filed_by"`
	Relation string `json:"relation"`
	// Channel is the outreach link's src tag (poster, sticker, ...), counted
	// per day and district apart from the complaint; unknown ones are ignored.
	Channel string `json:"channel"`
}

func (r fileComplaintRequest) input(idempotencyKey string) cases.FileInput {
	return cases.FileInput{
		Category: r.Category, Description: r.Description, Language: r.Language, IncidentAt: r.IncidentAt,
		Lat: r.Lat, Lon: r.Lon, DistrictID: r.DistrictID,
		Contact:      cases.Contact{Name: r.Contact.Name, Phone: r.Contact.Phone, Address: r.Contact.Address},
		Confidential: r.Confidential, CallbackWindow: r.CallbackWindow, FiledBy: r.FiledBy, Relation: r.Relation,
		IdempotencyKey: idempotencyKey, Channel: r.Channel, NoSMS: r.NoSMS,
	}
}

// filedResponse is shown once: the secret is never retrievable again.
type filedResponse struct {
	Code     string    `json:"code"`
	Secret   string    `json:"secret,omitempty"`
	Status   string    `json:"status"`
	ATRDueAt time.Time `json:"atr_due_at"`
	Replayed bool      `json:"replayed,omitempty"`
}

// complainantRequest carries her code and secret, plus what she does.
type complainantRequest struct {
	Code   string `json:"code"`
	Secret string `json:"secret"`
	Rating string `json:"rating"`
	Reason string `json:"reason"`
}

type publicEventResponse struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Status string    `json:"status,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

type publicATRResponse struct {
	Seq         int       `json:"seq"`
	Text        string    `json:"text"`
	ActionTaken string    `json:"action_taken"`
	Language    string    `json:"language"`
	PublishedAt time.Time `json:"published_at"`
	// FIR is the FIR the police registered, when this ATR records one.
	FIR *publicFIRResponse `json:"fir,omitempty"`
}

type publicFIRResponse struct {
	Number   string        `json:"number"` // CCTNS form: state/district/station/year/serial
	Short    string        `json:"short"`  // serial/year, as on the FIR copy
	Station  bilingualName `json:"station"`
	District bilingualName `json:"district"`
}

type trackingResponse struct {
	Code         string                `json:"code"`
	Status       string                `json:"status"`
	Category     string                `json:"category"`
	Language     string                `json:"language"`
	FiledAt      time.Time             `json:"filed_at"`
	NextDeadline *time.Time            `json:"next_deadline,omitempty"`
	Holder       string                `json:"holder"`
	Station      bilingualName         `json:"station"`
	District     bilingualName         `json:"district"`
	Timeline     []publicEventResponse `json:"timeline"`
	ATRs         []publicATRResponse   `json:"atrs"`
	CanRate      bool                  `json:"can_rate"`
	CanWithdraw  bool                  `json:"can_withdraw"`
}

type bilingualName struct {
	EN string `json:"en"`
	HI string `json:"hi"`
}

func newTrackingResponse(t cases.Tracking) trackingResponse {
	r := trackingResponse{
		Code: string(t.Code), Status: string(t.Status), Category: string(t.Category), Language: string(t.Language),
		FiledAt: t.FiledAt, NextDeadline: t.NextDeadline, Holder: string(t.Holder),
		Station:  bilingualName{EN: t.StationNameEN, HI: t.StationNameHI},
		District: bilingualName{EN: t.DistrictNameEN, HI: t.DistrictNameHI},
		Timeline: make([]publicEventResponse, 0, len(t.Timeline)),
		ATRs:     make([]publicATRResponse, 0, len(t.ATRs)),
		CanRate:  t.CanRate, CanWithdraw: t.CanWithdraw,
	}
	for _, e := range t.Timeline {
		ev := publicEventResponse{At: e.At, Kind: e.Kind, Reason: e.Reason}
		if e.Status != nil {
			ev.Status = string(*e.Status)
		}
		r.Timeline = append(r.Timeline, ev)
	}
	for _, a := range t.ATRs {
		pa := publicATRResponse{Seq: a.Seq, Text: a.Text, ActionTaken: a.ActionTaken,
			Language: string(a.Language), PublishedAt: a.PublishedAt}
		if f := a.FIR; f != nil {
			pa.FIR = &publicFIRResponse{Number: f.Number, Short: f.Short,
				Station:  bilingualName{EN: f.StationNameEN, HI: f.StationNameHI},
				District: bilingualName{EN: f.DistrictNameEN, HI: f.DistrictNameHI}}
		}
		r.ATRs = append(r.ATRs, pa)
	}
	return r
}

type categoryResponse struct {
	Code  string        `json:"code"`
	Label bilingualName `json:"label"`
}

func newCategoriesResponse(cs []cases.CategoryInfo) []categoryResponse {
	out := make([]categoryResponse, 0, len(cs))
	for _, c := range cs {
		out = append(out, categoryResponse{Code: string(c.Code), Label: bilingualName{EN: c.LabelEN, HI: c.LabelHI}})
	}
	return out
}
