package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
)

// registerAlertRoutes wires the alert consoles and the admin views of
// webhooks, deliveries and the SMS outbox.
func (h *Handler) registerAlertRoutes(v1 *gin.RouterGroup) {
	if h.deps.Alerts == nil {
		return
	}
	g := v1.Group("/alerts", h.requireAuth())
	g.GET("", handle(h.listAlerts))
	g.GET("/stream", handle(h.streamAlerts))
	g.GET("/:id", handle(h.getAlert))
	g.POST("/:id/ack", handle(h.alertStep(h.deps.Alerts.Acknowledge)))
	g.POST("/:id/resolve", handle(h.alertStep(h.deps.Alerts.Resolve)))
	g.POST("/:id/outcome", handle(h.recordAlertOutcome))
	h.registerWebhookRoutes(v1.Group("/admin", h.requireRole(auth.RoleAdmin)))
}

// listAlerts lists the caller's alerts: ?state=&kind=&unit_kind=&unit_id=
// &since=&until= (RFC 3339) &before_id=&limit=.
func (h *Handler) listAlerts(c *gin.Context) error {
	p, _ := principalOf(c)
	f := alerts.Filter{State: alerts.State(c.Query("state")), Kind: alerts.Kind(c.Query("kind")),
		UnitKind: alerts.UnitKind(c.Query("unit_kind"))}
	var err error
	if f.Since, err = queryTime(c, "since"); err != nil {
		return err
	}
	if f.Until, err = queryTime(c, "until"); err != nil {
		return err
	}
	if f.UnitID, err = queryInt(c, "unit_id"); err != nil {
		return err
	}
	if f.BeforeID, err = queryInt(c, "before_id"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	f.Limit = int(limit)
	list, err := h.deps.Alerts.List(c.Request.Context(), p, f)
	if err != nil {
		return err
	}
	out := newAlertsResponse(list)
	h.placeAlerts(c.Request.Context(), out)
	c.JSON(http.StatusOK, gin.H{"alerts": out})
	return nil
}

func (h *Handler) getAlert(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	a, events, err := h.deps.Alerts.Get(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	one := []alertResponse{newAlertResponse(a)}
	h.placeAlerts(c.Request.Context(), one)
	out := alertDetailResponse{alertResponse: one[0], Events: make([]alertEventResponse, len(events))}
	for i, e := range events {
		out.Events[i] = newAlertEventResponse(e, false)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// alertStep adapts a lifecycle step (acknowledge, resolve) to a handler.
func (h *Handler) alertStep(step func(ctx context.Context, p auth.Principal, id int64) (alerts.Alert, error)) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		p, _ := principalOf(c)
		a, err := step(c.Request.Context(), p, id)
		if err != nil {
			return err
		}
		one := []alertResponse{newAlertResponse(a)}
		h.placeAlerts(c.Request.Context(), one)
		c.JSON(http.StatusOK, one[0])
		return nil
	}
}

func (h *Handler) recordAlertOutcome(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in outcomeRequest
	if err := c.ShouldBindJSON(&in); err != nil {
		return vikalp.Invalidf("the body must be JSON like {\"outcome\":\"visited\",\"note\":\"…\"}")
	}
	p, _ := principalOf(c)
	a, err := h.deps.Alerts.RecordOutcome(c.Request.Context(), p, id, alerts.Outcome{Outcome: in.Outcome, Note: in.Note})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newAlertResponse(a))
	return nil
}

// queryInt reads a non-negative integer query parameter, 0 when absent.
func queryInt(c *gin.Context, key string) (int64, error) {
	s := c.Query(key)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, vikalp.InvalidField(key, "bad_number", key+" must be a non-negative whole number")
	}
	return n, nil
}
