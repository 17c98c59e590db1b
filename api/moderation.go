package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
)

// registerModerationRoutes wires the moderators' queue and decisions.
func (h *Handler) registerModerationRoutes(v1 *gin.RouterGroup) {
	g := v1.Group("/moderation", h.requireRole(auth.RoleModerator, auth.RoleAdmin))
	g.GET("/reports", handle(h.moderationQueue))
	g.GET("/reports/:id", handle(h.moderationReport))
	g.POST("/reports/:id/approve", handle(h.approveReport))
	g.POST("/reports/:id/reject", handle(h.rejectReport))
	g.POST("/reports/:id/photos/:n/redact", handle(h.redactReportPhoto))
	g.GET("/reports/:id/photos/:n", handle(h.moderationPhoto))
}

// queuedReportResponse is one report in the moderation queue. The exact
// point is shown to moderators (staff) only.
type queuedReportResponse struct {
	ID             int64                `json:"id"`
	Code           string               `json:"code"`
	Status         string               `json:"status"`
	Category       string               `json:"category"`
	Text           string               `json:"text"`
	HappeningNow   bool                 `json:"happening_now"`
	OccurredAt     *time.Time           `json:"occurred_at,omitempty"`
	ReceivedAt     time.Time            `json:"received_at"`
	LocationSource string               `json:"location_source"`
	Lat            float64              `json:"lat"`
	Lon            float64              `json:"lon"`
	DistrictID     int                  `json:"district_id"`
	District       string               `json:"district"`
	DuplicateOf    *int64               `json:"duplicate_of,omitempty"`
	AlsoReported   int                  `json:"also_reported"`
	Photos         []ingest.QueuedPhoto `json:"photos"`
}

func newQueuedReportResponse(q ingest.QueuedReport) queuedReportResponse {
	return queuedReportResponse{ID: q.ID, Code: q.Code, Status: q.Status, Category: string(q.Category),
		Text: q.Text, HappeningNow: q.HappeningNow, OccurredAt: q.OccurredAt, ReceivedAt: q.ReceivedAt,
		LocationSource: q.LocationSource, Lat: q.Location.Lat(), Lon: q.Location.Lon(),
		DistrictID: q.DistrictID, District: q.DistrictEN, DuplicateOf: q.DuplicateOf,
		AlsoReported: q.AlsoReported, Photos: q.Photos}
}

// moderationQueue lists reports by ?status= (pending by default), oldest
// first; ?after_at=&after_id= continue from the last item.
func (h *Handler) moderationQueue(c *gin.Context) error {
	p, _ := principalOf(c)
	var afterAt time.Time
	if s := c.Query("after_at"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return vikalp.InvalidField("after_at", "bad_time", "after_at must be an RFC 3339 time")
		}
		afterAt = t
	}
	afterID, _ := strconv.ParseInt(c.Query("after_id"), 10, 64)
	limit, _ := strconv.Atoi(c.Query("limit"))
	list, err := h.deps.Ingest.ModerationQueue(c.Request.Context(), p, c.Query("status"), afterAt, afterID, limit)
	if err != nil {
		return err
	}
	out := make([]queuedReportResponse, len(list))
	for i, q := range list {
		out[i] = newQueuedReportResponse(q)
	}
	c.JSON(http.StatusOK, gin.H{"reports": out})
	return nil
}

// moderationReport is one report as a queue item, whatever its status.
func (h *Handler) moderationReport(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathNumber(c, "id")
	if err != nil {
		return err
	}
	q, err := h.deps.Ingest.ModerationReport(c.Request.Context(), p, int64(id))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newQueuedReportResponse(q))
	return nil
}

func (h *Handler) approveReport(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathNumber(c, "id")
	if err != nil {
		return err
	}
	if err := h.deps.Ingest.ApproveReport(c.Request.Context(), p, int64(id)); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "status": ingest.StatusApproved})
	return nil
}

// rejectRequest names why a report is not published.
type rejectRequest struct {
	Reason string `json:"reason"`
}

func (h *Handler) rejectReport(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathNumber(c, "id")
	if err != nil {
		return err
	}
	var req rejectRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return vikalp.InvalidField("reason", "bad_json", `send {"reason": "spam" | "abuse" | "not_relevant" | "duplicate"}`)
	}
	if err := h.deps.Ingest.RejectReport(c.Request.Context(), p, int64(id), req.Reason); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "status": ingest.StatusRejected, "reason": req.Reason})
	return nil
}

// redactRequest lists the areas to blur, as fractions of the photo.
type redactRequest struct {
	Rects []ingest.Rect `json:"rects"`
}

func (h *Handler) redactReportPhoto(c *gin.Context) error {
	p, _ := principalOf(c)
	id, n, err := photoPath(c)
	if err != nil {
		return err
	}
	var req redactRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return vikalp.InvalidField("rects", "bad_json", `send {"rects": [{"x":0.1,"y":0.2,"w":0.3,"h":0.2}]}`)
	}
	if err := h.deps.Ingest.RedactPhoto(c.Request.Context(), p, int64(id), n, req.Rects); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "photo": n, "areas": len(req.Rects)})
	return nil
}

// moderationPhoto serves a rendering of a report photo to a moderator:
// ?variant=derivative (default), thumbnail, redacted or redacted_th.
func (h *Handler) moderationPhoto(c *gin.Context) error {
	p, _ := principalOf(c)
	id, n, err := photoPath(c)
	if err != nil {
		return err
	}
	v := ingest.Variant(c.DefaultQuery("variant", string(ingest.VariantDerivative)))
	data, err := h.deps.Ingest.ModerationPhoto(c.Request.Context(), p, int64(id), n, v)
	if err != nil {
		return err
	}
	writeJPEG(c, data, "private, no-store")
	return nil
}
