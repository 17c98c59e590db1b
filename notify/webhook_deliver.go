package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
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

// Deliver sends delivery id once and records the attempt. A failed attempt
// is an error (River retries it with backoff); final marks the delivery
// dead instead of failed. A delivered delivery is not sent again.
func (w *Webhooks) Deliver(ctx context.Context, id int64, final bool, nextAt time.Time) error {
	store := NewWebhookStore(w.db)
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
	msg, err := w.renderer.RenderWebhook(ctx, d)
	if err != nil {
		return fmt.Errorf("deliver webhook %d: %w", id, err)
	}
	secret, err := w.keyring.Open(sub.SecretSealed, secretAAD(sub.URL))
	if err != nil {
		return fmt.Errorf("open webhook secret %d: %w", sub.ID, err)
	}
	// A worker whose allow-list is not the recorded one must not send: with
	// a wider list it would reach what the other replicas refuse.
	code, sendErr := 0, w.CheckPolicy(ctx)
	if sendErr != nil && !errors.Is(sendErr, ErrWebhookPolicyMismatch) {
		return fmt.Errorf("deliver webhook %d: %w", id, sendErr)
	}
	if sendErr == nil {
		code, sendErr = w.post(ctx, sub.URL, secret, msg.Body, id, msg.EventID)
	}
	return w.recordAttempt(ctx, store, id, sub.ID, code, sendErr, final, nextAt)
}

// recordAttempt stores the result of an attempt on delivery id to
// subscription subID. A failure is stored and returned (for River) as its
// short reason; the detail is logged.
func (w *Webhooks) recordAttempt(ctx context.Context, store *WebhookStore, id, subID int64, code int, sendErr error,
	final bool, nextAt time.Time) error {
	at := Attempt{At: w.now(), StatusCode: code, Status: DeliveryDelivered}
	if sendErr != nil {
		at.Error, at.Status = failureReason(code, sendErr), DeliveryFailed
		if final {
			at.Status = DeliveryDead
		} else {
			at.NextAt = &nextAt
		}
		w.logger.WarnContext(ctx, "Webhook delivery failed", slog.Int64("delivery_id", id),
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
func (w *Webhooks) post(ctx context.Context, target string, secret, body []byte, deliveryID, eventID int64) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vikalp-Webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, w.clock.Now(), body))
	req.Header.Set(DeliveryHeader, strconv.FormatInt(deliveryID, 10))
	req.Header.Set(EventHeader, strconv.FormatInt(eventID, 10))
	resp, err := w.http.Do(req)
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

// backoff is the delay before retry number attempt (1…): Config.Backoff
// doubling each time, at most an hour.
func (w *Webhooks) backoff(attempt int) time.Duration {
	d := w.cfg.Backoff
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// WebhookDeliverArgs delivers one webhook; inserted with the delivery row.
type WebhookDeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind implements river.JobArgs. The kind keeps the name it had when
// package alerts delivered webhooks: queued jobs store it.
func (WebhookDeliverArgs) Kind() string { return "alerts.webhook_deliver" }

// WebhookDeliverWorker runs WebhookDeliverArgs jobs with exponential
// backoff; the last attempt marks the delivery dead.
type WebhookDeliverWorker struct {
	river.WorkerDefaults[WebhookDeliverArgs]
	Webhooks *Webhooks
}

// Work implements river.Worker.
func (wk *WebhookDeliverWorker) Work(ctx context.Context, job *river.Job[WebhookDeliverArgs]) error {
	return wk.Webhooks.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts, wk.NextRetry(job))
}

// NextRetry implements river.Worker: exponential backoff from
// WebhookConfig.Backoff.
func (wk *WebhookDeliverWorker) NextRetry(job *river.Job[WebhookDeliverArgs]) time.Time {
	return time.Now().Add(wk.Webhooks.backoff(job.Attempt))
}

// Timeout implements river.Worker: one attempt never outlives its request.
func (wk *WebhookDeliverWorker) Timeout(*river.Job[WebhookDeliverArgs]) time.Duration {
	return wk.Webhooks.cfg.Timeout + 5*time.Second
}

// AddWebhookWorkers registers the webhook delivery worker on workers; call
// it in cmd/vikalp (app.Services.Register) with AddWorkers.
func AddWebhookWorkers(workers *river.Workers, w *Webhooks) {
	river.AddWorker(workers, &WebhookDeliverWorker{Webhooks: w})
}
