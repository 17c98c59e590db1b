package cases_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/notify"
)

// rung runs one SLA rung through its worker, as River would.
func (b *bundle) rung(t *testing.T, id int64, due time.Time, rung int) error {
	t.Helper()
	w := &cases.SLACheckWorker{Service: b.svc}
	return w.Work(b.ctx, &river.Job[cases.SLACheckArgs]{JobRow: &rivertype.JobRow{},
		Args: cases.SLACheckArgs{ComplaintID: id, DueAt: due, Rung: rung}})
}

func (b *bundle) slaEvents(t *testing.T, id int64) []string {
	t.Helper()
	var out []string
	for _, k := range b.eventKinds(t, id, true) {
		if len(k) > 4 && k[:4] == "sla_" {
			out = append(out, k)
		}
	}
	return out
}

func (b *bundle) smsRoles(t *testing.T, id int64, template string) int {
	t.Helper()
	return b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND template = $2`, id, template)
}

// sweep runs the SLA sweep, as the periodic job would.
func (b *bundle) sweep(t *testing.T) {
	t.Helper()
	w := &cases.SLASweepWorker{Service: b.svc}
	if err := w.Work(b.ctx, &river.Job[cases.SLASweepArgs]{JobRow: &rivertype.JobRow{}}); err != nil {
		t.Fatal(err)
	}
}

func TestSLALadder(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	due := f.ATRDueAt

	// A rung job of an earlier version that runs early snoozes until its time.
	b.clock.Set(due.Add(-time.Hour))
	var snooze *river.JobSnoozeError
	if err := b.rung(t, f.ID, due, cases.RungNodal); !errors.As(err, &snooze) || snooze.Duration != time.Hour {
		t.Fatalf("early rung: %v; want a one-hour snooze", err)
	}
	// The sweep fires each rung once, at its time.
	for _, step := range []struct {
		at   time.Duration
		want []string
	}{
		{-time.Second, nil},
		{0, []string{cases.EventSLANodal}},
		{time.Minute, []string{cases.EventSLANodal}}, // swept again: nothing twice
		{12*time.Hour - time.Second, []string{cases.EventSLANodal}},
		{12 * time.Hour, []string{cases.EventSLANodal, cases.EventSLASP}},
		{24 * time.Hour, []string{cases.EventSLANodal, cases.EventSLASP, cases.EventSLAMSP}},
		{48 * time.Hour, []string{cases.EventSLANodal, cases.EventSLASP, cases.EventSLAMSP}},
	} {
		b.clock.Set(due.Add(step.at))
		b.sweep(t)
		if got := b.slaEvents(t, f.ID); !slices.Equal(got, step.want) {
			t.Fatalf("deadline %+v: ladder events %v; want %v", step.at, got, step.want)
		}
	}
	if n := b.smsRoles(t, f.ID, cases.TemplateSLANodal); n != 1 {
		t.Fatalf("%d SMS to the nodal officer; want 1", n)
	}
	// A rung job of an earlier version after the sweep fired it does nothing.
	if err := b.rung(t, f.ID, due, cases.RungNodal); err != nil {
		t.Fatal(err)
	}
	if n := b.smsRoles(t, f.ID, cases.TemplateSLANodal); n != 1 {
		t.Fatalf("%d SMS to the nodal officer after a late rung job; want 1", n)
	}
	var spRole, mspKind string
	if err := b.db.QueryRow(b.ctx, `SELECT to_role FROM sms_outbox WHERE complaint_id = $1 AND template = $2`, f.ID, cases.TemplateSLASP).Scan(&spRole); err != nil || spRole != "sp" {
		t.Fatalf("SP rung SMS role %q, %v", spRole, err)
	}
	if err := b.db.QueryRow(b.ctx, `SELECT to_kind FROM sms_outbox WHERE complaint_id = $1 AND template = $2`, f.ID, cases.TemplateSLAMSP).Scan(&mspKind); err != nil || mspKind != notify.ToMSP {
		t.Fatalf("MSP rung SMS to %q, %v", mspKind, err)
	}
	// Dashboards see the overdue case.
	d, err := b.svc.Dashboard(b.ctx, b.analyst)
	if err != nil || d.Overdue != 1 || d.SLAMissed != 1 {
		t.Fatalf("dashboard overdue %d missed %d, %v", d.Overdue, d.SLAMissed, err)
	}
}

// TestSLASweepAfterOutage: a sweep that comes long after every rung's time
// still alerts every level, in order.
func TestSLASweepAfterOutage(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.clock.Set(f.ATRDueAt.Add(72 * time.Hour))
	b.sweep(t)
	want := []string{cases.EventSLANodal, cases.EventSLASP, cases.EventSLAMSP}
	if got := b.slaEvents(t, f.ID); !slices.Equal(got, want) {
		t.Fatalf("ladder events after an outage %v; want %v", got, want)
	}
}

func TestSLANoOpWhenATRInTime(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.clock.Advance(20 * time.Hour)
	b.publish(t, f.ID, b.stationA1)
	for _, after := range []time.Duration{0, 12 * time.Hour, 24 * time.Hour} {
		b.clock.Set(f.ATRDueAt.Add(after))
		b.sweep(t)
	}
	if got := b.slaEvents(t, f.ID); len(got) != 0 {
		t.Fatalf("ladder fired after a timely ATR: %v", got)
	}
	d, err := b.svc.Dashboard(b.ctx, b.nodalA)
	if err != nil || d.SLAMet != 1 || d.SLAMissed != 0 || d.SLACompliance == nil || *d.SLACompliance != 1 {
		t.Fatalf("dashboard after a timely ATR: %+v, %v", d, err)
	}
}

// TestSLARestartsOnPursue: rungs of the old deadline (jobs of an earlier
// version) do nothing once MSP legal pursued the case; the sweep fires the
// new deadline's.
func TestSLARestartsOnPursue(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.publish(t, f.ID, b.stationA1)
	if _, err := b.svc.Rate(b.ctx, string(f.Code), string(f.Secret), cases.RatingDissatisfied, "nothing changed", cases.English); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(30 * time.Minute)
	if err := b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionPursue, "pursue with SP", cases.English); err != nil {
		t.Fatal(err)
	}
	newDue := b.clock.Now().UTC().Add(24 * time.Hour)
	if n := b.smsRoles(t, f.ID, cases.TemplateEscalatedOfficers); n != 1 {
		t.Fatalf("%d escalation SMS to officers; want 1", n)
	}
	b.clock.Set(f.ATRDueAt.Add(24 * time.Hour))
	for _, r := range []int{cases.RungNodal, cases.RungSP, cases.RungMSP} {
		if err := b.rung(t, f.ID, f.ATRDueAt, r); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.slaEvents(t, f.ID); len(got) != 0 {
		t.Fatalf("old deadline's ladder fired: %v", got)
	}
	b.clock.Set(newDue)
	b.sweep(t)
	if got := b.slaEvents(t, f.ID); !slices.Equal(got, []string{cases.EventSLANodal}) {
		t.Fatalf("new deadline's first rung: %v", got)
	}
	var stage int
	if err := b.db.QueryRow(b.ctx, `SELECT sla_stage FROM complaints WHERE id = $1`, f.ID).Scan(&stage); err != nil || stage != 1 {
		t.Fatalf("sla_stage %d, %v; want 1", stage, err)
	}
}

func TestNoRatingCallTask(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	atr := b.publish(t, f.ID, b.stationA1)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'cases.no_rating_check' AND scheduled_at = $1`,
		start.Add(72*time.Hour)); n != 1 {
		t.Fatalf("%d no-rating jobs at publication + 72 h; want 1", n)
	}
	w := &cases.NoRatingWorker{Service: b.svc}
	job := &river.Job[cases.NoRatingArgs]{JobRow: &rivertype.JobRow{}, Args: cases.NoRatingArgs{ComplaintID: f.ID, ATRID: atr.ID}}
	for range 2 {
		if err := w.Work(b.ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM call_tasks WHERE complaint_id = $1 AND reason = 'no_rating_72h'`, f.ID); n != 1 {
		t.Fatalf("%d no-rating call tasks; want exactly 1", n)
	}
	// Once rated, the check does nothing.
	g := b.file(t, input())
	atrG := b.publish(t, g.ID, b.stationA1)
	if _, err := b.svc.Rate(b.ctx, string(g.Code), string(g.Secret), cases.RatingSatisfied, "", cases.English); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.CheckNoRating(b.ctx, cases.NoRatingArgs{ComplaintID: g.ID, ATRID: atrG.ID}); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM call_tasks WHERE complaint_id = $1 AND reason = 'no_rating_72h'`, g.ID); n != 0 {
		t.Fatalf("no-rating task for a rated ATR")
	}
}

func TestAddWorkers(t *testing.T) {
	t.Parallel()
	workers := river.NewWorkers()
	cases.AddWorkers(workers, nil) // panics on a duplicate kind or a bad worker
}
