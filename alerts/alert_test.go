package alerts_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

func r8(t *testing.T, lat, lon float64) int64 {
	t.Helper()
	c, err := geo.Index(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	return c.R8
}

func TestRouting(t *testing.T) {
	b := setup(t)
	t.Run("HotspotGoesToCoveringPCRUnit", func(t *testing.T) {
		cell := r8(t, lucknow[0], lucknow[1])
		c := geo.Center(cell)
		var want int64
		if err := b.db.QueryRow(b.ctx, `SELECT id FROM pcr_units WHERE ST_Intersects(zone, ST_SetSRID(ST_Point($1, $2), 4326))
			ORDER BY id LIMIT 1`, c.Lon(), c.Lat()).Scan(&want); err != nil {
			t.Fatalf("no zone covers Lucknow: %v", err)
		}
		a, err := b.svc.RaiseHotspot(b.ctx, alerts.Hotspot{H3R8: cell, WindowKey: "30d", Bin: 3, GiZ: 3.4, RunID: 1})
		if err != nil {
			t.Fatal(err)
		}
		if a.UnitKind != alerts.UnitPCR || a.UnitID != want || a.Severity != alerts.SeverityCritical {
			t.Errorf("alert to %s %d (%s), want pcr_unit %d", a.UnitKind, a.UnitID, a.Severity, want)
		}
	})
	t.Run("HotspotFallsBackToNearestUnit", func(t *testing.T) {
		cell := r8(t, testkit.Agra[0], testkit.Agra[1])
		c := geo.Center(cell)
		var zoned int
		if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM pcr_units WHERE ST_Intersects(zone, ST_SetSRID(ST_Point($1, $2), 4326))`,
			c.Lon(), c.Lat()).Scan(&zoned); err != nil || zoned != 0 {
			t.Fatalf("a zone covers Agra (%d, %v): the test needs an uncovered cell", zoned, err)
		}
		var want int64
		if err := b.db.QueryRow(b.ctx, `SELECT id FROM pcr_units ORDER BY geom <-> ST_SetSRID(ST_Point($1, $2), 4326) LIMIT 1`,
			c.Lon(), c.Lat()).Scan(&want); err != nil {
			t.Fatal(err)
		}
		a, err := b.svc.RaiseHotspot(b.ctx, alerts.Hotspot{H3R8: cell, WindowKey: "30d", Bin: 2, RunID: 1})
		if err != nil {
			t.Fatal(err)
		}
		if a.UnitKind != alerts.UnitPCR || a.UnitID != want || a.Severity != alerts.SeverityWarning {
			t.Errorf("alert to %s %d, want nearest pcr_unit %d", a.UnitKind, a.UnitID, want)
		}
	})
	t.Run("HappeningNowGoesToIngestsUnit", func(t *testing.T) {
		a, args := b.raiseReport(t, lucknow[0], lucknow[1])
		if args.PCRUnitID == 0 || a.UnitKind != alerts.UnitPCR || a.UnitID != args.PCRUnitID ||
			a.SubjectID != args.ReportID || a.H3R8 == nil || *a.H3R8 != args.H3R8 || a.AckDueAt == nil {
			t.Errorf("alert %+v for %+v", a, args)
		}
	})
	t.Run("LeadGoesToDistrictAHTU", func(t *testing.T) {
		var district, ahtu int
		if err := b.db.QueryRow(b.ctx, `SELECT district_id, ahtu_id FROM ahtu_districts ORDER BY district_id LIMIT 1`).
			Scan(&district, &ahtu); err != nil {
			t.Fatal(err)
		}
		a, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 7, DistrictID: district, Score: 81, Reason: "new"})
		if err != nil {
			t.Fatal(err)
		}
		if a.UnitKind != alerts.UnitAHTU || a.UnitID != int64(ahtu) {
			t.Errorf("lead alert to %s %d, want ahtu %d", a.UnitKind, a.UnitID, ahtu)
		}
	})
}

// TestHappeningNowRaisedWithTheReport: wired as ingest's AlertRaiser, the
// alerts service raises a happening-now report's alert, its "raised" event
// and its acknowledgement escalation in the report's own transaction: the
// alert exists when SubmitReport returns, with no worker running and no
// happening-now job queued, exactly as the job would have raised it.
func TestHappeningNowRaisedWithTheReport(t *testing.T) {
	b := setup(t)
	in, err := ingest.NewService(b.db, ingest.Deps{Bucket: ingesttest.Bucket(t), Keyring: b.keyring,
		Jobs: b.jobs, Alerts: b.svc, Logger: b.quiet})
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := lucknow[0], lucknow[1]
	rec, err := in.SubmitReport(b.ctx, ingest.NewReport{Category: "stalking", Lat: &lat, Lon: &lon,
		HappeningNow: true, WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	var args ingest.HappeningNowArgs
	if err := b.db.QueryRow(b.ctx, `SELECT id, pcr_unit_id, district_id, h3_r8 FROM reports WHERE code = $1`, rec.Code).
		Scan(&args.ReportID, &args.PCRUnitID, &args.DistrictID, &args.H3R8); err != nil {
		t.Fatal(err)
	}
	var alertID, unitID, events, jobs int64
	var unitKind string
	if err := b.db.QueryRow(b.ctx, `SELECT a.id, a.unit_kind, a.unit_id,
			(SELECT count(*) FROM alert_events e WHERE e.alert_id = a.id),
			(SELECT count(*) FROM river_job j WHERE j.kind = 'ingest.happening_now')
		FROM alerts a WHERE a.subject_kind = 'report' AND a.subject_id = $1`, args.ReportID).
		Scan(&alertID, &unitKind, &unitID, &events, &jobs); err != nil {
		t.Fatalf("no alert when the report was stored: %v", err)
	}
	if unitKind != string(alerts.UnitPCR) || unitID != args.PCRUnitID || events != 1 || jobs != 0 {
		t.Errorf("alert to %s %d with %d events and %d happening-now jobs; want PCR unit %d, 1 event, no job",
			unitKind, unitID, events, jobs, args.PCRUnitID)
	}
	// The job, were it to run anyway, finds the same alert.
	a, err := b.svc.RaiseHappeningNow(b.ctx, args)
	if err != nil || a.ID != alertID {
		t.Errorf("the job's raise gave alert %d (%v), want the one raised with the report, %d", a.ID, err, alertID)
	}
}

func TestDedup(t *testing.T) {
	b := setup(t)
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
	h := alerts.Hotspot{H3R8: r8(t, lucknow[0], lucknow[1]), WindowKey: "30d", Bin: 3, RunID: 1}
	first, err := b.svc.RaiseHotspot(b.ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	h.RunID, h.WindowKey = 2, "7d"
	again, err := b.svc.RaiseHotspot(b.ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || b.count(t, `SELECT count(*) FROM alerts`) != 1 ||
		b.count(t, `SELECT count(*) FROM alert_events`) != 1 {
		t.Fatalf("second raise made a new alert %d (first %d)", again.ID, first.ID)
	}
	if _, err := b.svc.Acknowledge(b.ctx, admin, first.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ = b.svc.RaiseHotspot(b.ctx, h); again.ID != first.ID {
		t.Errorf("acknowledged alert raised again as %d", again.ID)
	}
	if _, err := b.svc.Resolve(b.ctx, admin, first.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ = b.svc.RaiseHotspot(b.ctx, h); again.ID == first.ID {
		t.Errorf("a resolved hotspot must raise a new alert when found again")
	}
	lead := alerts.Lead{LeadID: 9, AHTUID: 3, Score: 40, Reason: "new"}
	l1, _ := b.svc.RaiseLead(b.ctx, lead)
	lead.Score, lead.Reason = 70, "rising"
	if l2, _ := b.svc.RaiseLead(b.ctx, lead); l2.ID != l1.ID {
		t.Errorf("rising lead with a live alert raised a second one")
	}
}

func TestLifecycleAndScope(t *testing.T) {
	b := setup(t)
	a, args := b.raiseReport(t, lucknow[0], lucknow[1])
	own := b.user(t, auth.RolePCR, auth.ScopePCR, a.UnitID)
	other := b.user(t, auth.RolePCR, auth.ScopePCR, a.UnitID+1)
	room := b.user(t, auth.RolePCR, auth.ScopeDistrict, int64(args.DistrictID))
	ahtu := b.user(t, auth.RoleAHTU, auth.ScopeAHTU, 1)
	station := b.user(t, auth.RoleStation, auth.ScopeStation, 1)

	for name, p := range map[string]auth.Principal{"OtherPCR": other, "ControlRoomBeforeEscalation": room, "AHTU": ahtu} {
		if _, err := b.svc.Acknowledge(b.ctx, p, a.ID); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("%s ack: %v, want not found", name, err)
		}
		if _, err := b.svc.RecordOutcome(b.ctx, p, a.ID, alerts.Outcome{Outcome: alerts.OutcomeVisited}); !errors.Is(err, vikalp.ErrNotFound) && !errors.Is(err, vikalp.ErrForbidden) {
			t.Errorf("%s outcome: %v, want not found", name, err)
		}
		if list, err := b.svc.List(b.ctx, p, alerts.Filter{}); err != nil || len(list) != 0 {
			t.Errorf("%s list: %d alerts, %v", name, len(list), err)
		}
	}
	if _, err := b.svc.List(b.ctx, station, alerts.Filter{}); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("station list: %v, want forbidden", err)
	}
	if list, err := b.svc.List(b.ctx, own, alerts.Filter{State: alerts.StateOpen}); err != nil || len(list) != 1 {
		t.Fatalf("own list: %d, %v", len(list), err)
	}

	b.clock.Advance(time.Minute)
	acked, err := b.svc.Acknowledge(b.ctx, own, a.ID)
	if err != nil || acked.State != alerts.StateAcknowledged || acked.AcknowledgedBy == nil || *acked.AcknowledgedBy != own.UserID {
		t.Fatalf("ack: %+v, %v", acked, err)
	}
	if _, err := b.svc.Acknowledge(b.ctx, own, a.ID); !errors.Is(err, vikalp.ErrConflict) {
		t.Errorf("second ack: %v, want conflict", err)
	}
	if _, err := b.svc.RecordOutcome(b.ctx, own, a.ID, alerts.Outcome{Outcome: "arrested"}); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("bad outcome: %v", err)
	}
	done, err := b.svc.RecordOutcome(b.ctx, own, a.ID, alerts.Outcome{Outcome: alerts.OutcomeVisited, Note: "patrol checked the stop"})
	if err != nil || done.State != alerts.StateResolved || done.Outcome == nil || *done.Outcome != alerts.OutcomeVisited {
		t.Fatalf("outcome: %+v, %v", done, err)
	}
	var code string
	if err := b.db.QueryRow(b.ctx, `SELECT code FROM reports WHERE id = $1`, args.ReportID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	pub, err := b.ingest.ReportStatus(b.ctx, code)
	if err != nil || pub.PoliceOutcome != alerts.OutcomeVisited || pub.PoliceOutcomeAt == nil {
		t.Errorf("public report view: %+v, %v", pub, err)
	}
	_, events, err := b.svc.Get(b.ctx, own, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []alerts.EventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	want := []alerts.EventKind{alerts.EventRaised, alerts.EventAcknowledged, alerts.EventOutcome, alerts.EventResolved}
	if len(kinds) != len(want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("events %v, want %v", kinds, want)
		}
	}
	if events[1].ActorUserID == nil || *events[1].ActorUserID != own.UserID || events[1].ActorRole != "pcr" {
		t.Errorf("ack event actor %+v", events[1].Event)
	}
	if _, err := b.db.Exec(b.ctx, `UPDATE alert_events SET kind = 'raised'`); err == nil {
		t.Errorf("alert_events accepted an UPDATE")
	}
	if _, err := b.svc.Resolve(b.ctx, own, a.ID); !errors.Is(err, vikalp.ErrConflict) {
		t.Errorf("resolve twice: %v", err)
	}
}

// TestEscalation checks one step of the ladder by calling Escalate as the
// job would; escalation_test.go follows whole ladders through the jobs.
func TestEscalation(t *testing.T) {
	b := setup(t)
	a, args := b.raiseReport(t, lucknow[0], lucknow[1])
	room := b.user(t, auth.RolePCR, auth.ScopeDistrict, int64(args.DistrictID))
	var scheduled time.Time
	if err := b.db.QueryRow(b.ctx, `SELECT scheduled_at FROM river_job WHERE kind = 'alerts.escalate'
		AND (args->>'alert_id')::bigint = $1`, a.ID).Scan(&scheduled); err != nil {
		t.Fatalf("no escalation job: %v", err)
	}
	if !scheduled.Equal(*a.AckDueAt) || a.AckDueAt.Sub(a.RaisedAt) != 10*time.Minute {
		t.Errorf("escalation at %v, due %v, raised %v", scheduled, a.AckDueAt, a.RaisedAt)
	}

	b.clock.Advance(9 * time.Minute)
	wait, err := b.svc.Escalate(b.ctx, alerts.EscalateArgs{AlertID: a.ID})
	if err != nil || wait != time.Minute {
		t.Fatalf("early escalation: wait %v, %v", wait, err)
	}
	if list, _ := b.svc.List(b.ctx, room, alerts.Filter{}); len(list) != 0 {
		t.Fatalf("control room sees the alert before its deadline")
	}
	b.clock.Advance(time.Minute)
	if _, err := b.svc.Escalate(b.ctx, alerts.EscalateArgs{AlertID: a.ID}); err != nil {
		t.Fatal(err)
	}
	list, err := b.svc.List(b.ctx, room, alerts.Filter{})
	if err != nil || len(list) != 1 || list[0].EscalationLevel != 1 || *list[0].EscalatedKind != alerts.UnitDistrictControlRoom {
		t.Fatalf("control room list after escalation: %+v, %v", list, err)
	}
	// The same check again (a retried job) changes nothing: the alert has
	// moved on to level 1.
	if _, err := b.svc.Escalate(b.ctx, alerts.EscalateArgs{AlertID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM alert_events WHERE alert_id = $1 AND kind = 'escalated'
		AND actor_role = 'system'`, a.ID); n != 1 {
		t.Errorf("%d escalation events, want 1", n)
	}
	if _, err := b.svc.Acknowledge(b.ctx, room, a.ID); err != nil {
		t.Errorf("control room ack: %v", err)
	}

	t.Run("AcknowledgedInTimeDoesNotEscalate", func(t *testing.T) {
		a2, _ := b.raiseReport(t, testkit.Agra[0], testkit.Agra[1])
		own := b.user(t, auth.RolePCR, auth.ScopePCR, a2.UnitID)
		if _, err := b.svc.Acknowledge(b.ctx, own, a2.ID); err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Hour)
		if _, err := b.svc.Escalate(b.ctx, alerts.EscalateArgs{AlertID: a2.ID}); err != nil {
			t.Fatal(err)
		}
		if n := b.count(t, `SELECT escalation_level FROM alerts WHERE id = $1`, a2.ID); n != 0 {
			t.Errorf("acknowledged alert escalated")
		}
	})
	t.Run("AHTUAfterAnHour", func(t *testing.T) {
		l, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 5, AHTUID: 2, Score: 90, Reason: "new"})
		if err != nil || l.AckDueAt.Sub(l.RaisedAt) != time.Hour {
			t.Fatalf("lead alert %+v, %v", l, err)
		}
		b.clock.Advance(time.Hour)
		if _, err := b.svc.Escalate(b.ctx, alerts.EscalateArgs{AlertID: l.ID}); err != nil {
			t.Fatal(err)
		}
		chief := b.user(t, auth.RoleAHTU, auth.ScopeState, 0)
		if list, _ := b.svc.List(b.ctx, chief, alerts.Filter{Kind: alerts.KindLead}); len(list) != 1 {
			t.Errorf("AHTU in-charge sees %d escalated lead alerts, want 1", len(list))
		}
	})
}

