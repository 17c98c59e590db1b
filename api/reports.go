package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
)

// uploadBodyLimit caps a multipart submission: five photos at the pipeline's
// per-photo limit plus the form fields. The pipeline checks each photo.
const uploadBodyLimit = 52 << 20

// registerIngestRoutes wires the JSON side of hotspot reports and tips:
// public report status and photos, moderation and the AHTU/MSP tip views.
// The multipart submissions are mounted by registerIntakeRoutes, which
// needs a larger body limit than the /api/v1 group's.
func (h *Handler) registerIngestRoutes(v1 *gin.RouterGroup) {
	v1.GET("/report-categories", handle(h.listReportCategories))
	v1.GET("/reports/:code", handle(h.getReportStatus))
	v1.GET("/reports/:code/photos/:n", handle(h.getPublicReportPhoto))
	h.registerModerationRoutes(v1)
	h.registerTipRoutes(v1)
}

// registerIntakeRoutes mounts the public multipart submissions (reports,
// tips) and Open311 on the engine, each group with the upload body limit
// and the same authentication as /api/v1.
func (h *Handler) registerIntakeRoutes(r *gin.Engine) {
	up := r.Group("/api/v1", maxBody(uploadBodyLimit), uploadDeadline(), h.authenticate())
	up.POST("/reports", h.limitPublic(), handle(h.submitReport))
	up.POST("/tips", h.limitPublic(), handle(h.submitTip))
	h.registerReportUpdateRoutes(up)
	h.registerOpen311Routes(r.Group("/open311/v2", maxBody(uploadBodyLimit), uploadDeadline(), h.authenticate()))
}

// reportCategoryResponse is one entry of the bilingual taxonomy.
type reportCategoryResponse struct {
	Key     string `json:"key"`
	LabelEN string `json:"label_en"`
	LabelHI string `json:"label_hi"`
}

func (h *Handler) listReportCategories(c *gin.Context) error {
	list := ingest.Categories()
	out := make([]reportCategoryResponse, len(list))
	for i, info := range list {
		out[i] = reportCategoryResponse{Key: string(info.Code), LabelEN: info.LabelEN, LabelHI: info.LabelHI}
	}
	c.JSON(http.StatusOK, gin.H{"categories": out})
	return nil
}

// reportReceiptResponse answers a submission. It never says whether the
// report was linked to an earlier one: that would tell anyone who files a
// report whether others (pending ones included) reported the same ~150 m
// cell in the last day, finer than any public view (docs/PRIVACY.md).
type reportReceiptResponse struct {
	Code     string `json:"code"`
	Status   string `json:"status"`
	Message  string `json:"message"`
	Replayed bool   `json:"replayed,omitempty"`
	// Secret, with the code, lets her add updates and see her own view
	// (POST /reports/{code}/track, /reports/{code}/updates).
	Secret string `json:"secret,omitempty"`
}

func newReportReceiptResponse(r ingest.ReportReceipt) reportReceiptResponse {
	return reportReceiptResponse{Code: r.Code, Status: r.Status, Replayed: r.Replayed, Secret: r.Secret,
		Message: "Thank you. Your report will be published after review. Keep the code to follow it."}
}

// submitReport takes a multipart hotspot report: photos (1–3), category,
// text, lat/lon, occurred_at (RFC 3339) and happening_now.
//
// A JSON body (Content-Type application/json) is a quick report without
// photos; see submitJSONReport.
func (h *Handler) submitReport(c *gin.Context) error {
	if c.ContentType() == "application/json" {
		return h.submitJSONReport(c)
	}
	form, err := parseUpload(c)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	in, err := newReportInput(form, ingest.SourceWeb, h.deps.Ingest.Config().Media.MaxBytes)
	if err != nil {
		return err
	}
	in.IdempotencyKey = idempotencyKey(c)
	described := h.describeAheadOf(in)
	rec, err := h.deps.Ingest.SubmitReport(c.Request.Context(), in)
	if err != nil {
		return err
	}
	h.describeAfter(rec, described)
	c.JSON(createdOrReplayed(rec.Replayed), newReportReceiptResponse(rec))
	return nil
}

// jsonReportLimit caps a JSON report body: a few short fields.
const jsonReportLimit = 16 << 10

// jsonReportRequest is a quick report without photos.
type jsonReportRequest struct {
	Category     string     `json:"category"`
	Text         string     `json:"text"`
	Lat          *float64   `json:"lat"`
	Lon          *float64   `json:"lon"`
	OccurredAt   *time.Time `json:"occurred_at"`
	HappeningNow bool       `json:"happening_now"`
	// Phone, optional, gets an SMS when the report is published or not
	// and when the police act on it.
	Phone string `json:"phone"`
}

