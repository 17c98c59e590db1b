package cases_test

import (
	"time"

	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
)

func TestScopeRefusals(t *testing.T) {
	b := setup(t)
	f := b.file(t, input()) // station A1, district A
	atr := cases.ATRInput{Text: "t", ActionTaken: "a"}
	notFound := []struct {
		name string
		err  func() error
	}{
		{"OtherStationDrafts", func() error { _, err := b.svc.DraftATR(b.ctx, b.stationA2, f.ID, atr, cases.English); return err }},
		{"OtherStationSubmits", func() error { _, err := b.svc.SubmitATR(b.ctx, b.stationA2, f.ID, cases.English); return err }},
		{"OtherStationDetail", func() error { _, err := b.svc.Detail(b.ctx, b.stationA2, f.ID); return err }},
		{"OtherDistrictStation", func() error { _, err := b.svc.Detail(b.ctx, b.stationB, f.ID); return err }},
		{"OtherDistrictNodalApproves", func() error { _, err := b.svc.ApproveATR(b.ctx, b.nodalB, f.ID, cases.English); return err }},
		{"OtherDistrictNodalReturns", func() error { _, err := b.svc.ReturnATR(b.ctx, b.nodalB, f.ID, "r", cases.English); return err }},
		{"MissingComplaint", func() error { _, err := b.svc.Detail(b.ctx, b.analyst, f.ID+1000); return err }},
	}
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) { wantKind(t, tt.err(), vikalp.ErrNotFound) })
	}
	forbidden := []struct {
		name string
		err  func() error
	}{
		{"NodalDrafts", func() error { _, err := b.svc.DraftATR(b.ctx, b.nodalA, f.ID, atr, cases.English); return err }},
		{"SPApproves", func() error { _, err := b.svc.ApproveATR(b.ctx, b.spA, f.ID, cases.English); return err }},
		{"StationApproves", func() error { _, err := b.svc.ApproveATR(b.ctx, b.stationA1, f.ID, cases.English); return err }},
		{"AnalystDecides", func() error {
			return b.svc.LegalDecision(b.ctx, b.analyst, f.ID, cases.DecisionAdvise, "r", cases.English)
		}},
		{"EcellQueue", func() error { _, err := b.svc.Queue(b.ctx, b.ecell, cases.QueueFilter{}); return err }},
		{"PCRDetail", func() error {
			pcr := auth.Principal{UserID: 99, Role: auth.RolePCR, Scope: auth.Scope{Kind: auth.ScopePCR, ID: 1}}
			_, err := b.svc.Detail(b.ctx, pcr, f.ID)
			return err
		}},
		{"StationCallTasks", func() error { _, err := b.svc.CallTasks(b.ctx, b.stationA1, true); return err }},
	}
	for _, tt := range forbidden {
		t.Run(tt.name, func(t *testing.T) { wantKind(t, tt.err(), vikalp.ErrForbidden) })
	}
	if n := b.count(t, `SELECT count(*) FROM complaint_events WHERE complaint_id = $1`, f.ID); n != 2 {
		t.Fatalf("%d events after refused steps; want only filed and assigned", n)
	}
}

