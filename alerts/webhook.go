package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
)

// Webhook headers. SignatureHeader is "t=<unix seconds>,v1=<hex HMAC-SHA256
// of "<t>.<body>" under the subscription secret>"; receivers recompute it
// and refuse timestamps older than a few minutes (replay protection).
// DeliveryHeader lets a receiver drop a repeated delivery.
const (
	SignatureHeader = "X-Vikalp-Signature"
	DeliveryHeader  = "X-Vikalp-Delivery"
	EventHeader     = "X-Vikalp-Event"
)

// Sign returns the SignatureHeader value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a SignatureHeader value against body at time now, refusing
// signatures older (or newer) than tolerance. Receivers may copy it.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("malformed signature header")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signature timestamp outside tolerance")
	}
	want := Sign(secret, time.Unix(unix, 0), body)
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig)) {
		return fmt.Errorf("signature mismatch")
	}
	return nil
}

// secretAAD binds a sealed secret to its subscription's URL.
func secretAAD(u string) []byte { return []byte("webhook_secret:" + u) }

// NewSubscription is an admin's request to subscribe a unit.
type NewSubscription struct {
	Unit        Unit
	URL         string
	Description string
}

// CreateSubscription subscribes a unit's endpoint and returns the
// subscription with its signing secret, shown this once. Admins only.
func (s *Service) CreateSubscription(ctx context.Context, p auth.Principal, in NewSubscription) (Subscription, string, error) {
	if !p.Has(auth.RoleAdmin) {
		return Subscription{}, "", vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	if !in.Unit.Kind.Valid() || in.Unit.ID < 0 {
		return Subscription{}, "", vikalp.InvalidField("unit_kind", "bad_unit", "unknown unit kind")
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(in.URL) > 500 {
		return Subscription{}, "", vikalp.InvalidField("url", "bad_url", "the URL must be an absolute http(s) URL without credentials")
	}
	if err := s.guard.CheckHost(u.Hostname()); err != nil {
		return Subscription{}, "", vikalp.InvalidField("url", "internal_address",
			"the URL points at an internal address; allow its network with VIKALP_WEBHOOK_ALLOW_NETS if the receiver really is there")
	}
	description, err := text.Field("description", in.Description, maxDescription)
	if err != nil {
		return Subscription{}, "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Subscription{}, "", fmt.Errorf("generate webhook secret: %w", err)
	}
	secret := "whsec_" + hex.EncodeToString(raw[:])
	sealed, err := s.keyring.Seal([]byte(secret), secretAAD(in.URL))
	if err != nil {
		return Subscription{}, "", fmt.Errorf("seal webhook secret: %w", err)
	}
	by := p.UserID
	var sub Subscription
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		sub, err = NewWebhookStore(tx).InsertSubscription(ctx, Subscription{UnitKind: in.Unit.Kind, UnitID: in.Unit.ID,
			URL: in.URL, SecretSealed: sealed, Description: description, CreatedBy: &by, CreatedAt: s.now()})
		if err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "webhook.created", "webhook_subscription", sub.ID,
			map[string]any{"unit_kind": in.Unit.Kind, "unit_id": in.Unit.ID, "host": u.Hostname()}))
		return err
	})
	if err != nil {
		return Subscription{}, "", err
	}
	return sub, secret, nil
}

// Subscriptions lists every webhook subscription. Admins only.
func (s *Service) Subscriptions(ctx context.Context, p auth.Principal) ([]Subscription, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	return NewWebhookStore(s.db).Subscriptions(ctx)
}

// maxDescription bounds a subscription's description (characters).
const maxDescription = 200

// SetSubscription turns subscription id on or off and, unless description
// is nil, sets its description; audited as "webhook.updated". Admins only.
func (s *Service) SetSubscription(ctx context.Context, p auth.Principal, id int64, active bool, description *string) (Subscription, error) {
	if description != nil {
		d, err := text.Field("description", *description, maxDescription)
		if err != nil {
			return Subscription{}, err
		}
		description = &d
	}
	return s.changeSubscription(ctx, p, id, active, description, "webhook.updated")
}

// DeleteSubscription deactivates subscription id (its deliveries keep it);
// audited as "webhook.deleted". Admins only.
func (s *Service) DeleteSubscription(ctx context.Context, p auth.Principal, id int64) (Subscription, error) {
	return s.changeSubscription(ctx, p, id, false, nil, "webhook.deleted")
}

// changeSubscription stores a change to subscription id and its audit entry
// (action) in one transaction.
func (s *Service) changeSubscription(ctx context.Context, p auth.Principal, id int64, active bool, description *string,
	action string) (Subscription, error) {
	if !p.Has(auth.RoleAdmin) {
		return Subscription{}, vikalp.Forbiddenf("only an administrator manages webhooks")
	}
	var sub Subscription
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if sub, err = NewWebhookStore(tx).SetSubscription(ctx, id, active, description, s.now()); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, action, "webhook_subscription", id,
			map[string]any{"active": active, "description_changed": description != nil}))
		return err
	})
	return sub, err
}

// Deliveries lists webhook deliveries, dead letters included. Admins only.
func (s *Service) Deliveries(ctx context.Context, p auth.Principal, status string, beforeID int64, limit int) ([]Delivery, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator sees deliveries")
	}
	return NewWebhookStore(s.db).Deliveries(ctx, status, beforeID, limit)
}

