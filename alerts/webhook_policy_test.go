package alerts_test

import (
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// Finding "Replicas with different webhook allow-lists defeat the SSRF
// guard": the first worker records its allow-list; a worker with another
// list is refused at start-up (notify.Webhooks.CheckPolicy) and never delivers,
// until an operator records the new list, after which the old one stops.
func TestReplicasWithDifferentWebhookAllowListsAreRefused(t *testing.T) {
	b := setup(t)
	replica := func(nets ...string) *notify.Webhooks {
		var allow []netip.Prefix
		for _, n := range nets {
			allow = append(allow, netip.MustParsePrefix(n))
		}
		return b.webhooks(t, notify.WebhookDeps{Jobs: testkit.Jobs(t, b.db), Keyring: testkit.Keyring(t),
			Logger: slog.New(slog.DiscardHandler), Config: notify.WebhookConfig{AllowNets: allow}})
	}
	strict := replica("10.20.0.0/16")
	if err := strict.CheckPolicy(b.ctx); err != nil {
		t.Fatalf("first worker: %v", err)
	}
	// The same list spelled differently is the same policy.
	if err := replica("10.20.5.0/16", "10.20.0.0/16").CheckPolicy(b.ctx); err != nil {
		t.Errorf("same list, other spelling: %v", err)
	}
	wide := replica("10.20.0.0/16", "127.0.0.0/8")
	err := wide.CheckPolicy(b.ctx)
	if !errors.Is(err, notify.ErrWebhookPolicyMismatch) || !strings.Contains(err.Error(), `"10.20.0.0/16"`) ||
		!strings.Contains(err.Error(), `"10.20.0.0/16,127.0.0.0/8"`) {
		t.Fatalf("wider worker: %v, want a mismatch naming both lists", err)
	}

	// A wider worker that runs anyway delivers nothing to loopback, which
	// the recorded policy refuses.
	rec := &receiver{}
	b.subscribe(t, alerts.Unit{Kind: alerts.UnitAHTU, ID: 9}, rec)
	if _, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 9, AHTUID: 9, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	id, job := b.deliveryJob(t)
	job.Attempt = 1
	if err := (&notify.WebhookDeliverWorker{Webhooks: wide}).Work(b.ctx, job); err == nil {
		t.Fatal("the wider worker delivered")
	}
	if rec.calls != 0 {
		t.Errorf("receiver called %d times by the wider worker", rec.calls)
	}
	if got := b.lastError(t, id); got != "webhook policy differs between replicas" {
		t.Errorf("last_error %q", got)
	}

	// The operator records the new list: the wider worker delivers, the
	// stale strict one is refused.
	if _, err := wide.RecordPolicy(b.ctx); err != nil {
		t.Fatal(err)
	}
	if err := strict.CheckPolicy(b.ctx); !errors.Is(err, notify.ErrWebhookPolicyMismatch) {
		t.Errorf("stale worker after the change: %v", err)
	}
	job.Attempt = 2
	if err := (&notify.WebhookDeliverWorker{Webhooks: wide}).Work(b.ctx, job); err != nil {
		t.Fatalf("delivery under the recorded list: %v", err)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'webhook.policy_recorded'`); n != 2 {
		t.Errorf("%d policy audit entries, want the first recording and the change", n)
	}
}