func TestQueueScopes(t *testing.T) {
	b := setup(t)
	a1 := b.file(t, input())
	in := input()
	in.Lat, in.Lon = ptr(casestest.PointA2[0]), ptr(casestest.PointA2[1])
	a2 := b.file(t, in)
	in.Lat, in.Lon = ptr(casestest.PointB[0]), ptr(casestest.PointB[1])
	bb := b.file(t, in)
	ids := func(p auth.Principal, f cases.QueueFilter) []int64 {
		t.Helper()
		items, err := b.svc.Queue(b.ctx, p, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	check := func(name string, got []int64, want ...int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: queue %v; want %v", name, got, want)
			return
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: queue %v; want %v", name, got, want)
			}
		}
	}
	check("StationA1", ids(b.stationA1, cases.QueueFilter{}), a1.ID)
	check("StationA2", ids(b.stationA2, cases.QueueFilter{}), a2.ID)
	check("NodalA", ids(b.nodalA, cases.QueueFilter{}), a1.ID, a2.ID)
	check("SPA", ids(b.spA, cases.QueueFilter{}), a1.ID, a2.ID)
	check("NodalB", ids(b.nodalB, cases.QueueFilter{}), bb.ID)
	check("MSP", ids(b.analyst, cases.QueueFilter{}), a1.ID, a2.ID, bb.ID)
	check("MSPDistrictB", ids(b.analyst, cases.QueueFilter{DistrictID: &b.fx.DistrictB}), bb.ID)
	// A district filter cannot widen a narrower scope.
	check("NodalAAsksB", ids(b.nodalA, cases.QueueFilter{DistrictID: &b.fx.DistrictB}))
	check("NoneOverdueYet", ids(b.analyst, cases.QueueFilter{Overdue: true}))
	b.clock.Advance(25 * time.Hour)
	check("AllOverdue", ids(b.analyst, cases.QueueFilter{Overdue: true}), a1.ID, a2.ID, bb.ID)
	check("ByStatus", ids(b.analyst, cases.QueueFilter{Status: cases.StatusClosed}))
	items, _ := b.svc.Queue(b.ctx, b.stationA1, cases.QueueFilter{})
	if it := items[0]; it.SLARemaining == nil || *it.SLARemaining >= 0 || !it.Overdue {
		t.Errorf("SLA countdown of an overdue complaint: %+v", it)
	}
}

func TestDetailContactAccess(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	in := input()
	in.Confidential = true
	conf := b.file(t, in)
	audits := func() int {
		return b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.contact_decrypted'`)
	}
	tests := []struct {
		name string
		p    auth.Principal
		id   int64
		want cases.ContactAccess
	}{
		{"AssignedStation", b.stationA1, f.ID, cases.ContactShown},
		{"Nodal", b.nodalA, f.ID, cases.ContactShown},
		{"SP", b.spA, f.ID, cases.ContactWithheld},
		{"MSPAnalyst", b.analyst, f.ID, cases.ContactShown},
		{"ConfidentialStation", b.stationA1, conf.ID, cases.ContactWithheld},
		{"ConfidentialNodal", b.nodalA, conf.ID, cases.ContactWithheld},
		{"ConfidentialMSPLegal", b.legal, conf.ID, cases.ContactShown},
	}
	for _, tt := range tests {
		before := audits()
		d, err := b.svc.Detail(b.ctx, tt.p, tt.id)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if d.ContactAccess != tt.want {
			t.Errorf("%s: contact %s; want %s", tt.name, d.ContactAccess, tt.want)
		}
		shown := tt.want == cases.ContactShown
		if shown && (d.Contact == nil || d.Contact.Phone != "+919876543210" || d.Contact.Name != "Asha Verma") {
			t.Errorf("%s: contact = %+v", tt.name, d.Contact)
		}
		if !shown && d.Contact != nil {
			t.Errorf("%s: contact leaked", tt.name)
		}
		if got := audits() - before; got != map[bool]int{true: 1, false: 0}[shown] {
			t.Errorf("%s: %d audit rows for the view", tt.name, got)
		}
		if d.Complaint.ContactSealed != nil || d.Complaint.SecretHash != nil {
			t.Errorf("%s: detail carries sealed contact or secret hash", tt.name)
		}
	}
	var actor int64
	var role string
	if err := b.db.QueryRow(b.ctx, `SELECT actor_user_id, actor_role FROM audit_log WHERE action = 'complaint.contact_decrypted'
		AND object_kind = 'complaint' AND object_id = $1 ORDER BY id LIMIT 1`, f.ID).Scan(&actor, &role); err != nil {
		t.Fatal(err)
	}
	if actor != b.stationA1.UserID || role != "station" {
		t.Errorf("audit names %d/%s; want the station user", actor, role)
	}
	// No contact given: nothing to decrypt, nothing audited.
	in = input()
	in.Contact = cases.Contact{}
	anon := b.file(t, in)
	before := audits()
	d, err := b.svc.Detail(b.ctx, b.analyst, anon.ID)
	if err != nil || d.ContactAccess != cases.ContactNone || audits() != before {
		t.Fatalf("anonymous detail: %s, %v", d.ContactAccess, err)
	}
}
