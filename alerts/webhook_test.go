package alerts_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// receiver is a webhook endpoint that fails the first failures requests
// and records what it accepted.
type receiver struct {
	mu       sync.Mutex
	failures int
	secret   []byte
	calls    int
	accepted []string // delivery ids
	badSig   int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.failures {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if err := notify.Verify(r.secret, req.Header.Get(notify.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var msg struct {
		Alert map[string]any `json:"alert"`
	}
	if json.Unmarshal(body, &msg) != nil || msg.Alert["summary"] == nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.accepted = append(r.accepted, req.Header.Get(notify.DeliveryHeader))
	w.WriteHeader(http.StatusNoContent)
}

// subscribe points a webhook of unit at rec and returns the secret.
func (b *bundle) subscribe(t *testing.T, unit alerts.Unit, rec *receiver) {
	t.Helper()
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
	_, secret, err := b.svc.CreateSubscription(b.ctx, admin, alerts.NewSubscription{Unit: unit, URL: srv.URL + "/hook"})
	if err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	rec.secret = []byte(secret)
	rec.mu.Unlock()
}

// deliveryJob returns the queued delivery job of the newest delivery.
func (b *bundle) deliveryJob(t *testing.T) (int64, *river.Job[notify.WebhookDeliverArgs]) {
	t.Helper()
	var deliveryID int64
	var maxAttempts int
	err := b.db.QueryRow(b.ctx, `SELECT (args->>'delivery_id')::bigint, max_attempts FROM river_job
		WHERE kind = 'alerts.webhook_deliver' ORDER BY id DESC LIMIT 1`).Scan(&deliveryID, &maxAttempts)
	if err != nil {
		t.Fatalf("no delivery job: %v", err)
	}
	return deliveryID, &river.Job[notify.WebhookDeliverArgs]{JobRow: &rivertype.JobRow{MaxAttempts: maxAttempts},
		Args: notify.WebhookDeliverArgs{DeliveryID: deliveryID}}
}

func (b *bundle) delivery(t *testing.T, id int64) (status string, attempts int) {
	t.Helper()
	if err := b.db.QueryRow(b.ctx, `SELECT status, attempts FROM deliveries WHERE id = $1`, id).Scan(&status, &attempts); err != nil {
		t.Fatal(err)
	}
	return status, attempts
}

func TestWebhookRetriesUntilAccepted(t *testing.T) {
	b := setup(t)
	rec := &receiver{failures: 2}
	b.subscribe(t, alerts.Unit{Kind: alerts.UnitAHTU, ID: 4}, rec)
	if _, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 1, AHTUID: 4, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	id, job := b.deliveryJob(t)
	w := &notify.WebhookDeliverWorker{Webhooks: b.hooks}
	for attempt := 1; attempt <= 3; attempt++ {
		job.Attempt = attempt
		err := w.Work(b.ctx, job)
		if (err != nil) != (attempt < 3) {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if attempt < 3 {
			if status, _ := b.delivery(t, id); status != notify.DeliveryFailed {
				t.Errorf("after failed attempt %d: %s, want failed", attempt, status)
			}
			if next := w.NextRetry(job); next.Before(time.Now()) {
				t.Errorf("no backoff")
			}
		}
	}
	// A duplicate run of the job (River retried after an ambiguous crash)
	// does not send again.
	if err := w.Work(b.ctx, job); err != nil {
		t.Fatal(err)
	}
	if rec.calls != 3 || len(rec.accepted) != 1 || rec.badSig != 0 || rec.accepted[0] == "" {
		t.Errorf("receiver: %d calls, accepted %v, %d bad signatures", rec.calls, rec.accepted, rec.badSig)
	}
	if status, attempts := b.delivery(t, id); status != notify.DeliveryDelivered || attempts != 3 {
		t.Errorf("delivery %s after %d attempts", status, attempts)
	}
	var logLen int
	if err := b.db.QueryRow(b.ctx, `SELECT jsonb_array_length(log) FROM deliveries WHERE id = $1`, id).Scan(&logLen); err != nil || logLen != 3 {
		t.Errorf("delivery log has %d entries (%v), want 3", logLen, err)
	}
}

// A receiver on an internal network the deployment does not allow is never
// contacted, even when its subscription was made while it was allowed (or
// its name now resolves there): the delivery fails with the reason.
func TestWebhookRefusesInternalReceiverAtDelivery(t *testing.T) {
	b := setup(t)
	rec := &receiver{}
	b.subscribe(t, alerts.Unit{Kind: alerts.UnitAHTU, ID: 6}, rec)
	strictHooks := b.webhooks(t, notify.WebhookDeps{Jobs: testkit.Jobs(t, b.db), Keyring: testkit.Keyring(t),
		Logger: slog.New(slog.DiscardHandler)})
	strict := newService(t, b.db, alerts.Deps{Jobs: testkit.Jobs(t, b.db), Webhooks: strictHooks,
		Logger: slog.New(slog.DiscardHandler)})
	if _, err := strict.RaiseLead(b.ctx, alerts.Lead{LeadID: 3, AHTUID: 6, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	id, job := b.deliveryJob(t)
	job.Attempt = 1
	err := (&notify.WebhookDeliverWorker{Webhooks: strictHooks}).Work(b.ctx, job)
	if err == nil || !strings.Contains(err.Error(), "address not allowed") {
		t.Fatalf("delivery to loopback: %v, want refused", err)
	}
	if rec.calls != 0 {
		t.Errorf("receiver called %d times", rec.calls)
	}
	if lastErr := b.lastError(t, id); lastErr != "address not allowed" {
		t.Errorf("delivery log error %q, want the short refusal", lastErr)
	}
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
	_, _, err = strict.CreateSubscription(b.ctx, admin, alerts.NewSubscription{Unit: alerts.Unit{Kind: alerts.UnitAHTU, ID: 6},
		URL: "http://127.0.0.1:9/hook"})
	if !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("subscribing loopback: %v, want invalid", err)
	}
}

func TestWebhookDeadLetterAndResend(t *testing.T) {
	b := setup(t)
	rec := &receiver{failures: 4}
	b.subscribe(t, alerts.Unit{Kind: alerts.UnitAHTU, ID: 5}, rec)
	if _, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 2, AHTUID: 5, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	id, job := b.deliveryJob(t)
	w := &notify.WebhookDeliverWorker{Webhooks: b.hooks}
	for attempt := 1; attempt <= job.MaxAttempts; attempt++ {
		job.Attempt = attempt
		_ = w.Work(b.ctx, job)
	}
	if status, attempts := b.delivery(t, id); status != notify.DeliveryDead || attempts != 4 {
		t.Fatalf("delivery %s after %d attempts, want dead after 4", status, attempts)
	}
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
	dead, err := b.hooks.Deliveries(b.ctx, admin, notify.DeliveryDead, 0, 10)
	if err != nil || len(dead) != 1 || dead[0].ID != id {
		t.Fatalf("dead letters: %+v, %v", dead, err)
	}
	pcr := b.user(t, auth.RolePCR, auth.ScopePCR, 1)
	if _, err := b.hooks.Resend(b.ctx, pcr, id); err == nil {
		t.Errorf("a PCR user re-sent a delivery")
	}
	if _, err := b.hooks.Resend(b.ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'alerts.webhook_deliver' AND state = 'available'`); n != 2 {
		t.Errorf("%d delivery jobs available, want the original and the re-send", n)
	}
	job.Attempt = 1
	if err := w.Work(b.ctx, job); err != nil {
		t.Fatal(err)
	}
	if status, _ := b.delivery(t, id); status != notify.DeliveryDelivered || len(rec.accepted) != 1 {
		t.Errorf("after re-send: %s, accepted %v", status, rec.accepted)
	}
}

// TestWebhookSurvivesWorkerCrash leaves a delivery job "running" as a
// killed process would, then starts a River client: its rescuer hands the
// job back and the delivery is made exactly once.
func TestWebhookSurvivesWorkerCrash(t *testing.T) {
	b := setup(t)
	rec := &receiver{}
	b.subscribe(t, alerts.Unit{Kind: alerts.UnitAHTU, ID: 6}, rec)
	if _, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 3, AHTUID: 6, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	id, _ := b.deliveryJob(t)
	// The dead process had fetched the job (attempt 1) and never finished.
	if _, err := b.db.Exec(b.ctx, `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = now() - interval '1 hour', attempted_by = '{killed-worker}'
		WHERE kind = 'alerts.webhook_deliver'`); err != nil {
		t.Fatal(err)
	}
	if status, _ := b.delivery(t, id); status != notify.DeliveryPending {
		t.Fatalf("delivery %s before rescue, want pending", status)
	}
	workers := river.NewWorkers()
	alerts.AddWorkers(workers, b.svc)
	notify.AddWebhookWorkers(workers, b.hooks)
	client, err := river.NewClient(riverpgxv5.New(b.db), &river.Config{
		Workers: workers, Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		JobTimeout: 20 * time.Second, RescueStuckJobsAfter: 30 * time.Second, FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(b.ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Stop(b.ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if status, _ := b.delivery(t, id); status == notify.DeliveryDelivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stuck delivery was never rescued")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(rec.accepted) != 1 {
		t.Errorf("accepted %v, want one delivery", rec.accepted)
	}
}
