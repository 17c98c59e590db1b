package alerts_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
)

// runEscalations works every escalation job due at the fake clock's time
// as River would (a snoozed job moves to its new time; a finished one is
// removed) and returns how many it ran.
func (b *bundle) runEscalations(t *testing.T) int {
	t.Helper()
	type job struct {
		id   int64
		args alerts.EscalateArgs
	}
	rows, err := b.db.Query(b.ctx, `SELECT id, args FROM river_job WHERE kind = 'alerts.escalate'
		AND state IN ('available', 'scheduled') AND scheduled_at <= $1 ORDER BY scheduled_at, id`, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var jobs []job
	for rows.Next() {
		var j job
		var raw []byte
		if err := rows.Scan(&j.id, &raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &j.args); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		wait, err := b.svc.Escalate(b.ctx, j.args)
		if err != nil {
			t.Fatalf("escalation job %+v: %v", j.args, err)
		}
		if wait > 0 {
			_, err = b.db.Exec(b.ctx, `UPDATE river_job SET scheduled_at = $2 WHERE id = $1`, j.id, b.clock.Now().Add(wait))
		} else {
			_, err = b.db.Exec(b.ctx, `DELETE FROM river_job WHERE id = $1`, j.id)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return len(jobs)
}

// sees reports whether p may see alert id: list it, open it and (when not)
// get a 404 for it, never a 403. The SQL visibility and the hub's
// Visibility.Allows must agree.
func (b *bundle) sees(t *testing.T, p auth.Principal, id int64) bool {
	t.Helper()
	list, err := b.svc.List(b.ctx, p, alerts.Filter{})
	if err != nil {
		t.Fatalf("list as %s: %v", p.Role, err)
	}
	listed := slices.ContainsFunc(list, func(a alerts.Alert) bool { return a.ID == id })
	a, _, err := b.svc.Get(b.ctx, p, id)
	if err != nil && !errors.Is(err, vikalp.ErrNotFound) {
		t.Fatalf("get as %s: %v, want the alert or not found", p.Role, err)
	}
	if opened := err == nil; opened != listed {
		t.Fatalf("%s lists alert %d: %v, opens it: %v", p.Role, id, listed, opened)
	}
	if !listed {
		if _, err := b.svc.Acknowledge(b.ctx, p, id); !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("ack by %s who may not see it: %v, want not found", p.Role, err)
		}
		return false
	}
	v, _ := alerts.VisibilityFor(p)
	if !v.Allows(a) {
		t.Fatalf("%s sees alert %d in the database but the hub would not stream it", p.Role, id)
	}
	return true
}

// outboxSMS is one queued escalation page as the gateway will address it.
type outboxSMS struct {
	ToKind, ToRole, Template, Body string
	DistrictID                     *int
}

func (m outboxSMS) String() string {
	d := 0
	if m.DistrictID != nil {
		d = *m.DistrictID
	}
	return fmt.Sprintf("%s:%d:%s %s", m.ToKind, d, m.ToRole, m.Template)
}

// pages returns the escalation SMS queued so far, oldest first.
func (b *bundle) pages(t *testing.T) []outboxSMS {
	t.Helper()
	rows, err := b.db.Query(b.ctx, `SELECT to_kind, to_role, district_id, template, body FROM sms_outbox
		WHERE template LIKE 'alert.%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxSMS
	for rows.Next() {
		var m outboxSMS
		if err := rows.Scan(&m.ToKind, &m.ToRole, &m.DistrictID, &m.Template, &m.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEscalationLadder follows an unacknowledged "happening now" alert up
// the PCR policy with the fake clock: PCR unit → district control room →
// SP → MSP, then MSP again every 10 minutes. At each level it checks who
// may see and acknowledge the alert (everyone reached so far; the nodal
// officer, who is not on the ladder, never) and which SMS were queued.
// Acknowledging stops the ladder.
func TestEscalationLadder(t *testing.T) {
	b := setup(t)
	a, args := b.raiseReport(t, lucknow[0], lucknow[1])
	d := int64(args.DistrictID)
	people := []struct {
		name string
		p    auth.Principal
		from int // the first escalation level at which they see the alert; -1 never
	}{
		{"PCRUnit", b.user(t, auth.RolePCR, auth.ScopePCR, a.UnitID), 0},
		{"ControlRoom", b.user(t, auth.RolePCR, auth.ScopeDistrict, d), 1},
		{"SP", b.user(t, auth.RoleSP, auth.ScopeDistrict, d), 2},
		{"MSPAnalyst", b.user(t, auth.RoleMSPAnalyst, auth.ScopeState, 0), 3},
		{"MSPLegal", b.user(t, auth.RoleMSPLegal, auth.ScopeState, 0), 3},
		{"Nodal", b.user(t, auth.RoleNodal, auth.ScopeDistrict, d), -1},
		{"OtherPCRUnit", b.user(t, auth.RolePCR, auth.ScopePCR, a.UnitID+1), -1},
		{"OtherControlRoom", b.user(t, auth.RolePCR, auth.ScopeDistrict, d+1), -1},
		{"OtherSP", b.user(t, auth.RoleSP, auth.ScopeDistrict, d+1), -1},
		{"AHTUInCharge", b.user(t, auth.RoleAHTU, auth.ScopeState, 0), -1},
	}
	check := func(t *testing.T, level int) {
		t.Helper()
		for _, who := range people {
			want := who.from >= 0 && level >= who.from
			if got := b.sees(t, who.p, a.ID); got != want {
				t.Errorf("level %d: %s sees the alert: %v, want %v", level, who.name, got, want)
			}
		}
	}
	wantPages := []string{
		fmt.Sprintf("district_control_room:%d: alert.escalated", d),
		fmt.Sprintf("district_officers:%d:sp alert.escalated", d),
		fmt.Sprintf("msp:%d: alert.escalated", d),
		fmt.Sprintf("msp:%d: alert.escalated.repeat", d),
		fmt.Sprintf("msp:%d: alert.escalated.repeat", d),
	}

	check(t, 0)
	b.clock.Advance(9 * time.Minute)
	if b.runEscalations(t); len(b.pages(t)) != 0 {
		t.Fatalf("paged before the deadline: %v", b.pages(t))
	}
	check(t, 0)
	b.clock.Advance(time.Minute)
	for level := 1; level <= len(wantPages); level++ {
		if n := b.runEscalations(t); n != 1 {
			t.Fatalf("level %d: %d escalation jobs due, want 1", level, n)
		}
		check(t, level)
		pages := b.pages(t)
		if len(pages) != level || pages[level-1].String() != wantPages[level-1] {
			t.Fatalf("level %d: pages %v, want %v", level, pages, wantPages[:level])
		}
		body := pages[level-1].Body
		for _, want := range []string{fmt.Sprintf("alert %d ", a.ID), a.Place, "happening-now report", "Vikalp console"} {
			if !strings.Contains(body, want) {
				t.Errorf("page %q lacks %q", body, want)
			}
		}
		if strings.Contains(strings.ToLower(body), "stalk") {
			t.Errorf("page %q names the category", body)
		}
		got, _, err := b.svc.Get(b.ctx, people[0].p, a.ID)
		if err != nil || got.EscalationLevel != level || got.State != alerts.StateOpen ||
			!got.AckDueAt.Equal(b.clock.Now().UTC().Add(10*time.Minute)) {
			t.Fatalf("level %d: alert %+v, %v", level, got, err)
		}
		b.clock.Advance(10 * time.Minute)
	}

	if _, err := b.svc.Acknowledge(b.ctx, people[3].p, a.ID); err != nil { // the MSP analyst
		t.Fatalf("MSP ack: %v", err)
	}
	for range 3 {
		b.runEscalations(t)
		b.clock.Advance(10 * time.Minute)
	}
	if pages := b.pages(t); len(pages) != len(wantPages) {
		t.Errorf("paged after the acknowledgement: %v", pages[len(wantPages):])
	}
	if n := b.count(t, `SELECT count(*) FROM alert_events WHERE alert_id = $1 AND kind = 'escalated'`, a.ID); n != len(wantPages) {
		t.Errorf("%d escalation events, want %d", n, len(wantPages))
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'alerts.escalate'`); n != 0 {
		t.Errorf("%d escalation jobs left after the acknowledgement", n)
	}
}

// TestEscalationStopsWhenAcknowledged: the control room acknowledges at
// level 1; nobody further up is paged or sees the alert, however long it
// stays unresolved.
func TestEscalationStopsWhenAcknowledged(t *testing.T) {
	b := setup(t)
	a, args := b.raiseReport(t, lucknow[0], lucknow[1])
	room := b.user(t, auth.RolePCR, auth.ScopeDistrict, int64(args.DistrictID))
	sp := b.user(t, auth.RoleSP, auth.ScopeDistrict, int64(args.DistrictID))
	b.clock.Advance(10 * time.Minute)
	b.runEscalations(t)
	acked, err := b.svc.Acknowledge(b.ctx, room, a.ID)
	if err != nil || acked.State != alerts.StateAcknowledged {
		t.Fatalf("control room ack: %+v, %v", acked, err)
	}
	for range 6 {
		b.clock.Advance(10 * time.Minute)
		b.runEscalations(t)
	}
	if pages := b.pages(t); len(pages) != 1 {
		t.Errorf("pages %v, want only the control room's", pages)
	}
	if b.sees(t, sp, a.ID) {
		t.Errorf("the SP sees an alert acknowledged before it reached them")
	}
	if _, err := b.svc.Resolve(b.ctx, room, a.ID); err != nil {
		t.Errorf("control room resolve: %v", err)
	}
}

// TestEscalationAHTU follows a lead alert: AHTU → AHTU in-charge after an
// hour, then the in-charge again every hour. Another AHTU never sees it.
func TestEscalationAHTU(t *testing.T) {
	b := setup(t)
	l, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 5, AHTUID: 2, Score: 90, Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}
	own := b.user(t, auth.RoleAHTU, auth.ScopeAHTU, 2)
	other := b.user(t, auth.RoleAHTU, auth.ScopeAHTU, 3)
	chief := b.user(t, auth.RoleAHTU, auth.ScopeState, 0)
	msp := b.user(t, auth.RoleMSPAnalyst, auth.ScopeState, 0)
	b.clock.Advance(59 * time.Minute)
	b.runEscalations(t)
	if b.sees(t, chief, l.ID) {
		t.Fatal("the in-charge sees the lead alert before its hour")
	}
	b.clock.Advance(time.Minute)
	b.runEscalations(t)
	if !b.sees(t, chief, l.ID) || !b.sees(t, own, l.ID) || b.sees(t, other, l.ID) || b.sees(t, msp, l.ID) {
		t.Error("after an hour the AHTU and the in-charge see the lead alert, and nobody else")
	}
	b.clock.Advance(time.Hour)
	b.runEscalations(t)
	var got []string
	for _, p := range b.pages(t) {
		got = append(got, p.String())
	}
	want := []string{"ahtu_incharge:0: alert.escalated", "ahtu_incharge:0: alert.escalated.repeat"}
	if !slices.Equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
	if _, err := b.svc.Acknowledge(b.ctx, chief, l.ID); err != nil {
		t.Errorf("in-charge ack: %v", err)
	}
}

// TestEscalationConfig: the timings and the policy come from Config.
func TestEscalationConfig(t *testing.T) {
	b := setup(t)
	b.svc = newService(t, b.db, alerts.Deps{Jobs: b.jobs, Webhooks: b.hooks, Clock: b.clock, Logger: b.quiet,
		Config: alerts.Config{PCRAckTimeout: 3 * time.Minute,
			PCRPolicy: alerts.EscalationPolicy{{Kind: alerts.UnitPCR}, {Kind: alerts.UnitMSP, AckWithin: time.Minute}}}})
	a, args := b.raiseReport(t, lucknow[0], lucknow[1])
	if a.AckDueAt.Sub(a.RaisedAt) != 3*time.Minute {
		t.Fatalf("first deadline after %v, want 3m", a.AckDueAt.Sub(a.RaisedAt))
	}
	room := b.user(t, auth.RolePCR, auth.ScopeDistrict, int64(args.DistrictID))
	msp := b.user(t, auth.RoleMSPAnalyst, auth.ScopeState, 0)
	b.clock.Advance(3 * time.Minute)
	b.runEscalations(t)
	if b.sees(t, room, a.ID) || !b.sees(t, msp, a.ID) {
		t.Error("a policy without the control room goes straight to MSP")
	}
	b.clock.Advance(time.Minute)
	b.runEscalations(t)
	if pages := b.pages(t); len(pages) != 2 || pages[1].Template != alerts.TemplateEscalationRepeat {
		t.Errorf("pages %v, want MSP twice, a minute apart", pages)
	}
}