// submitJSONReport takes a report without photos, for apps, partner systems
// and a woman for whom taking a photo is not safe: category, text, lat and
// lon (required), occurred_at and happening_now. Validation, routing,
// moderation and Idempotency-Key work as for the multipart form.
func (h *Handler) submitJSONReport(c *gin.Context) error {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, jsonReportLimit)
	var req jsonReportRequest
	if err := decodeJSON(c, &req); err != nil {
		return vikalp.InvalidField("body", "bad_json",
			"send the report as a JSON object with category, text, lat, lon, occurred_at and happening_now")
	}
	in := ingest.NewReport{Source: ingest.SourceWeb,
		Category: req.Category, Text: req.Text, Lat: req.Lat, Lon: req.Lon, OccurredAt: req.OccurredAt,
		HappeningNow: req.HappeningNow, WithoutPhotos: true, IdempotencyKey: idempotencyKey(c), Phone: req.Phone}
	described := h.describeAheadOf(in)
	rec, err := h.deps.Ingest.SubmitReport(c.Request.Context(), in)
	if err != nil {
		return err
	}
	h.describeAfter(rec, described)
	c.JSON(createdOrReplayed(rec.Replayed), newReportReceiptResponse(rec))
	return nil
}

// describeAheadOf starts describeAhead for the r8 cell of a happening-now
// report's given position before the report is filed: its alert is raised
// in the filing's own transaction, so a lookup started after the filing
// would race the alert to the consoles. It returns the cell (0: none); a
// report located by its photo is described once filed (describeAfter).
func (h *Handler) describeAheadOf(in ingest.NewReport) int64 {
	if !in.HappeningNow || in.Lat == nil || in.Lon == nil {
		return 0
	}
	c, err := geo.Index(*in.Lat, *in.Lon)
	if err != nil {
		return 0 // filing will refuse the position
	}
	h.describeAhead(c.R8)
	return c.R8
}

// describeAfter describes a filed report's alert cell unless
// describeAheadOf already did.
func (h *Handler) describeAfter(rec ingest.ReportReceipt, described int64) {
	if rec.AlertCell != described {
		h.describeAhead(rec.AlertCell)
	}
}

// idempotencyKey is the request's Idempotency-Key header, trimmed; the
// domain validates it.
func idempotencyKey(c *gin.Context) string {
	return strings.TrimSpace(c.GetHeader("Idempotency-Key"))
}

// createdOrReplayed is 201 for a new submission and 200 for the replayed
// answer to a retry with the same Idempotency-Key (as for complaints).
func createdOrReplayed(replayed bool) int {
	if replayed {
		return http.StatusOK
	}
	return http.StatusCreated
}

// newReportInput reads a report's fields from a parsed form.
func newReportInput(form *multipart.Form, source string, maxBytes int64) (ingest.NewReport, error) {
	in := ingest.NewReport{Source: source, Category: formValue(form, "category"), Text: formValue(form, "text")}
	if source == ingest.SourceWeb {
		// Her own number for notifications; an Open311 client's contact
		// fields are not stored.
		in.Phone = formValue(form, "phone")
	}
	var err error
	if in.Lat, err = formFloat(form, "lat", "latitude"); err != nil {
		return in, err
	}
	if in.Lon, err = formFloat(form, "lon", "longitude", "long"); err != nil {
		return in, err
	}
	if in.OccurredAt, err = formTime(form, "occurred_at"); err != nil {
		return in, err
	}
	if in.HappeningNow, err = formBool(form, "happening_now"); err != nil {
		return in, err
	}
	in.Photos, err = readPhotos(form, ingest.MaxReportPhotos, maxBytes, "photos", "photo", "media")
	return in, err
}

// publicReportResponse is the reporter's view of her report (no duplicate
// links, for the reason given at reportReceiptResponse).
type publicReportResponse struct {
	Code            string     `json:"code"`
	Status          string     `json:"status"`
	Category        string     `json:"category"`
	CategoryLabelEN string     `json:"category_label_en"`
	CategoryLabelHI string     `json:"category_label_hi"`
	District        string     `json:"district"`
	DistrictHI      string     `json:"district_hi"`
	ReceivedAt      time.Time  `json:"received_at"`
	ModeratedAt     *time.Time `json:"moderated_at,omitempty"`
	Photos          []string   `json:"photos"`
	// PoliceOutcome is what the PCR unit reported ("visited",
	// "action_taken", "nothing_found"), omitted until then.
	PoliceOutcome   string     `json:"police_outcome,omitempty"`
	PoliceOutcomeAt *time.Time `json:"police_outcome_at,omitempty"`
}

