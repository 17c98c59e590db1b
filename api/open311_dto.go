package api

import (
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
)

// open311Spec is the GeoReport v2 specification the endpoint follows.
const open311Spec = "http://wiki.open311.org/GeoReport_v2"

// open311Changeset is when the Open311 surface last changed (discovery's
// changeset): the service list and definitions follow the code.
const open311Changeset = "2026-12-07T00:00:00Z"

// open311Discovery is GeoReport's discovery document.
type open311Discovery struct {
	XMLName    xml.Name          `json:"-" xml:"discovery"`
	Changeset  string            `json:"changeset" xml:"changeset"`
	Contact    string            `json:"contact" xml:"contact"`
	KeyService string            `json:"key_service" xml:"key_service"`
	Endpoints  []open311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

// open311Endpoint is one endpoint of the discovery document.
type open311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// open311Service is one service in services.json.
type open311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// open311Definition answers services/{code}.json: the category's questions.
type open311Definition struct {
	XMLName     xml.Name           `json:"-" xml:"service_definition"`
	ServiceCode string             `json:"service_code" xml:"service_code"`
	Attributes  []open311Attribute `json:"attributes" xml:"attributes>attribute"`
}

// open311Attribute is one question of a service definition.
type open311Attribute struct {
	Variable            bool           `json:"variable" xml:"variable"`
	Code                string         `json:"code" xml:"code"`
	Datatype            string         `json:"datatype" xml:"datatype"`
	Required            bool           `json:"required" xml:"required"`
	DatatypeDescription *string        `json:"datatype_description" xml:"datatype_description"`
	Order               int            `json:"order" xml:"order"`
	Description         string         `json:"description" xml:"description"`
	Values              []open311Value `json:"values,omitempty" xml:"values>value,omitempty"`
}

// open311Value is one choice of a singlevaluelist question.
type open311Value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

func newOpen311Definition(c ingest.Category) open311Definition {
	out := open311Definition{ServiceCode: string(c), Attributes: []open311Attribute{}}
	for _, a := range ingest.AttributesOf(c) {
		attr := open311Attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Order: a.Order,
			Description: a.Description + " / " + a.DescriptionHI}
		if a.Datatype == ingest.DatatypeNumber {
			d := fmt.Sprintf("a whole number from %d to %d", a.Min, a.Max)
			attr.DatatypeDescription = &d
		}
		for _, v := range a.Values {
			attr.Values = append(attr.Values, open311Value{Key: v.Key, Name: v.Name})
		}
		out.Attributes = append(out.Attributes, attr)
	}
	return out
}

// open311Request is one service request in requests.json.
type open311Request struct {
	XMLName           xml.Name   `json:"-" xml:"request"`
	ServiceRequestID  string     `json:"service_request_id" xml:"service_request_id"`
	Status            string     `json:"status" xml:"status"`
	StatusNotes       string     `json:"status_notes" xml:"status_notes"`
	ServiceName       string     `json:"service_name" xml:"service_name"`
	ServiceCode       string     `json:"service_code" xml:"service_code"`
	Description       string     `json:"description" xml:"description"`
	AgencyResponsible string     `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string     `json:"service_notice" xml:"service_notice"`
	RequestedDatetime time.Time  `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   *time.Time `json:"updated_datetime,omitempty" xml:"updated_datetime,omitempty"`
	Address           string     `json:"address,omitempty" xml:"address,omitempty"`
	Lat               *float64   `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64   `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          string     `json:"media_url,omitempty" xml:"media_url,omitempty"`
}

// open311Created answers a POST: the request id and its token.
type open311Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token,omitempty" xml:"token,omitempty"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        *string  `json:"account_id" xml:"account_id"`
}

// open311Token answers tokens/{token}.
type open311Token struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
}

// open311Error is GeoReport's error shape.
type open311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

func open311Services() []open311Service {
	var out []open311Service
	for _, info := range ingest.Categories() {
		out = append(out, open311Service{ServiceCode: string(info.Code), ServiceName: info.LabelEN,
			Description: info.LabelEN + " / " + info.LabelHI, Type: "realtime", Metadata: true,
			Keywords: "women safety, hotspot", Group: "Women's safety (UP Police VIKALP)"})
	}
	return out
}

