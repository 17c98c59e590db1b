package ingest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// TestReporterSMSNotifications: a reporter who left her number gets one SMS
// per state she is told about (published or not, police action, fixed,
// closed, reopened), carrying only the code and the state; her number stays
// sealed; a reporter without a number gets none; a bad number is refused.
func TestReporterSMSNotifications(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	submit := func(phone string, dlat float64) (ingest.ReportReceipt, int64) {
		t.Helper()
		la, lo := lat+dlat, lon
		rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "poorly_lit_area", Text: "no light at the lane behind the market",
			Lat: &la, Lon: &lo, WithoutPhotos: true, Phone: phone})
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := b.db.QueryRow(b.ctx, `SELECT id FROM reports WHERE code = $1`, rec.Code).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return rec, id
	}
	bodies := func(id int64) []string {
		t.Helper()
		rows, err := b.db.Query(b.ctx, `SELECT body FROM sms_outbox WHERE to_kind = 'reporter' AND report_id = $1
			AND phone_sealed IS NOT NULL AND template = $2 ORDER BY id`, id, ingest.TemplateReporterUpdate)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}

	var ue *vikalp.UserError
	_, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "poorly_lit_area", Lat: &lat, Lon: &lon,
		WithoutPhotos: true, Phone: "12345"})
	if !errors.As(err, &ue) || ue.Field != "phone" {
		t.Fatalf("a bad number: %v, want an invalid phone", err)
	}

	rec, id := submit("98765 43210", 0)
	if n := len(bodies(id)); n != 0 {
		t.Fatalf("%d SMS before moderation", n)
	}
	if err := b.svc.ApproveReport(b.ctx, mod, id); err != nil {
		t.Fatal(err)
	}
	station := testkit.User(b.ctx, t, b.db, auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: b.stationOf(t, id)})
	if err := b.svc.SetOutcome(b.ctx, station, id, ingest.OutcomeActionTaken, "patrolling_increased", "two beat constables"); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.SetOutcome(b.ctx, station, id, ingest.OutcomeFixed, "lighting_repaired", ""); err != nil {
		t.Fatal(err)
	}
	got := bodies(id)
	wants := []string{"published on the map", "the police have acted on it", "the problem is fixed"}
	if len(got) != len(wants) {
		t.Fatalf("SMS to her: %q; want %d", got, len(wants))
	}
	for i, body := range got {
		if !strings.Contains(body, rec.Code) || !strings.Contains(body, wants[i]) || !strings.Contains(body, "आपकी रिपोर्ट") {
			t.Errorf("SMS %d = %q; want the code, %q and the Hindi line", i, body, wants[i])
		}
		for _, leak := range []string{"light", "market", "Lucknow", "constable", "9876543210", "lit"} {
			if strings.Contains(strings.ToLower(body), strings.ToLower(leak)) {
				t.Errorf("SMS %q names %q", body, leak)
			}
		}
	}
	var plain int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM sms_outbox WHERE position('9876543210' in encode(phone_sealed, 'escape')) > 0`).Scan(&plain); err != nil || plain != 0 {
		t.Errorf("%d outbox rows hold her number in clear (%v)", plain, err)
	}

	// Package notify delivers them: her number is opened (by ingest) for
	// the gateway only, each time after an audit entry naming the report.
	sent := &notify.RecordingProvider{}
	drain := notify.NewService(b.db, notify.Deps{Provider: sent,
		Openers: map[string]notify.PhoneOpener{notify.ToReporter: b.svc}})
	if n, err := drain.DrainSMS(b.ctx); err != nil || n != 3 {
		t.Fatalf("DrainSMS = %d, %v; want 3 sent", n, err)
	}
	for _, m := range sent.Sent() {
		if m.ToKind != notify.ToReporter || m.Phone != "+919876543210" || !strings.Contains(m.Body, rec.Code) {
			t.Errorf("delivered %+v; want her number and code", m)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'sms.phone_decrypted' AND object_kind = 'report'
		AND object_id = $1`, id); n != 3 {
		t.Errorf("%d audited decryptions of her number; want 3", n)
	}

	// A new report at the same place reopens the fixed one: she is told.
	_, again := submit("", 0)
	if err := b.svc.ApproveReport(b.ctx, mod, again); err != nil {
		t.Fatal(err)
	}
	if got := bodies(id); len(got) != 4 || !strings.Contains(got[3], "reopened") {
		t.Errorf("after the repeat report: %q; want a fourth SMS saying reopened", got)
	}
	if n := len(bodies(again)); n != 0 {
		t.Errorf("a reporter without a number got %d SMS", n)
	}

	// Not published: she is told too.
	_, rejected := submit("+91 91234 56789", 0.05)
	if err := b.svc.RejectReport(b.ctx, mod, rejected, ingest.RejectSpam); err != nil {
		t.Fatal(err)
	}
	if got := bodies(rejected); len(got) != 1 || !strings.Contains(got[0], "not published") {
		t.Errorf("rejected: %q", got)
	}
}