func newPublicReportResponse(r ingest.PublicReport) publicReportResponse {
	info, _ := r.Category.Info()
	out := publicReportResponse{Code: r.Code, Status: r.Status, Category: string(r.Category),
		CategoryLabelEN: info.LabelEN, CategoryLabelHI: info.LabelHI, District: r.DistrictEN,
		DistrictHI: r.DistrictHI, ReceivedAt: r.ReceivedAt, ModeratedAt: r.ModeratedAt,
		Photos:        []string{},
		PoliceOutcome: r.PoliceOutcome, PoliceOutcomeAt: r.PoliceOutcomeAt}
	for n := 1; n <= r.Photos; n++ {
		out.Photos = append(out.Photos, fmt.Sprintf("/api/v1/reports/%s/photos/%d", r.Code, n))
	}
	return out
}

func (h *Handler) getReportStatus(c *gin.Context) error {
	r, err := h.deps.Ingest.ReportStatus(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newPublicReportResponse(r))
	return nil
}

// getPublicReportPhoto serves an approved report's (redacted) photo;
// ?size=thumb serves its thumbnail.
func (h *Handler) getPublicReportPhoto(c *gin.Context) error {
	n, err := pathNumber(c, "n")
	if err != nil {
		return err
	}
	data, err := h.deps.Ingest.PublicPhoto(c.Request.Context(), c.Param("code"), n, c.Query("size") == "thumb")
	if err != nil {
		return err
	}
	writeJPEG(c, data, "public, max-age=60")
	return nil
}

// writeJPEG answers with a JPEG the pipeline made (never user bytes).
func writeJPEG(c *gin.Context, data []byte, cacheControl string) {
	setCacheControl(c, cacheControl)
	c.Data(http.StatusOK, ingest.TypeJPEG, data)
}

// pathNumber reads a positive integer path parameter; anything else is a
// 404, as for a missing row.
func pathNumber(c *gin.Context, name string) (int, error) {
	n, err := pathID(c, name)
	return int(n), err
}

// photoPath reads the :id and :n (photo number) parameters of a photo route.
func photoPath(c *gin.Context) (id, n int, err error) {
	if id, err = pathNumber(c, "id"); err != nil {
		return 0, 0, err
	}
	n, err = pathNumber(c, "n")
	return id, n, err
}

// parseUpload parses a multipart/form-data body, keeping small parts in
// memory and spilling large ones to temporary files; callers remove them
// with form.RemoveAll when done. A body of another type is a 415.
func parseUpload(c *gin.Context) (*multipart.Form, error) {
	if !hasMediaType(c.Request, multipartType) {
		return nil, errNotMultipart
	}
	err := c.Request.ParseMultipartForm(8 << 20)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, vikalp.InvalidField("photos", "upload_too_large",
			fmt.Sprintf("the upload is larger than %d MiB altogether", uploadBodyLimit>>20))
	case err != nil:
		return nil, vikalp.InvalidField("form", "bad_form", "send the form as multipart/form-data")
	}
	return c.Request.MultipartForm, nil
}

// formValue returns the first value of the first present key, trimmed.
func formValue(form *multipart.Form, keys ...string) string {
	for _, k := range keys {
		if v := form.Value[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
	}
	return ""
}

// formFloat reads an optional number; empty is nil.
func formFloat(form *multipart.Form, keys ...string) (*float64, error) {
	s := formValue(form, keys...)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, vikalp.InvalidField(keys[0], "bad_number", keys[0]+" must be a number in degrees")
	}
	return &f, nil
}

// formTime reads an optional RFC 3339 time; empty is nil.
func formTime(form *multipart.Form, key string) (*time.Time, error) {
	s := formValue(form, key)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, vikalp.InvalidField(key, "bad_time", key+" must be a time like 2024-06-01T18:30:00+05:30")
	}
	return &t, nil
}

// formBool reads an optional flag (true/false, 1/0, on); empty is false.
func formBool(form *multipart.Form, key string) (bool, error) {
	s := formValue(form, key)
	if s == "" {
		return false, nil
	}
	if s == "on" {
		return true, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, vikalp.InvalidField(key, "bad_flag", key+" must be true or false")
	}
	return b, nil
}

// readPhotos reads every file under keys, refusing more than maxCount
// files, or one over maxBytes, before reading any. Types and pixel limits
// are the pipeline's to check.
func readPhotos(form *multipart.Form, maxCount int, maxBytes int64, keys ...string) ([][]byte, error) {
	n := 0
	for _, k := range keys {
		n += len(form.File[k])
	}
	if n > maxCount {
		return nil, vikalp.InvalidField("photos", "photo_count", fmt.Sprintf("attach at most %d photos", maxCount))
	}
	var out [][]byte
	for _, k := range keys {
		for _, fh := range form.File[k] {
			if fh.Size > maxBytes {
				return nil, vikalp.InvalidField("photos", "photo_too_large",
					fmt.Sprintf("photo %d: each photo may be at most %d MiB", len(out)+1, maxBytes>>20))
			}
			data, err := readPart(fh, maxBytes)
			if err != nil {
				return nil, err
			}
			out = append(out, data)
		}
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader, maxBytes int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open upload part: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload part: %w", err)
	}
	return data, nil
}
