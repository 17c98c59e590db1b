package api

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
)

// registerOpen311Routes serves hotspot reports as Open311 GeoReport v2
// (services, requests; .json and .xml), on the same validation, moderation
// and privacy rules as /api/v1/reports: submissions need a photo ("media"),
// requests start pending, listings show approved reports only, and a
// request's position is the centre of its H3 r8 cell, never the point.
func (h *Handler) registerOpen311Routes(g *gin.RouterGroup) {
	g.GET("/services.json", open311(h.open311Services))
	g.GET("/services.xml", open311(h.open311Services))
	g.GET("/services/:file", open311(h.open311Service))
	g.POST("/requests.json", h.limitPublic(), open311(h.open311Submit))
	g.POST("/requests.xml", h.limitPublic(), open311(h.open311Submit))
	g.GET("/requests.json", open311(h.open311Requests))
	g.GET("/requests.xml", open311(h.open311Requests))
	g.GET("/requests/:file", open311(h.open311Request))
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

// open311Request is one service request in requests.json.
type open311Request struct {
	XMLName           xml.Name   `json:"-" xml:"request"`
	ServiceRequestID  string     `json:"service_request_id" xml:"service_request_id"`
	Status            string     `json:"status" xml:"status"`
	StatusNotes       string     `json:"status_notes" xml:"status_notes"`
	ServiceName       string     `json:"service_name" xml:"service_name"`
	ServiceCode       string     `json:"service_code" xml:"service_code"`
	RequestedDatetime time.Time  `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   *time.Time `json:"updated_datetime,omitempty" xml:"updated_datetime,omitempty"`
	Address           string     `json:"address,omitempty" xml:"address,omitempty"`
	Lat               *float64   `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64   `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          string     `json:"media_url,omitempty" xml:"media_url,omitempty"`
}

// open311Created answers a POST.
type open311Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
}

// open311Definition answers services/{code}.json: no attributes needed.
type open311Definition struct {
	XMLName     xml.Name `json:"-" xml:"service_definition"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	Attributes  []string `json:"attributes" xml:"attributes"`
}

// open311Error is GeoReport's error shape.
type open311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// open311Handler returns a status and a list body (Open311 answers lists).
type open311Handler func(c *gin.Context) (int, any, error)

// open311 adapts an open311Handler: the body is written as JSON or XML by
// the path's extension, and errors take GeoReport's shape with the status
// and user-safe message of the one mapper, errorStatus.
func open311(fn open311Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		status, body, err := fn(c)
		if err != nil {
			status, resp := errorStatus(err)
			if status >= 500 {
				writeError(c, err) // logs; the body is the generic one
				return
			}
			msg := resp.Error
			if resp.Field != "" {
				msg = resp.Field + ": " + msg
			}
			body = []open311Error{{Code: status, Description: msg}}
			writeOpen311(c, status, "errors", body)
			return
		}
		writeOpen311(c, status, rootOf(body), body)
	}
}

// rootOf names the XML root element of a list body.
func rootOf(body any) string {
	switch body.(type) {
	case []open311Service:
		return "services"
	case open311Definition:
		return ""
	default:
		return "service_requests"
	}
}

// writeOpen311 writes body as XML when the path ends in .xml, else JSON.
func writeOpen311(c *gin.Context, status int, root string, body any) {
	if !strings.HasSuffix(c.Request.URL.Path, ".xml") {
		c.JSON(status, body)
		return
	}
	if root != "" {
		body = struct {
			XMLName xml.Name
			Items   any
		}{XMLName: xml.Name{Local: root}, Items: body}
	}
	out, err := xml.MarshalIndent(body, "", "  ")
	if err != nil {
		writeError(c, fmt.Errorf("encode open311 xml: %w", err))
		return
	}
	c.Data(status, "application/xml; charset=utf-8", append([]byte(xml.Header), out...))
}

func open311Services() []open311Service {
	var out []open311Service
	for _, info := range ingest.Categories() {
		out = append(out, open311Service{ServiceCode: string(info.Key), ServiceName: info.LabelEN,
			Description: info.LabelEN + " / " + info.LabelHI, Type: "realtime",
			Keywords: "women safety, hotspot", Group: "Women's safety (UP Police VIKALP)"})
	}
	return out
}

func (h *Handler) open311Services(*gin.Context) (int, any, error) {
	return http.StatusOK, open311Services(), nil
}

