package api

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
)

// registerOpen311Routes serves hotspot reports as Open311 GeoReport v2
// (discovery, services and their definitions, requests, tokens; .json and
// .xml), on the same validation, moderation and privacy rules as
// /api/v1/reports: requests start pending, listings show approved reports
// only, and a request's position is the centre of a k-anonymous cell
// (r8 or coarser), never the point.
func (h *Handler) registerOpen311Routes(g *gin.RouterGroup) {
	g.GET("/discovery.json", open311(h.open311Discovery))
	g.GET("/discovery.xml", open311(h.open311Discovery))
	g.GET("/services.json", open311(h.open311Services))
	g.GET("/services.xml", open311(h.open311Services))
	g.GET("/services/:file", open311(h.open311Service))
	g.POST("/requests.json", h.limitPublic(), open311(h.open311Submit))
	g.POST("/requests.xml", h.limitPublic(), open311(h.open311Submit))
	g.GET("/requests.json", open311(h.open311Requests))
	g.GET("/requests.xml", open311(h.open311Requests))
	g.GET("/requests/:file", open311(h.open311Request))
	g.GET("/tokens/:file", open311(h.open311Token))
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
	case open311Definition, open311Discovery:
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

func (h *Handler) open311Discovery(c *gin.Context) (int, any, error) {
	return http.StatusOK, open311Discovery{Changeset: open311Changeset,
		Contact:    "UP Police VIKALP (Mahila Samman Prakoshth), 112 for emergencies",
		KeyService: "No key is needed to report or to read.",
		Endpoints: []open311Endpoint{{Specification: open311Spec, URL: h.publicBaseURL(c) + "/open311/v2",
			Changeset: open311Changeset, Type: "production", Formats: []string{"text/xml", "application/json"}}}}, nil
}

func (h *Handler) open311Services(*gin.Context) (int, any, error) {
	return http.StatusOK, open311Services(), nil
}

// open311Service answers services/{code}.json: the category's questions.
func (h *Handler) open311Service(c *gin.Context) (int, any, error) {
	code, _ := splitFormat(c.Param("file"))
	if _, ok := ingest.Category(code).Info(); !ok {
		return 0, nil, fmt.Errorf("open311 service %q: %w", code, vikalp.ErrNotFound)
	}
	return http.StatusOK, newOpen311Definition(ingest.Category(code)), nil
}

// open311Submit takes a GeoReport POST as application/x-www-form-urlencoded,
// multipart/form-data (photos as "media") or JSON: service_code, lat, long,
// description and attribute[code] answers. Without a photo the position is
// required. Contact fields (email, phone, names) are not stored.
func (h *Handler) open311Submit(c *gin.Context) (int, any, error) {
	in, cleanup, err := h.readOpen311Post(c)
	defer cleanup()
	if err != nil {
		return 0, nil, err
	}
	rec, err := h.deps.Ingest.SubmitReport(c.Request.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	notice := newReportReceiptResponse(rec).Message
	return http.StatusCreated, []open311Created{{ServiceRequestID: rec.Code, Token: rec.Open311Token,
		ServiceNotice: notice}}, nil
}

// open311Requests lists requests: the ids in service_request_id (which
// override every other filter), else approved reports filtered by
// service_code, start_date, end_date (at most 90 days; the last 90 by
// default) and status (open, closed).
func (h *Handler) open311Requests(c *gin.Context) (int, any, error) {
	q := ingest.Open311Query{Category: ingest.Category(c.Query("service_code"))}
	if ids := c.Query("service_request_id"); ids != "" {
		q.Codes = strings.Split(ids, ",")
	}
	if st := c.Query("status"); st != "" {
		q.Statuses = strings.Split(st, ",")
	}
	var err error
	if q.From, err = queryTime(c, "start_date"); err != nil {
		return 0, nil, err
	}
	if q.To, err = queryTime(c, "end_date"); err != nil {
		return 0, nil, err
	}
	list, err := h.deps.Ingest.Open311Requests(c.Request.Context(), q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newOpen311Requests(list, h.publicBaseURL(c)), nil
}

// open311Request answers requests/{id}.json.
func (h *Handler) open311Request(c *gin.Context) (int, any, error) {
	code, _ := splitFormat(c.Param("file"))
	r, err := h.deps.Ingest.Open311Request(c.Request.Context(), code)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newOpen311Requests([]ingest.PublicReport{r}, h.publicBaseURL(c)), nil
}

// open311Token answers tokens/{token}.json with the request id it stands for.
func (h *Handler) open311Token(c *gin.Context) (int, any, error) {
	token, _ := splitFormat(c.Param("file"))
	code, err := h.deps.Ingest.Open311Token(c.Request.Context(), token)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, []open311Token{{ServiceRequestID: code, Token: token}}, nil
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
