package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/notify"
)

// Webhooks are package notify's (subscriptions, deliveries, signing,
// retries, the allow-list); alerts chooses which unit a subscription
// serves, which events go to which units (webhookTargets) and what a
// delivery says (WebhookRenderer).

// NewSubscription is an admin's request to subscribe a unit.
type NewSubscription struct {
	Unit        Unit
	URL         string
	Description string
}

// CreateSubscription subscribes a unit's endpoint through notify.Webhooks
// and returns the subscription with its signing secret, shown this once.
// Admins only.
func (s *Service) CreateSubscription(ctx context.Context, p auth.Principal, in NewSubscription) (notify.Subscription, string, error) {
	if !p.Has(auth.RoleAdmin) {
		return notify.Subscription{}, "", vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	if !in.Unit.Kind.Valid() || in.Unit.ID < 0 {
		return notify.Subscription{}, "", vikalp.InvalidField("unit_kind", "bad_unit", "unknown unit kind")
	}
	return s.webhooks.CreateSubscription(ctx, p, notify.NewSubscription{UnitKind: string(in.Unit.Kind),
		UnitID: in.Unit.ID, URL: in.URL, Description: in.Description})
}

// webhookTargets sends event eventID of alert a to the subscriptions of its
// unit and, once escalated, of the unit it is escalated to.
func webhookTargets(a Alert, eventID int64) []notify.WebhookTarget {
	ts := []notify.WebhookTarget{{EventID: eventID, UnitKind: string(a.UnitKind), UnitID: a.UnitID}}
	if a.EscalatedKind != nil {
		ts = append(ts, notify.WebhookTarget{EventID: eventID, UnitKind: string(*a.EscalatedKind), UnitID: *a.EscalatedID})
	}
	return ts
}

// WebhookRenderer renders alert events for notify.Webhooks
// (notify.WebhookRenderer), as they are when a delivery is attempted.
type WebhookRenderer struct{ db pg.DBTX }

// NewWebhookRenderer returns a WebhookRenderer reading db.
func NewWebhookRenderer(db pg.DBTX) WebhookRenderer { return WebhookRenderer{db: db} }

// RenderWebhook implements notify.WebhookRenderer: the event of delivery d
// and its alert's staff view.
func (r WebhookRenderer) RenderWebhook(ctx context.Context, d notify.Delivery) (notify.WebhookMessage, error) {
	view, err := NewAlertStore(r.db).EventView(ctx, d.EventID)
	if err != nil {
		return notify.WebhookMessage{}, err
	}
	body, err := newWebhookBody(d.ID, view)
	if err != nil {
		return notify.WebhookMessage{}, fmt.Errorf("encode webhook %d: %w", d.ID, err)
	}
	return notify.WebhookMessage{EventID: view.ID, Body: body}, nil
}

// webhookBody is what a subscriber receives: the event and the alert's
// staff view (summary, link and r8 cell; never a point or personal data).
type webhookBody struct {
	DeliveryID int64          `json:"delivery_id"`
	Event      webhookEvent   `json:"event"`
	Alert      map[string]any `json:"alert"`
}

type webhookEvent struct {
	ID        int64     `json:"id"`
	Kind      EventKind `json:"kind"`
	At        time.Time `json:"at"`
	ActorRole string    `json:"actor_role"`
}

func newWebhookBody(deliveryID int64, v EventView) ([]byte, error) {
	a := v.Alert
	alert := map[string]any{"id": a.ID, "kind": a.Kind, "unit_kind": a.UnitKind, "unit_id": a.UnitID,
		"severity": a.Severity, "summary": a.Summary, "summary_hi": a.SummaryHI, "link": a.Link, "state": a.State,
		"district_id": a.DistrictID, "raised_at": a.RaisedAt, "escalation_level": a.EscalationLevel}
	if a.H3R8 != nil {
		alert["h3_r8"] = strconv.FormatInt(*a.H3R8, 16)
	}
	return json.Marshal(webhookBody{DeliveryID: deliveryID, Alert: alert,
		Event: webhookEvent{ID: v.ID, Kind: v.Kind, At: v.At, ActorRole: v.ActorRole}})
}

var _ notify.WebhookRenderer = WebhookRenderer{}