// Resend makes delivery id pending again and queues a new delivery job,
// whatever its status was. Admins only.
func (s *Service) Resend(ctx context.Context, p auth.Principal, id int64) (Delivery, error) {
	if !p.Has(auth.RoleAdmin) {
		return Delivery{}, vikalp.Forbiddenf("only an administrator re-sends deliveries")
	}
	var d Delivery
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if d, err = NewWebhookStore(tx).Reset(ctx, id, s.now(), p.UserID); err != nil {
			return err
		}
		if _, err = auth.Append(ctx, tx, auth.EntryBy(p, "webhook.resend", "delivery", id, nil)); err != nil {
			return err
		}
		return s.insertDeliveryJob(ctx, tx, id)
	})
	return d, err
}

// queueDeliveries creates, in tx, the deliveries of event eventID of alert a
// and their River jobs.
func (s *Service) queueDeliveries(ctx context.Context, tx pgx.Tx, a Alert, eventID int64) error {
	ids, err := NewWebhookStore(tx).QueueDeliveries(ctx, a, eventID, s.now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.insertDeliveryJob(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) insertDeliveryJob(ctx context.Context, tx pgx.Tx, id int64) error {
	opts := &river.InsertOpts{MaxAttempts: s.cfg.WebhookMaxAttempts}
	if _, err := s.jobs.InsertTx(ctx, tx, WebhookDeliverArgs{DeliveryID: id}, opts); err != nil {
		return fmt.Errorf("schedule webhook delivery: %w", err)
	}
	return nil
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

// Deliver sends delivery id once and records the attempt. A failed attempt
// is an error (River retries it with backoff); final marks the delivery
// dead instead of failed. A delivered delivery is not sent again.
func (s *Service) Deliver(ctx context.Context, id int64, final bool, nextAt time.Time) error {
	store := NewWebhookStore(s.db)
	d, err := store.Delivery(ctx, id)
	if err != nil {
		return fmt.Errorf("deliver webhook %d: %w", id, err)
	}
	if d.Status == DeliveryDelivered {
		return nil
	}
	sub, err := store.Subscription(ctx, d.SubscriptionID)
	if err != nil {
		return fmt.Errorf("deliver webhook %d: %w", id, err)
	}
	view, err := store.EventView(ctx, d.EventID)
	if err != nil {
		return fmt.Errorf("deliver webhook %d: %w", id, err)
	}
	secret, err := s.keyring.Open(sub.SecretSealed, secretAAD(sub.URL))
	if err != nil {
		return fmt.Errorf("open webhook secret %d: %w", sub.ID, err)
	}
	body, err := newWebhookBody(id, view)
	if err != nil {
		return fmt.Errorf("encode webhook %d: %w", id, err)
	}
	// A worker whose allow-list is not the recorded one must not send: with
	// a wider list it would reach what the other replicas refuse.
	code, sendErr := 0, s.CheckWebhookPolicy(ctx)
	if sendErr != nil && !errors.Is(sendErr, ErrPolicyMismatch) {
		return fmt.Errorf("deliver webhook %d: %w", id, sendErr)
	}
	if sendErr == nil {
		code, sendErr = s.post(ctx, sub.URL, secret, body, id, view.ID)
	}
	return s.recordAttempt(ctx, store, id, sub.ID, code, sendErr, final, nextAt)
}

// recordAttempt stores the result of an attempt on delivery id to
// subscription subID. A failure is stored and returned (for River) as its
// short reason; the detail is logged.
func (s *Service) recordAttempt(ctx context.Context, store *WebhookStore, id, subID int64, code int, sendErr error,
	final bool, nextAt time.Time) error {
	at := Attempt{At: s.now(), StatusCode: code, Status: DeliveryDelivered}
	if sendErr != nil {
		at.Error, at.Status = failureReason(code, sendErr), DeliveryFailed
		if final {
			at.Status = DeliveryDead
		} else {
			at.NextAt = &nextAt
		}
		s.logger.WarnContext(ctx, "Webhook delivery failed", slog.Int64("delivery_id", id),
			slog.Int64("subscription_id", subID), slog.String("reason", at.Error), slog.String("error", failureDetail(sendErr)))
	}
	if err := store.RecordAttempt(ctx, id, at); err != nil {
		return err
	}
	if sendErr != nil {
		return fmt.Errorf("deliver webhook %d: %s", id, at.Error)
	}
	return nil
}

// post sends one signed request and returns the response status code.
func (s *Service) post(ctx context.Context, target string, secret, body []byte, deliveryID, eventID int64) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vikalp-Webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, s.clock.Now(), body))
	req.Header.Set(DeliveryHeader, strconv.FormatInt(deliveryID, 10))
	req.Header.Set(EventHeader, strconv.FormatInt(eventID, 10))
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// backoff is the delay before retry number attempt (1…): WebhookBackoff
// doubling each time, at most an hour.
func (s *Service) backoff(attempt int) time.Duration {
	d := s.cfg.WebhookBackoff
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// WebhookDeliverArgs delivers one webhook; inserted with the delivery row.
type WebhookDeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (WebhookDeliverArgs) Kind() string { return "alerts.webhook_deliver" }

// WebhookDeliverWorker runs WebhookDeliverArgs jobs with exponential
// backoff; the last attempt marks the delivery dead.
type WebhookDeliverWorker struct {
	river.WorkerDefaults[WebhookDeliverArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *WebhookDeliverWorker) Work(ctx context.Context, job *river.Job[WebhookDeliverArgs]) error {
	return w.Service.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts, w.NextRetry(job))
}

// NextRetry implements river.Worker: exponential backoff from
// Config.WebhookBackoff.
func (w *WebhookDeliverWorker) NextRetry(job *river.Job[WebhookDeliverArgs]) time.Time {
	return time.Now().Add(w.Service.backoff(job.Attempt))
}

// Timeout implements river.Worker: one attempt never outlives its request.
func (w *WebhookDeliverWorker) Timeout(*river.Job[WebhookDeliverArgs]) time.Duration {
	return w.Service.cfg.WebhookTimeout + 5*time.Second
}