func newOpen311Requests(list []ingest.PublicReport, base string) []open311Request {
	out := make([]open311Request, len(list))
	for i, r := range list {
		out[i] = newOpen311Request(r, base)
	}
	return out
}

// newOpen311Request maps a public report. Only an approved report shows a
// position (the centre of its k-anonymous public cell, when it has one),
// its district and a photo (as an absolute URL under base). description is
// a public summary, never the reporter's own text (docs/PRIVACY.md).
func newOpen311Request(r ingest.PublicReport, base string) open311Request {
	info, _ := r.Category.Info()
	out := open311Request{ServiceRequestID: r.Code, ServiceCode: string(r.Category), ServiceName: info.LabelEN,
		RequestedDatetime: r.ReceivedAt, UpdatedDatetime: latest(r.ModeratedAt, r.OutcomeAt),
		Status: r.Open311Status(), StatusNotes: open311Notes(r), Description: info.LabelEN + " reported",
		AgencyResponsible: "UP Police"}
	if r.Status != ingest.StatusApproved {
		return out
	}
	out.Address = r.DistrictEN
	out.Description = fmt.Sprintf("%s reported in %s district", info.LabelEN, r.DistrictEN)
	out.AgencyResponsible = "UP Police, " + r.DistrictEN
	if r.PublicCell != 0 { // k-anonymous: no position for a report nearly alone in its area
		centre := geo.Center(r.PublicCell)
		lat, lon := centre.Lat(), centre.Lon()
		out.Lat, out.Long = &lat, &lon
	}
	if r.Photos > 0 {
		out.MediaURL = fmt.Sprintf("%s/api/v1/reports/%s/photos/1", base, r.Code)
	}
	return out
}

// open311Notes is the public status note: moderation, then the outcome
// with its public reason.
func open311Notes(r ingest.PublicReport) string {
	switch {
	case r.Status == ingest.StatusPending:
		return "awaiting review"
	case r.Status == ingest.StatusRejected:
		return "not published"
	case r.Outcome == "":
		return "published"
	case r.Outcome == ingest.OutcomeReopened:
		return "reopened: reported again after closure"
	}
	note := strings.ReplaceAll(r.Outcome, "_", " ")
	if reason, ok := ingest.ReasonLabel(r.OutcomeReason); ok {
		note += ": " + reason.LabelEN
	}
	return note
}

// latest returns the later of two optional times.
func latest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}

// publicBaseURL is the scheme and host clients reached us at, for absolute
// links: X-Forwarded-Proto and X-Forwarded-Host count only from a trusted
// proxy (Deps.TrustedProxies, as gin decides the client address).
func (h *Handler) publicBaseURL(c *gin.Context) string {
	scheme, host := "http", c.Request.Host
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if h.fromTrustedProxy(c.Request) {
		if p := firstHeader(c.Request, "X-Forwarded-Proto"); p == "http" || p == "https" {
			scheme = p
		}
		if fh := firstHeader(c.Request, "X-Forwarded-Host"); validHost(fh) {
			host = fh
		}
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// fromTrustedProxy reports whether the peer is one of Deps.TrustedProxies
// (addresses or CIDRs).
func (h *Handler) fromTrustedProxy(r *http.Request) bool {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	ip := net.ParseIP(peer)
	if ip == nil {
		return false
	}
	for _, p := range h.deps.TrustedProxies {
		if _, cidr, err := net.ParseCIDR(p); err == nil && cidr.Contains(ip) {
			return true
		}
		if pip := net.ParseIP(p); pip != nil && pip.Equal(ip) {
			return true
		}
	}
	return false
}

// firstHeader is the first comma-separated value of header key, trimmed
// and lower-cased.
func firstHeader(r *http.Request, key string) string {
	v, _, _ := strings.Cut(r.Header.Get(key), ",")
	return strings.ToLower(strings.TrimSpace(v))
}

// validHost accepts a host[:port] of letters, digits, dots, dashes, colons
// and brackets only, so no header can inject a path or markup into a link.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, r := range h {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '.' || r == '-' || r == ':' || r == '[' || r == ']'
		if !ok {
			return false
		}
	}
	return true
}
