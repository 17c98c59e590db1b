package cases_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/testkit"
)

// stored is a complaint's place and SLA clock as stored.
type stored struct {
	station  int64
	district int
	due      *time.Time
	stage    int
}

func (b *bundle) stored(t *testing.T, id int64) stored {
	t.Helper()
	var s stored
	if err := b.db.QueryRow(b.ctx, `SELECT station_id, district_id, atr_due_at, sla_stage FROM complaints WHERE id = $1`,
		id).Scan(&s.station, &s.district, &s.due, &s.stage); err != nil {
		t.Fatal(err)
	}
	return s
}

// transferSMS returns the district and body of complaint id's transfer SMS.
func (b *bundle) transferSMS(t *testing.T, id int64, template string) (districts []int, bodies []string) {
	t.Helper()
	rows, err := b.db.Query(b.ctx, `SELECT district_id, body FROM sms_outbox WHERE complaint_id = $1 AND template = $2
		AND to_kind = 'district_officers' ORDER BY id`, id, template)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int
		var body string
		if err := rows.Scan(&d, &body); err != nil {
			t.Fatal(err)
		}
		districts, bodies = append(districts, d), append(bodies, body)
	}
	return districts, bodies
}

func TestTransferWithinDistrict(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.clock.Set(f.ATRDueAt.Add(time.Hour))
	b.sweep(t) // the nodal rung fired: the stage must survive the move
	before := b.stored(t, f.ID)
	move := cases.TransferInput{StationID: b.fx.StationA2, Reason: "The place lies in Gomti Nagar's area."}
	refused := []struct {
		name string
		p    auth.Principal
		in   cases.TransferInput
		kind error
		code string
	}{
		{"Station", b.stationA1, move, vikalp.ErrForbidden, ""},
		{"OtherDistrictNodal", b.nodalB, move, vikalp.ErrNotFound, ""},
		{"NoReason", b.nodalA, cases.TransferInput{StationID: b.fx.StationA2}, vikalp.ErrInvalid, cases.CodeReasonRequired},
		{"SameStation", b.nodalA, cases.TransferInput{StationID: b.fx.StationA1, Reason: "r"}, vikalp.ErrInvalid, cases.CodeTransferSameStation},
		{"UnknownStation", b.nodalA, cases.TransferInput{StationID: 999999, Reason: "r"}, vikalp.ErrInvalid, cases.CodeUnknownStation},
		{"OtherDistrict", b.spA, cases.TransferInput{StationID: b.fx.StationB1, Reason: "r"}, vikalp.ErrInvalid, cases.CodeTransferOtherDistrict},
		{"RestartByNodal", b.nodalA, cases.TransferInput{StationID: b.fx.StationA2, Reason: "r", RestartSLA: true,
			RestartReason: "new station"}, vikalp.ErrForbidden, cases.CodeRestartMSPOnly},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.svc.Transfer(b.ctx, tt.p, f.ID, tt.in, cases.English)
			if tt.code != "" {
				wantCode(t, err, tt.kind, tt.code)
				return
			}
			wantKind(t, err, tt.kind)
		})
	}

	x, err := b.svc.Transfer(b.ctx, b.nodalA, f.ID, move, cases.English)
	if err != nil || x.State != cases.TransferDone || x.ToStationEN != "Gomti Nagar" || x.FromStationID != b.fx.StationA1 {
		t.Fatalf("transfer %+v, %v", x, err)
	}
	after := b.stored(t, f.ID)
	if after.station != b.fx.StationA2 || after.district != b.fx.DistrictA || !after.due.Equal(*before.due) || after.stage != before.stage {
		t.Fatalf("after the move %+v; before %+v: the SLA clock must not restart", after, before)
	}
	// Scopes follow at once.
	_, err = b.svc.Detail(b.ctx, b.stationA1, f.ID)
	wantKind(t, err, vikalp.ErrNotFound)
	if _, err := b.svc.Detail(b.ctx, b.stationA2, f.ID); err != nil {
		t.Fatalf("new station: %v", err)
	}
	// She sees the new station, and only that the case moved.
	tr, err := b.svc.Track(b.ctx, string(f.Code), string(f.Secret), cases.English)
	if err != nil || tr.StationNameEN != "Gomti Nagar" || tr.Code != f.Code {
		t.Fatalf("tracking %+v, %v", tr, err)
	}
	last := tr.Timeline[len(tr.Timeline)-1]
	if last.Kind != cases.EventTransferredStation || last.Reason != "" {
		t.Fatalf("her last event %+v", last)
	}
	districts, bodies := b.transferSMS(t, f.ID, cases.TemplateTransferredOfficers)
	if !slices.Equal(districts, []int{b.fx.DistrictA}) {
		t.Fatalf("transfer SMS to districts %v", districts)
	}
	wantNoPersonalData(t, bodies[0])
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.transferred' AND object_id = $1`, f.ID); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
}

