package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/alerts"
)

// registerWebhookRoutes wires the admin views under /api/v1/admin: webhook
// subscriptions, deliveries (dead letters included, with re-send) and the
// SMS outbox. Subscriptions and deliveries are notify's; a new
// subscription's unit is checked by alerts.
func (h *Handler) registerWebhookRoutes(admin *gin.RouterGroup) {
	admin.GET("/sms", handle(h.listSMS))
	if h.deps.Webhooks == nil {
		return
	}
	admin.GET("/webhooks", handle(h.listSubscriptions))
	admin.POST("/webhooks", handle(h.createSubscription))
	admin.PATCH("/webhooks/:id", handle(h.patchSubscription))
	admin.DELETE("/webhooks/:id", handle(h.deleteSubscription))
	admin.GET("/deliveries", handle(h.listDeliveries))
	admin.POST("/deliveries/:id/resend", handle(h.resendDelivery))
}

func (h *Handler) listSubscriptions(c *gin.Context) error {
	p, _ := principalOf(c)
	subs, err := h.deps.Webhooks.Subscriptions(c.Request.Context(), p)
	if err != nil {
		return err
	}
	out := make([]subscriptionResponse, len(subs))
	for i, s := range subs {
		out[i] = newSubscriptionResponse(s, "")
	}
	c.JSON(http.StatusOK, gin.H{"webhooks": out})
	return nil
}

// createSubscription answers with the signing secret, shown only here.
func (h *Handler) createSubscription(c *gin.Context) error {
	var in subscriptionRequest
	if err := c.ShouldBindJSON(&in); err != nil {
		return vikalp.Invalidf("the body must be JSON with unit_kind, unit_id and url")
	}
	p, _ := principalOf(c)
	sub, secret, err := h.deps.Alerts.CreateSubscription(c.Request.Context(), p, alerts.NewSubscription{
		Unit: alerts.Unit{Kind: alerts.UnitKind(in.UnitKind), ID: in.UnitID}, URL: in.URL, Description: in.Description})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newSubscriptionResponse(sub, secret))
	return nil
}

func (h *Handler) patchSubscription(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in subscriptionPatch
	if err := c.ShouldBindJSON(&in); err != nil || in.Active == nil {
		return vikalp.Invalidf("the body must be JSON with active (and optionally description)")
	}
	p, _ := principalOf(c)
	sub, err := h.deps.Webhooks.SetSubscription(c.Request.Context(), p, id, *in.Active, in.Description)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newSubscriptionResponse(sub, ""))
	return nil
}

// deleteSubscription deactivates: deliveries keep their subscription.
func (h *Handler) deleteSubscription(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	sub, err := h.deps.Webhooks.DeleteSubscription(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newSubscriptionResponse(sub, ""))
	return nil
}

// listDeliveries lists deliveries: ?status=pending|delivered|failed|dead
// &before_id=&limit=.
func (h *Handler) listDeliveries(c *gin.Context) error {
	before, limit, err := pageQuery(c)
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	list, err := h.deps.Webhooks.Deliveries(c.Request.Context(), p, c.Query("status"), before, limit)
	if err != nil {
		return err
	}
	out := make([]deliveryResponse, len(list))
	for i, d := range list {
		out[i] = newDeliveryResponse(d)
	}
	c.JSON(http.StatusOK, gin.H{"deliveries": out})
	return nil
}

func (h *Handler) resendDelivery(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	d, err := h.deps.Webhooks.Resend(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, newDeliveryResponse(d))
	return nil
}

// listSMS lists the SMS outbox: ?status=queued|sent|failed&before_id=&limit=.
func (h *Handler) listSMS(c *gin.Context) error {
	before, limit, err := pageQuery(c)
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	list, err := h.deps.Notify.Outbox(c.Request.Context(), p, c.Query("status"), before, limit)
	if err != nil {
		return err
	}
	out := make([]smsResponse, len(list))
	for i, m := range list {
		out[i] = newSMSResponse(m)
	}
	c.JSON(http.StatusOK, gin.H{"sms": out})
	return nil
}

func pageQuery(c *gin.Context) (before int64, limit int, err error) {
	if before, err = queryInt(c, "before_id"); err != nil {
		return 0, 0, err
	}
	l, err := queryInt(c, "limit")
	return before, int(l), err
}
