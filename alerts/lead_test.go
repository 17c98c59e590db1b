package alerts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/leads"
)

// TestLeadAlertFollowsItsLead: a lead's score goes 40 → 90 while its alert
// is open. The rising job must not be swallowed by deduplication: the one
// live alert the AHTU lists says 90, an "updated" event records the change
// and reaches a live console (NOTIFY), and a late job with a lower score
// changes nothing.
func TestLeadAlertFollowsItsLead(t *testing.T) {
	b := setup(t)
	hub := b.startHub(t)
	own := b.user(t, auth.RoleAHTU, auth.ScopeAHTU, 3)
	worker := &alerts.LeadAlertWorker{Service: b.svc}
	work := func(args leads.AlertArgs) {
		t.Helper()
		if err := worker.Work(b.ctx, &river.Job[leads.AlertArgs]{Args: args}); err != nil {
			t.Fatal(err)
		}
	}
	listed := func() alerts.Alert {
		t.Helper()
		list, err := b.svc.List(b.ctx, own, alerts.Filter{Kind: alerts.KindLead})
		if err != nil || len(list) != 1 {
			t.Fatalf("AHTU lists %d lead alerts (%v), want 1", len(list), err)
		}
		return list[0]
	}

	work(leads.AlertArgs{LeadID: 9, AHTUID: 3, Score: 40, Reason: "new"})
	first := listed()
	if first.Score == nil || *first.Score != 40 || !strings.Contains(first.Summary, "score 40") {
		t.Fatalf("new lead alert: score %v, summary %q", first.Score, first.Summary)
	}
	seen := int64(b.count(t, `SELECT max(pos) FROM alert_event_positions`))
	console, err := b.svc.Follow(b.ctx, hub, own, seen)
	if err != nil {
		t.Fatal(err)
	}
	defer console.Close()

	b.clock.Advance(5 * time.Minute)
	work(leads.AlertArgs{LeadID: 9, AHTUID: 3, Score: 90, PreviousScore: 40, Reason: "rising"})
	a := listed()
	if a.ID != first.ID || a.Score == nil || *a.Score != 90 || !strings.Contains(a.Summary, "Rising trafficking lead, score 90 (was 40)") ||
		!strings.Contains(a.SummaryHI, "स्कोर 90") || strings.Contains(a.Summary, "score 40") {
		t.Fatalf("after the rise the AHTU lists alert %d with score %v, %q / %q", a.ID, a.Score, a.Summary, a.SummaryHI)
	}
	if a.State != alerts.StateOpen || a.AckDueAt == nil || !a.AckDueAt.Equal(*first.AckDueAt) {
		t.Errorf("the update changed the lifecycle: %s, due %v (was %v)", a.State, a.AckDueAt, first.AckDueAt)
	}
	e, ok := next(t, console, 5*time.Second)
	if !ok || e.Kind != alerts.EventUpdated || e.AlertID != a.ID || e.Alert.Score == nil || *e.Alert.Score != 90 {
		t.Fatalf("live console got %+v (%v), want the update to 90", e.Event, ok)
	}
	if e.Detail["previous_score"] != 40.0 || e.Detail["score"] != 90.0 || e.ActorRole != "system" {
		t.Errorf("update event detail %v by %s", e.Detail, e.ActorRole)
	}

	work(leads.AlertArgs{LeadID: 9, AHTUID: 3, Score: 70, PreviousScore: 40, Reason: "rising"}) // late
	if a := listed(); *a.Score != 90 {
		t.Errorf("a late job lowered the alert to %v", *a.Score)
	}
	if n := b.count(t, `SELECT count(*) FROM alert_events WHERE alert_id = $1 AND kind = 'updated'`, a.ID); n != 1 {
		t.Errorf("%d update events, want 1", n)
	}

	t.Run("AcknowledgedAlertFollowsToo", func(t *testing.T) {
		if _, err := b.svc.Acknowledge(b.ctx, own, a.ID); err != nil {
			t.Fatal(err)
		}
		work(leads.AlertArgs{LeadID: 9, AHTUID: 3, Score: 95, PreviousScore: 90, Reason: "rising"})
		if got := listed(); got.ID != a.ID || *got.Score != 95 || got.State != alerts.StateAcknowledged {
			t.Errorf("acknowledged alert after a rise: %d, score %v, %s", got.ID, *got.Score, got.State)
		}
	})
	t.Run("ResolvedAlertIsNotReopened", func(t *testing.T) {
		if _, err := b.svc.Resolve(b.ctx, own, a.ID); err != nil {
			t.Fatal(err)
		}
		work(leads.AlertArgs{LeadID: 9, AHTUID: 3, Score: 99, PreviousScore: 95, Reason: "rising"})
		list, err := b.svc.List(b.ctx, own, alerts.Filter{Kind: alerts.KindLead, State: alerts.StateOpen})
		if err != nil || len(list) != 1 || list[0].ID == a.ID || *list[0].Score != 99 {
			t.Errorf("open lead alerts after the resolved one rose: %+v, %v", list, err)
		}
	})
}