func TestTransferBetweenDistrictsByMSP(t *testing.T) {
	b := setup(t)
	keep := b.file(t, input())
	restart := b.file(t, input())
	b.clock.Advance(30 * time.Hour)
	b.sweep(t)

	_, err := b.svc.Transfer(b.ctx, b.analyst, restart.ID, cases.TransferInput{StationID: b.fx.StationB1, Reason: "r",
		RestartSLA: true}, cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeRestartReason)

	before := b.stored(t, keep.ID)
	if _, err := b.svc.Transfer(b.ctx, b.analyst, keep.ID, cases.TransferInput{StationID: b.fx.StationB1,
		Reason: "Incident happened in Kanpur."}, cases.English); err != nil {
		t.Fatal(err)
	}
	if after := b.stored(t, keep.ID); after.district != b.fx.DistrictB || !after.due.Equal(*before.due) || after.stage != before.stage || after.stage == 0 {
		t.Fatalf("after %+v, before %+v", after, before)
	}
	if _, err := b.svc.Transfer(b.ctx, b.legal, restart.ID, cases.TransferInput{StationID: b.fx.StationB1,
		Reason: "Incident happened in Kanpur.", RestartSLA: true, RestartReason: "The new station only learns of it now."}, cases.English); err != nil {
		t.Fatal(err)
	}
	if after := b.stored(t, restart.ID); !after.due.Equal(b.clock.Now().Add(24*time.Hour)) || after.stage != 0 {
		t.Fatalf("restarted clock %+v", after)
	}
	for _, id := range []int64{keep.ID, restart.ID} {
		_, err := b.svc.Detail(b.ctx, b.nodalA, id)
		wantKind(t, err, vikalp.ErrNotFound)
		if _, err := b.svc.Detail(b.ctx, b.stationB, id); err != nil {
			t.Fatalf("the new district's station: %v", err)
		}
		if kinds := b.eventKinds(t, id, true); kinds[len(kinds)-1] != cases.EventTransferredDistrict {
			t.Fatalf("her timeline %v", kinds)
		}
		districts, bodies := b.transferSMS(t, id, cases.TemplateTransferredOfficers)
		if !slices.Equal(districts, []int{b.fx.DistrictB}) || !strings.Contains(bodies[0], "Kanpur Nagar") {
			t.Fatalf("transfer SMS %v %q", districts, bodies)
		}
		wantNoPersonalData(t, bodies[0])
	}
}