func TestComplaintNotice(t *testing.T) {
	b := setup(t)
	var district int
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM districts ORDER BY id LIMIT 1`).Scan(&district); err != nil {
		t.Fatal(err)
	}
	due := b.clock.Now().Add(24 * time.Hour)
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = b.svc.RaiseComplaintsTx(b.ctx, tx, []cases.AlertNotice{
		{Event: "assigned", ComplaintID: 1, Code: "VK-ABCD-EFGH", DistrictID: district, DueAt: due},
		{Event: "assigned", ComplaintID: 1, Code: "VK-ABCD-EFGH", DistrictID: district, ToMSP: true, DueAt: due},
		{Event: "atr_overdue", ComplaintID: 1, Code: "VK-ABCD-EFGH", DistrictID: district, ToRole: "sp", DueAt: due},
		{Event: "assigned", ComplaintID: 1, Code: "VK-ABCD-EFGH", DistrictID: district, DueAt: due}, // a repeat: deduplicated
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	nodal := b.user(t, auth.RoleNodal, auth.ScopeDistrict, int64(district))
	sp := b.user(t, auth.RoleSP, auth.ScopeDistrict, int64(district))
	msp := b.user(t, auth.RoleMSPAnalyst, auth.ScopeState, 0)
	for name, c := range map[string]struct {
		p    auth.Principal
		want int
	}{"Nodal": {nodal, 1}, "SP": {sp, 2}, "MSP": {msp, 1}} {
		list, err := b.svc.List(b.ctx, c.p, alerts.Filter{})
		if err != nil || len(list) != c.want {
			t.Errorf("%s sees %d alerts (%v), want %d", name, len(list), err, c.want)
		}
	}
}

// Every alert carries its summary in English and Hindi, stored and read
// back; the Hindi one names the district in Hindi and holds no English
// words (codes aside), so a Hindi console never shows English prose.
func TestSummariesInBothLanguages(t *testing.T) {
	b := setup(t)
	var nameEN, nameHI string
	if err := b.db.QueryRow(b.ctx, `SELECT name_en, name_hi FROM districts
		WHERE ST_Intersects(geom, ST_SetSRID(ST_Point($1, $2), 4326))`, lucknow[1], lucknow[0]).Scan(&nameEN, &nameHI); err != nil {
		t.Fatal(err)
	}
	report, _ := b.raiseReport(t, lucknow[0], lucknow[1])
	hotspot, err := b.svc.RaiseHotspot(b.ctx, alerts.Hotspot{H3R8: r8(t, lucknow[0], lucknow[1]), WindowKey: "30d", Bin: 3, RunID: 1})
	if err != nil {
		t.Fatal(err)
	}
	lead, err := b.svc.RaiseLead(b.ctx, alerts.Lead{LeadID: 9, AHTUID: 1, Score: 72, Reason: "rising"})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) // 15:00 IST
	if err := b.svc.RaiseComplaintsTx(b.ctx, tx, []cases.AlertNotice{{Event: "assigned", ComplaintID: 5,
		Code: "VK-ABCD-EFGH", DistrictID: *report.DistrictID, ToMSP: true, DueAt: due}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	list, err := b.svc.List(b.ctx, b.user(t, auth.RoleAdmin, auth.ScopeState, 0), alerts.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]alerts.Alert{}
	var complaint alerts.Alert
	for _, a := range list {
		stored[a.ID] = a
		if a.Kind == alerts.KindComplaintAssigned {
			complaint = a
		}
	}
	latin := regexp.MustCompile(`[A-Za-z]{2,}`)
	for name, c := range map[string]struct {
		a      alerts.Alert
		en, hi []string
	}{
		// Category, place (police station area and district) and time.
		"happening now": {stored[report.ID], []string{"Happening now", "Stalking", "police station area, " + nameEN, " IST"},
			[]string{"अभी हो रहा है", "पीछा करना", "थाना क्षेत्र, " + nameHI, " बजे", "पीसीआर"}},
		"hotspot": {stored[hotspot.ID], []string{"99% confidence", "police station area, " + nameEN, " IST"},
			[]string{"हॉटस्पॉट", "99% विश्वास", "थाना क्षेत्र, " + nameHI, " बजे"}},
		"lead": {stored[lead.ID], []string{"Rising trafficking lead, score 72", " area, ", " IST"},
			[]string{"बढ़ता सुराग", "स्कोर 72", " क्षेत्र, ", " बजे"}},
		"complaint": {complaint, []string{"VK-ABCD-EFGH", "27 Nov 15:00 IST"}, []string{"VK-ABCD-EFGH", "27 नवंबर, 15:00 बजे", "देय"}},
	} {
		for _, want := range c.en {
			if !strings.Contains(c.a.Summary, want) {
				t.Errorf("%s: summary %q lacks %q", name, c.a.Summary, want)
			}
		}
		for _, want := range c.hi {
			if !strings.Contains(c.a.SummaryHI, want) {
				t.Errorf("%s: Hindi summary %q lacks %q", name, c.a.SummaryHI, want)
			}
		}
		if words := latin.FindAllString(strings.ReplaceAll(c.a.SummaryHI, "VK-ABCD-EFGH", ""), -1); len(words) > 0 {
			t.Errorf("%s: Hindi summary %q has English %v", name, c.a.SummaryHI, words)
		}
		if words := latin.FindAllString(c.a.PlaceHI, -1); len(words) > 0 {
			t.Errorf("%s: Hindi place %q has English %v", name, c.a.PlaceHI, words)
		}
	}
	for name, c := range map[string]struct {
		a        alerts.Alert
		category string
	}{"happening now": {stored[report.ID], "stalking"}, "hotspot": {stored[hotspot.ID], alerts.CategoryHotspot},
		"lead": {stored[lead.ID], alerts.CategoryLead}} {
		if c.a.Category != c.category || c.a.Place == "" || c.a.PlaceHI == "" || c.a.OccurredAt == nil {
			t.Errorf("%s: category %q place %q / %q at %v, want category %q, a place and a time", name,
				c.a.Category, c.a.Place, c.a.PlaceHI, c.a.OccurredAt, c.category)
		}
	}
	if complaint.Category != alerts.CategoryComplaint {
		t.Errorf("complaint alert category %q, want %q (never the crime)", complaint.Category, alerts.CategoryComplaint)
	}
}
