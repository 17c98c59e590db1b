package alerts_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// Finding "Webhook changes unaudited": every create, update, delete and
// re-send is in the audit log with the administrator who made it, and a
// description is cleaned like any free text.
func TestWebhookChangesAreAudited(t *testing.T) {
	b := setup(t)
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
	rec := &receiver{failures: 100}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	unit := alerts.Unit{Kind: alerts.UnitAHTU, ID: 7}
	sub, _, err := b.svc.CreateSubscription(b.ctx, admin, alerts.NewSubscription{Unit: unit, URL: srv.URL + "/hook",
		Description: "AHTU\u0000 desk \u202Eksed"})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Description != "AHTU desk ksed" {
		t.Errorf("description stored as %q", sub.Description)
	}
	desc := "night\u0000 desk"
	if sub, err = b.hooks.SetSubscription(b.ctx, admin, sub.ID, false, &desc); err != nil || sub.Description != "night desk" || sub.Active {
		t.Fatalf("update: %+v, %v", sub, err)
	}
	if _, err := b.hooks.SetSubscription(b.ctx, admin, sub.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 7, AHTUID: 7, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	deliveryID, _ := b.deliveryJob(t)
	if _, err := b.hooks.Resend(b.ctx, admin, deliveryID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.hooks.DeleteSubscription(b.ctx, admin, sub.ID); err != nil {
		t.Fatal(err)
	}
	pcr := b.user(t, auth.RolePCR, auth.ScopePCR, 1)
	if _, err := b.hooks.DeleteSubscription(b.ctx, pcr, sub.ID); err == nil {
		t.Errorf("a PCR user deleted a webhook")
	}
	for action, want := range map[string]int{"webhook.created": 1, "webhook.updated": 2, "webhook.deleted": 1, "webhook.resend": 1} {
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_user_id = $2
			AND object_id IN ($3, $4)`, action, admin.UserID, sub.ID, deliveryID); n != want {
			t.Errorf("%d %s audit entries by the admin, want %d", n, action, want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE actor_user_id = $1`, pcr.UserID); n != 0 {
		t.Errorf("a refused change was audited %d times", n)
	}
}

// Finding "delivery errors shown to admins contain Go error text and the
// internal DNS server's address": deliveries keep a short reason; the
// detail is logged, without the receiver's URL.
func TestWebhookDeliveryErrorsShowAShortReason(t *testing.T) {
	closed := closedPort(t)
	for _, tc := range []struct {
		name, url, want string
		dial            func(ctx context.Context, network, addr string) (net.Conn, error)
	}{
		{name: "HostNotFound", url: "http://receiver.example/hook?token=s3cret", want: "host not found",
			dial: func(context.Context, string, string) (net.Conn, error) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host",
					Name: "receiver.example", Server: "10.0.0.2:53", IsNotFound: true}}
			}},
		{name: "DNSTimeout", url: "http://receiver.example/hook", want: "timeout",
			dial: func(context.Context, string, string) (net.Conn, error) {
				return nil, &net.DNSError{Err: "i/o timeout", Name: "receiver.example", Server: "10.0.0.2:53", IsTimeout: true}
			}},
		{name: "ConnectionRefused", url: "http://" + closed + "/hook", want: "connection refused"},
		{name: "ReceiverError", url: "", want: "HTTP 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := setup(t)
			var logs strings.Builder
			client := &http.Client{Timeout: 5 * time.Second}
			if tc.dial != nil {
				client.Transport = &http.Transport{DialContext: tc.dial}
			}
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			svcHooks := b.webhooks(t, notify.WebhookDeps{Jobs: testkit.Jobs(t, b.db), Keyring: testkit.Keyring(t),
				Logger: logger, HTTP: client,
				Config: notify.WebhookConfig{AllowNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
			svc := newService(t, b.db, alerts.Deps{Jobs: testkit.Jobs(t, b.db), Webhooks: svcHooks, Logger: logger})
			url := tc.url
			if url == "" {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					http.Error(w, "panic: runtime error at 10.1.2.3", http.StatusInternalServerError)
				}))
				t.Cleanup(srv.Close)
				url = srv.URL
			}
			admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
			if _, _, err := svc.CreateSubscription(b.ctx, admin, alerts.NewSubscription{
				Unit: alerts.Unit{Kind: alerts.UnitAHTU, ID: 8}, URL: url}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 8, AHTUID: 8, Score: 60, Reason: "new"}); err != nil {
				t.Fatal(err)
			}
			id, job := b.deliveryJob(t)
			job.Attempt = 1
			err := (&notify.WebhookDeliverWorker{Webhooks: svcHooks}).Work(b.ctx, job)
			if err == nil || strings.Contains(err.Error(), "10.0.0.2") {
				t.Errorf("worker error %v, want a failure without the resolver", err)
			}
			if got := b.lastError(t, id); got != tc.want {
				t.Errorf("last_error %q, want %q", got, tc.want)
			}
			deliveries, err := svcHooks.Deliveries(b.ctx, admin, "", 0, 10)
			if err != nil || len(deliveries) != 1 {
				t.Fatalf("deliveries: %v, %v", deliveries, err)
			}
			for _, entry := range deliveries[0].Log {
				if entry["error"] != tc.want {
					t.Errorf("attempt log shows %q, want %q", entry["error"], tc.want)
				}
			}
			if !strings.Contains(logs.String(), "Webhook delivery failed") || strings.Contains(logs.String(), "s3cret") {
				t.Errorf("log lacks the failure or shows the URL's token:\n%s", logs.String())
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatal(err)
	}
	return addr
}

// lastError returns delivery id's last_error.
func (b *bundle) lastError(t *testing.T, id int64) string {
	t.Helper()
	var s string
	if err := b.db.QueryRow(b.ctx, `SELECT last_error FROM deliveries WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