func TestTransferRequestAccepted(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	spB := testkit.User(b.ctx, t, b.db, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(b.fx.DistrictB)})
	before := b.stored(t, f.ID)

	_, err := b.svc.RequestTransfer(b.ctx, b.analyst, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB, Reason: "r"}, cases.English)
	wantKind(t, err, vikalp.ErrForbidden) // the MSP moves directly
	_, err = b.svc.RequestTransfer(b.ctx, b.nodalA, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictA, Reason: "r"}, cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeTransferSameDistrict)
	_, err = b.svc.RequestTransfer(b.ctx, b.nodalA, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB,
		StationID: &b.fx.StationA2, Reason: "r"}, cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeTransferWrongDistrict)

	x, err := b.svc.RequestTransfer(b.ctx, b.nodalA, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB,
		Reason: "She lives and was harassed in Kanpur."}, cases.English)
	if err != nil || x.State != cases.TransferRequested || x.ToDistrictEN != "Kanpur Nagar" {
		t.Fatalf("request %+v, %v", x, err)
	}
	_, err = b.svc.RequestTransfer(b.ctx, b.spA, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB, Reason: "again"}, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeTransferPending)

	// Both districts' officers and the MSP see it; nothing moved yet.
	for name, p := range map[string]auth.Principal{"nodalA": b.nodalA, "spA": b.spA, "nodalB": b.nodalB, "spB": spB, "msp": b.analyst} {
		xs, err := b.svc.PendingTransfers(b.ctx, p)
		if err != nil || len(xs) != 1 || xs[0].ID != x.ID {
			t.Fatalf("%s pending %+v, %v", name, xs, err)
		}
	}
	_, err = b.svc.PendingTransfers(b.ctx, b.stationA1)
	wantKind(t, err, vikalp.ErrForbidden)
	if s := b.stored(t, f.ID); s.district != b.fx.DistrictA {
		t.Fatal("a request moved the complaint")
	}
	if districts, _ := b.transferSMS(t, f.ID, cases.TemplateTransferRequested); !slices.Equal(districts, []int{b.fx.DistrictB}) {
		t.Fatalf("request SMS to %v", districts)
	}

	// Only the receiving SP (or the MSP) decides.
	for _, p := range []auth.Principal{b.nodalB, b.spA, b.nodalA} {
		_, err := b.svc.AcceptTransfer(b.ctx, p, x.ID, &b.fx.StationB1, cases.English)
		wantKind(t, err, vikalp.ErrForbidden)
	}
	_, err = b.svc.AcceptTransfer(b.ctx, b.stationB, x.ID, &b.fx.StationB1, cases.English)
	wantKind(t, err, vikalp.ErrNotFound)
	_, err = b.svc.AcceptTransfer(b.ctx, spB, x.ID, nil, cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeStationRequired)
	_, err = b.svc.AcceptTransfer(b.ctx, spB, x.ID, &b.fx.StationA2, cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeTransferWrongDistrict)

	done, err := b.svc.AcceptTransfer(b.ctx, spB, x.ID, &b.fx.StationB1, cases.English)
	if err != nil || done.State != cases.TransferDone || *done.ToStationID != b.fx.StationB1 {
		t.Fatalf("accept %+v, %v", done, err)
	}
	after := b.stored(t, f.ID)
	if after.district != b.fx.DistrictB || !after.due.Equal(*before.due) {
		t.Fatalf("after accept %+v", after)
	}
	_, err = b.svc.Detail(b.ctx, b.stationA1, f.ID)
	wantKind(t, err, vikalp.ErrNotFound)
	if _, err := b.svc.Detail(b.ctx, spB, f.ID); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.AcceptTransfer(b.ctx, spB, x.ID, &b.fx.StationB1, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeTransferDecided)
	if xs, _ := b.svc.PendingTransfers(b.ctx, b.analyst); len(xs) != 0 {
		t.Fatalf("still pending %+v", xs)
	}
}

func TestTransferRequestDeclined(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	x, err := b.svc.RequestTransfer(b.ctx, b.spA, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB,
		StationID: &b.fx.StationB1, Reason: "Wrong district."}, cases.English)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.DeclineTransfer(b.ctx, b.analyst, x.ID, "", cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeReasonRequired)
	got, err := b.svc.DeclineTransfer(b.ctx, b.analyst, x.ID, "The incident was in Lucknow.", cases.English)
	if err != nil || got.State != cases.TransferDeclined || got.DeclineReason != "The incident was in Lucknow." {
		t.Fatalf("decline %+v, %v", got, err)
	}
	if s := b.stored(t, f.ID); s.station != b.fx.StationA1 {
		t.Fatal("a declined request moved the complaint")
	}
	staff, public := b.eventKinds(t, f.ID, false), b.eventKinds(t, f.ID, true)
	if !slices.Contains(staff, cases.EventTransferRequested) || !slices.Contains(staff, cases.EventTransferDeclined) ||
		slices.Contains(public, cases.EventTransferRequested) || slices.Contains(public, cases.EventTransferDeclined) {
		t.Fatalf("staff %v public %v", staff, public)
	}
	// A new request may follow.
	if _, err := b.svc.RequestTransfer(b.ctx, b.nodalA, f.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB,
		Reason: "New facts."}, cases.English); err != nil {
		t.Fatal(err)
	}
}

// TestTransferRefused: no move while the ATR awaits vetting or after the
// case ended.
func TestTransferRefused(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	if _, err := b.svc.DraftATR(b.ctx, b.stationA1, f.ID, cases.ATRInput{Text: "t", ActionTaken: "a"}, cases.English); err != nil {
		t.Fatal(err)
	}
	move := cases.TransferInput{StationID: b.fx.StationA2, Reason: "r"}
	if _, err := b.svc.SubmitATR(b.ctx, b.stationA1, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	_, err := b.svc.Transfer(b.ctx, b.nodalA, f.ID, move, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeTransferATRVetting)

	w := b.file(t, input())
	if _, err := b.svc.Withdraw(b.ctx, string(w.Code), string(w.Secret), "", cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Transfer(b.ctx, b.analyst, w.ID, move, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeComplaintNotOpen)
	_, err = b.svc.RequestTransfer(b.ctx, b.nodalA, w.ID, cases.TransferRequestInput{DistrictID: b.fx.DistrictB, Reason: "r"}, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeComplaintNotOpen)
}