// open311Service answers services/{code}.json: no service needs extra
// attributes, so every definition is empty.
func (h *Handler) open311Service(c *gin.Context) (int, any, error) {
	code, _ := splitFormat(c.Param("file"))
	if _, ok := ingest.Category(code).Info(); !ok {
		return 0, nil, fmt.Errorf("open311 service %q: %w", code, vikalp.ErrNotFound)
	}
	return http.StatusOK, open311Definition{ServiceCode: code, Attributes: []string{}}, nil
}

// open311Submit takes a GeoReport POST (multipart, with at least one photo
// as "media"): service_code, lat, long, description.
func (h *Handler) open311Submit(c *gin.Context) (int, any, error) {
	form, err := parseUpload(c)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = form.RemoveAll() }()
	in, err := newReportInput(form, ingest.SourceOpen311, h.deps.Ingest.Config().Media.MaxBytes)
	if err != nil {
		return 0, nil, err
	}
	in.Category, in.Text = formValue(form, "service_code"), formValue(form, "description")
	rec, err := h.deps.Ingest.SubmitReport(c.Request.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	notice := newReportReceiptResponse(rec).Message
	return http.StatusCreated, []open311Created{{ServiceRequestID: rec.Code, ServiceNotice: notice}}, nil
}

// open311Requests lists requests: the ids in service_request_id, else
// approved reports, filtered by service_code, start_date and end_date.
func (h *Handler) open311Requests(c *gin.Context) (int, any, error) {
	q := ingest.PublicQuery{Category: ingest.Category(c.Query("service_code"))}
	if ids := c.Query("service_request_id"); ids != "" {
		q.Codes = strings.Split(ids, ",")
	}
	var err error
	if q.From, err = queryTime(c, "start_date"); err != nil {
		return 0, nil, err
	}
	if q.To, err = queryTime(c, "end_date"); err != nil {
		return 0, nil, err
	}
	list, err := h.deps.Ingest.PublicReports(c.Request.Context(), q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newOpen311Requests(list), nil
}

// open311Request answers requests/{id}.json.
func (h *Handler) open311Request(c *gin.Context) (int, any, error) {
	code, _ := splitFormat(c.Param("file"))
	r, err := h.deps.Ingest.ReportStatus(c.Request.Context(), code)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newOpen311Requests([]ingest.PublicReport{r}), nil
}

func newOpen311Requests(list []ingest.PublicReport) []open311Request {
	out := make([]open311Request, len(list))
	for i, r := range list {
		out[i] = newOpen311Request(r)
	}
	return out
}

// newOpen311Request maps a public report. Only an approved report shows a
// position (the centre of its public cell: r8, or coarser when too few
// reports share it), its district and a photo.
func newOpen311Request(r ingest.PublicReport) open311Request {
	info, _ := r.Category.Info()
	out := open311Request{ServiceRequestID: r.Code, ServiceCode: string(r.Category), ServiceName: info.LabelEN,
		RequestedDatetime: r.ReceivedAt, UpdatedDatetime: r.ModeratedAt, Status: "open"}
	switch r.Status {
	case ingest.StatusPending:
		out.StatusNotes = "awaiting review"
	case ingest.StatusRejected:
		out.Status, out.StatusNotes = "closed", "not published"
	case ingest.StatusApproved:
		out.StatusNotes = "published"
		out.Address = r.DistrictEN
		if r.PublicCell != 0 { // k-anonymous: no position for a report nearly alone in its area
			centre := geo.Center(r.PublicCell)
			lat, lon := centre.Lat(), centre.Lon()
			out.Lat, out.Long = &lat, &lon
		}
		if r.Photos > 0 {
			out.MediaURL = fmt.Sprintf("/api/v1/reports/%s/photos/1", r.Code)
		}
	}
	return out
}

// splitFormat splits "HR-AB12-CD34.json" into the id and "json".
func splitFormat(file string) (string, string) {
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		return file[:i], file[i+1:]
	}
	return file, ""
}

// queryTime reads an optional W3C (RFC 3339) time query parameter.
func queryTime(c *gin.Context, key string) (*time.Time, error) {
	s := c.Query(key)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, vikalp.InvalidField(key, "bad_time", key+" must be a time like 2024-06-01T00:00:00+05:30")
	}
	return &t, nil
}
