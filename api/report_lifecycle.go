package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
)

// registerReportLifecycleRoutes wires the reporter's tracking with her
// secret, the public outcome reasons, and the staff history, outcomes and
// exports of hotspot reports. Her updates (JSON or multipart with a photo)
// are mounted by registerReportUpdateRoutes on the upload group.
func (h *Handler) registerReportLifecycleRoutes(v1 *gin.RouterGroup) {
	v1.GET("/report-outcome-reasons", handle(h.listOutcomeReasons))
	v1.POST("/reports/:code/track", h.limitPublic(), handle(h.trackReport))
	// The domain narrows each role to its area (ingest.LifecycleRoles).
	staff := v1.Group("/staff/reports", h.requireRole(ingest.LifecycleRoles()...))
	staff.GET("/export.csv", handle(h.exportReportsCSV))
	staff.GET("/export.geojson", handle(h.exportReportsGeoJSON))
	staff.GET("/:id", handle(h.reportHistory))
	staff.POST("/:id/outcome", handle(h.setReportOutcome))
	staff.GET("/:id/updates/:update/photo", handle(h.reportUpdatePhoto))
}

// registerReportUpdateRoutes mounts the reporter's updates on the upload
// group (a photo needs the larger body limit).
func (h *Handler) registerReportUpdateRoutes(up *gin.RouterGroup) {
	up.POST("/reports/:code/updates", h.limitPublic(), handle(h.addReportUpdate))
}

func (h *Handler) listOutcomeReasons(c *gin.Context) error {
	list := ingest.OutcomeReasons()
	out := make([]outcomeReasonResponse, len(list))
	for i, r := range list {
		out[i] = outcomeReasonResponse{Code: r.Code, LabelEN: r.LabelEN, LabelHI: r.LabelHI}
	}
	c.JSON(http.StatusOK, gin.H{"reasons": out})
	return nil
}

// trackReport answers her view of her report: {secret} in the body, the
// code in the path. A wrong code or secret is a 404, throttled like
// complaint tracking.
func (h *Handler) trackReport(c *gin.Context) error {
	var req trackReportRequest
	if err := decodeJSON(c, &req); err != nil {
		return vikalp.InvalidField("body", "bad_json", "send a JSON object with your secret")
	}
	var v ingest.ReporterView
	err := h.throttledReporter(c, func() (err error) {
		v, err = h.deps.Ingest.TrackReport(c.Request.Context(), c.Param("code"), req.Secret)
		return err
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newReporterViewResponse(v))
	return nil
}

// addReportUpdate takes her update: JSON {secret, text}, or a multipart
// form with secret, text and one photo ("photo").
func (h *Handler) addReportUpdate(c *gin.Context) error {
	secret, text, photo, cleanup, err := h.readReportUpdate(c)
	defer cleanup()
	if err != nil {
		return err
	}
	var updates []ingest.ReporterUpdate
	err = h.throttledReporter(c, func() (err error) {
		updates, err = h.deps.Ingest.AddReporterUpdate(c.Request.Context(), c.Param("code"), secret, text, photo)
		return err
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"updates": newReporterUpdates(updates)})
	return nil
}

// readReportUpdate reads an update in either encoding.
func (h *Handler) readReportUpdate(c *gin.Context) (secret, text string, photo []byte, cleanup func(), err error) {
	cleanup = func() {}
	if hasMediaType(c.Request, jsonType) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, jsonReportLimit)
		var req reportUpdateRequest
		if err := decodeJSON(c, &req); err != nil {
			return "", "", nil, cleanup, vikalp.InvalidField("body", "bad_json", "send a JSON object with secret and text")
		}
		return req.Secret, req.Text, nil, cleanup, nil
	}
	form, err := parseUpload(c)
	if err != nil {
		return "", "", nil, cleanup, err
	}
	cleanup = func() { _ = form.RemoveAll() }
	photos, err := readPhotos(form, 1, h.deps.Ingest.Config().Media.MaxBytes, "photo", "photos", "media")
	if err != nil {
		return "", "", nil, cleanup, err
	}
	if len(photos) == 1 {
		photo = photos[0]
	}
	return formValue(form, "secret"), formValue(form, "text"), photo, cleanup, nil
}

// throttledReporter runs fn, a code+secret call, under the tracking
// throttle per client address: wrong codes or secrets count against it.
func (h *Handler) throttledReporter(c *gin.Context, fn func() error) error {
	now, ip := time.Now(), c.ClientIP()
	if h.trackByAddr.Allow(ip, now) != nil {
		return errTrackThrottled
	}
	err := fn()
	if notFoundOrInvalid(err) {
		h.trackByAddr.Fail(ip, now)
	}
	return err
}

// reportHistory is a report's lifecycle for staff in its area.
func (h *Handler) reportHistory(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.deps.Ingest.ReportHistory(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newStaffReportResponse(v))
	return nil
}

// setReportOutcome records action taken, fixed or closed with a public
// reason code and a staff-only note.
func (h *Handler) setReportOutcome(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req reportOutcomeRequest
	if err := decodeJSON(c, &req); err != nil {
		return vikalp.InvalidField("body", "bad_json", "send a JSON object with outcome, reason_code and note")
	}
	if err := h.deps.Ingest.SetOutcome(c.Request.Context(), p, id, req.Outcome, req.ReasonCode, req.Note); err != nil {
		return err
	}
	v, err := h.deps.Ingest.ReportHistory(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newStaffReportResponse(v))
	return nil
}

// reportUpdatePhoto serves the photo of one of her updates to staff in the
// report's area; ?size=thumb serves its thumbnail.
func (h *Handler) reportUpdatePhoto(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	update, err := pathID(c, "update")
	if err != nil {
		return err
	}
	data, err := h.deps.Ingest.UpdatePhoto(c.Request.Context(), p, id, update, c.Query("size") == "thumb")
	if err != nil {
		return err
	}
	writeJPEG(c, data, "private, no-store")
	return nil
}
