package cases_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// direct issues a direction and fails the test on error.
func (b *bundle) direct(t *testing.T, p auth.Principal, id int64, in cases.DirectionInput) cases.Direction {
	t.Helper()
	d, err := b.svc.IssueDirection(b.ctx, p, id, in, cases.English)
	if err != nil {
		t.Fatalf("IssueDirection: %v", err)
	}
	return d
}

// directionEvents returns the direction kinds on complaint id's timeline.
func (b *bundle) directionEvents(t *testing.T, id int64, publicOnly bool) []string {
	t.Helper()
	var out []string
	for _, k := range b.eventKinds(t, id, publicOnly) {
		if strings.HasPrefix(k, "direction_") {
			out = append(out, k)
		}
	}
	return out
}

// wantNoPersonalData fails when an SMS body carries her name, number,
// address, the complaint's text or its category.
func wantNoPersonalData(t *testing.T, body string) {
	t.Helper()
	in := input()
	for _, secret := range []string{in.Contact.Name, "98765", "43210", "Park Road", "follows me", "stalking", "Stalking"} {
		if strings.Contains(body, secret) {
			t.Fatalf("SMS %q carries %q", body, secret)
		}
	}
}

func TestDirectionIssueRules(t *testing.T) {
	b := setup(t)
	f := b.file(t, input()) // ATR due in 24 h: the next rung (nodal) is the cap
	spB := testkit.User(b.ctx, t, b.db, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: int64(b.fx.DistrictB)})
	ok := cases.DirectionInput{To: cases.AddresseeStation, Body: "Please report what you did today."}
	due := func(d time.Duration) *time.Time { at := start.Add(d); return &at }
	with := func(change func(*cases.DirectionInput)) cases.DirectionInput {
		in := ok
		change(&in)
		return in
	}
	refused := []struct {
		name string
		p    auth.Principal
		in   cases.DirectionInput
		kind error
		code string
	}{
		{"StationIssues", b.stationA1, ok, vikalp.ErrForbidden, ""},
		{"NodalIssues", b.nodalA, ok, vikalp.ErrForbidden, ""},
		{"OtherDistrictSP", spB, ok, vikalp.ErrNotFound, ""},
		{"NoText", b.analyst, with(func(in *cases.DirectionInput) { in.Body = "  \u200b " }), vikalp.ErrInvalid, cases.CodeDirectionRequired},
		{"TooLong", b.analyst, with(func(in *cases.DirectionInput) { in.Body = strings.Repeat("x", 2001) }), vikalp.ErrInvalid, cases.CodeDirectionTooLong},
		{"UnknownAddressee", b.analyst, with(func(in *cases.DirectionInput) { in.To = "pcr" }), vikalp.ErrInvalid, cases.CodeDirectionToInvalid},
		{"SPToItself", b.spA, with(func(in *cases.DirectionInput) { in.To = cases.AddresseeSP }), vikalp.ErrInvalid, cases.CodeDirectionToSelf},
		{"DeadlinePast", b.analyst, with(func(in *cases.DirectionInput) { in.DueAt = due(-time.Minute) }), vikalp.ErrInvalid, cases.CodeDirectionDueFuture},
		{"DeadlineAfterNextRung", b.analyst, with(func(in *cases.DirectionInput) { in.DueAt = due(24*time.Hour + time.Second) }), vikalp.ErrInvalid, cases.CodeDirectionDueTooLate},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.svc.IssueDirection(b.ctx, tt.p, f.ID, tt.in, cases.English)
			if tt.code != "" {
				wantCode(t, err, tt.kind, tt.code)
				return
			}
			wantKind(t, err, tt.kind)
		})
	}
	if n := b.count(t, `SELECT count(*) FROM complaint_directions`); n != 0 {
		t.Fatalf("%d directions after refusals", n)
	}
	// The cap message names the cap in Hindi too.
	_, err := b.svc.IssueDirection(b.ctx, b.analyst, f.ID, with(func(in *cases.DirectionInput) { in.DueAt = due(25 * time.Hour) }), cases.Hindi)
	if ue, ok := vikalp.AsUserError(err); !ok || !strings.Contains(ue.Message, "समय-सीमा") || !strings.Contains(ue.Message, "IST") {
		t.Fatalf("Hindi cap error %v", err)
	}
	// At the cap is fine; so is the SP directing its station.
	d := b.direct(t, b.legal, f.ID, with(func(in *cases.DirectionInput) { in.DueAt = due(24 * time.Hour) }))
	if !d.ReplyBy.Equal(f.ATRDueAt) || !d.Open() || d.IssuerRole != cases.ActorMSPLegal {
		t.Fatalf("direction %+v", d)
	}
	b.direct(t, b.spA, f.ID, ok)

	// Past the ATR deadline the cap is the next rung still ahead (SP, +12 h).
	b.clock.Set(f.ATRDueAt.Add(time.Hour))
	b.sweep(t)
	late := with(func(in *cases.DirectionInput) { in.DueAt = ptr(f.ATRDueAt.Add(12*time.Hour + time.Second)) })
	_, err = b.svc.IssueDirection(b.ctx, b.analyst, f.ID, late, cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeDirectionDueTooLate)
	late.DueAt = ptr(f.ATRDueAt.Add(12 * time.Hour))
	b.direct(t, b.analyst, f.ID, late)

	// A withdrawn complaint takes no direction.
	if _, err := b.svc.Withdraw(b.ctx, string(f.Code), string(f.Secret), "", cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.IssueDirection(b.ctx, b.analyst, f.ID, ok, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeComplaintNotOpen)
}

// TestDirectionAnswered walks one MSP direction to the station: the queue
// puts it first, only the station answers, once; the MSP gets an SMS; the
// staff timeline has both texts and her timeline one textless line.
func TestDirectionAnswered(t *testing.T) {
	b := setup(t)
	other := b.file(t, input())
	f := b.file(t, input())
	body, answer := "Visit her today and record her statement.", "Statement recorded at 15:00; accused warned."
	d := b.direct(t, b.analyst, f.ID, cases.DirectionInput{To: cases.AddresseeStation, Body: body, ReportBack: true})

	q, err := b.svc.Queue(b.ctx, b.stationA1, cases.QueueFilter{})
	if err != nil || len(q) != 2 || q[0].ID != f.ID || !q[0].OpenDirection || q[1].ID != other.ID || q[1].OpenDirection {
		t.Fatalf("station queue %+v, %v; want the directed complaint first, flagged", q, err)
	}
	if q, _ := b.svc.Queue(b.ctx, b.nodalA, cases.QueueFilter{}); q[0].OpenDirection || q[1].OpenDirection {
		t.Fatal("the nodal officer's queue flags a direction to the station")
	}

	_, err = b.svc.AnswerDirection(b.ctx, b.nodalA, f.ID, d.ID, answer, cases.English)
	wantCode(t, err, vikalp.ErrForbidden, cases.CodeDirectionNotAddressee)
	_, err = b.svc.AnswerDirection(b.ctx, b.stationA2, f.ID, d.ID, answer, cases.English)
	wantKind(t, err, vikalp.ErrNotFound)
	_, err = b.svc.AnswerDirection(b.ctx, b.stationA1, other.ID, d.ID, answer, cases.English)
	wantKind(t, err, vikalp.ErrNotFound) // not that complaint's direction
	_, err = b.svc.AnswerDirection(b.ctx, b.stationA1, f.ID, d.ID, " ", cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeAnswerRequired)
	got, err := b.svc.AnswerDirection(b.ctx, b.stationA1, f.ID, d.ID, answer, cases.English)
	if err != nil || got.Open() || got.Answer != answer || *got.AnsweredBy != b.stationA1.UserID {
		t.Fatalf("answer %+v, %v", got, err)
	}
	_, err = b.svc.AnswerDirection(b.ctx, b.stationA1, f.ID, d.ID, "again", cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeDirectionAnswered)

	if q, _ := b.svc.Queue(b.ctx, b.stationA1, cases.QueueFilter{}); q[0].ID != other.ID || q[1].OpenDirection {
		t.Fatalf("queue after the answer %+v", q)
	}
	ds, err := b.svc.Directions(b.ctx, b.analyst, f.ID)
	if err != nil || len(ds) != 1 || ds[0].Answer != answer {
		t.Fatalf("directions %+v, %v", ds, err)
	}
	if _, err := b.svc.Directions(b.ctx, b.stationA2, f.ID); err == nil {
		t.Fatal("another station lists the directions")
	}

	// The issuer hears back by SMS, without personal data.
	var kind, sms string
	if err := b.db.QueryRow(b.ctx, `SELECT to_kind, body FROM sms_outbox WHERE complaint_id = $1 AND template = $2`,
		f.ID, cases.TemplateDirectionAnswered).Scan(&kind, &sms); err != nil || kind != notify.ToMSP {
		t.Fatalf("report-back SMS to %q, %v", kind, err)
	}
	wantNoPersonalData(t, sms)
	if strings.Contains(sms, answer) || strings.Contains(sms, body) {
		t.Fatalf("SMS %q carries staff text", sms)
	}

	// Staff timeline: both texts with who; hers: one line, no text.
	det, err := b.svc.Detail(b.ctx, b.analyst, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range det.Events {
		if strings.HasPrefix(e.Kind, "direction_") {
			texts = append(texts, e.Kind+":"+string(e.ActorRole)+":"+e.Reason)
		}
	}
	want := []string{"direction_issued:msp_analyst:" + body, "direction_answered:station:" + answer}
	if !slices.Equal(texts, want) {
		t.Fatalf("staff timeline %q; want %q", texts, want)
	}
	tr, err := b.svc.Track(b.ctx, string(f.Code), string(f.Secret), cases.English)
	if err != nil {
		t.Fatal(err)
	}
	var public []string
	for _, e := range tr.Timeline {
		if strings.HasPrefix(e.Kind, "direction_") {
			public = append(public, e.Kind+":"+e.Reason)
		}
	}
	if !slices.Equal(public, []string{"direction_issued:"}) {
		t.Fatalf("her timeline %q; want one textless direction_issued", public)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE object_id = $1 AND action IN
		('complaint.direction_issued', 'complaint.direction_answered')`, f.ID); n != 2 {
		t.Fatalf("%d audit entries; want 2", n)
	}
}

// TestDirectionBySP: an SP's direction to the nodal officer is internal
// (not on her timeline), reaches the nodal officer by SMS, and the answer
// goes back to the SP only when asked for.
func TestDirectionBySP(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	d := b.direct(t, b.spA, f.ID, cases.DirectionInput{To: cases.AddresseeNodal, Body: "Check the station's work on this."})
	if got := b.directionEvents(t, f.ID, true); len(got) != 0 {
		t.Fatalf("SP direction on her timeline: %v", got)
	}
	var role, sms string
	if err := b.db.QueryRow(b.ctx, `SELECT to_role, body FROM sms_outbox WHERE complaint_id = $1 AND template = $2`,
		f.ID, cases.TemplateDirectionIssued).Scan(&role, &sms); err != nil || role != "nodal" {
		t.Fatalf("direction SMS to %q, %v", role, err)
	}
	wantNoPersonalData(t, sms)
	if q, _ := b.svc.Queue(b.ctx, b.nodalA, cases.QueueFilter{}); !q[0].OpenDirection {
		t.Fatal("the nodal officer's queue does not flag the direction")
	}
	if _, err := b.svc.AnswerDirection(b.ctx, b.nodalA, f.ID, d.ID, "Done.", cases.English); err != nil {
		t.Fatal(err)
	}
	if n := b.smsRoles(t, f.ID, cases.TemplateDirectionAnswered); n != 0 {
		t.Fatalf("%d report-back SMS without report_back", n)
	}
}

// TestDirectionOverdueLadder: an unanswered direction alerts the SP at its
// reply-by time and the MSP SLAToMSP later, each once, and counts on the
// dashboard; an answer stops it.
func TestDirectionOverdueLadder(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.clock.Advance(time.Hour)
	d := b.direct(t, b.analyst, f.ID, cases.DirectionInput{To: cases.AddresseeNodal, Body: "Why is this late?"})
	quick := b.direct(t, b.analyst, f.ID, cases.DirectionInput{To: cases.AddresseeStation, Body: "Call her today.",
		DueAt: ptr(b.clock.Now().Add(2 * time.Hour))})
	if !d.ReplyBy.Equal(d.CreatedAt.Add(24 * time.Hour)) {
		t.Fatalf("reply by %v without a deadline", d.ReplyBy)
	}
	for _, step := range []struct {
		at   time.Time
		want []string
	}{
		{quick.ReplyBy.Add(-time.Second), nil},
		{quick.ReplyBy, []string{cases.EventDirectionOverdueSP}},
		{quick.ReplyBy.Add(time.Minute), []string{cases.EventDirectionOverdueSP}},
		{d.ReplyBy, []string{cases.EventDirectionOverdueSP, cases.EventDirectionOverdueSP}},
		{quick.ReplyBy.Add(24 * time.Hour), []string{cases.EventDirectionOverdueSP, cases.EventDirectionOverdueSP,
			cases.EventDirectionOverdueMSP}},
		{d.ReplyBy.Add(24 * time.Hour), []string{cases.EventDirectionOverdueSP, cases.EventDirectionOverdueSP,
			cases.EventDirectionOverdueMSP, cases.EventDirectionOverdueMSP}},
		{d.ReplyBy.Add(72 * time.Hour), []string{cases.EventDirectionOverdueSP, cases.EventDirectionOverdueSP,
			cases.EventDirectionOverdueMSP, cases.EventDirectionOverdueMSP}},
	} {
		b.clock.Set(step.at)
		b.sweep(t)
		var got []string
		for _, k := range b.directionEvents(t, f.ID, false) {
			if strings.HasPrefix(k, "direction_overdue") {
				got = append(got, k)
			}
		}
		if !slices.Equal(got, step.want) {
			t.Fatalf("at %v: events %v; want %v", step.at, got, step.want)
		}
	}
	if got := b.directionEvents(t, f.ID, true); !slices.Equal(got, []string{"direction_issued", "direction_issued"}) {
		t.Fatalf("her timeline shows %v", got)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND template = $2 AND to_role = 'sp'`,
		f.ID, cases.TemplateDirectionOverdueSP); n != 2 {
		t.Fatalf("%d SP SMS; want one per direction", n)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND template = $2 AND to_kind = 'msp'`,
		f.ID, cases.TemplateDirectionOverdueMSP); n != 2 {
		t.Fatalf("%d MSP SMS; want one per direction", n)
	}
	dash, err := b.svc.Dashboard(b.ctx, b.spA)
	if err != nil || dash.DirectionsOpen != 2 || dash.DirectionsOverdue != 2 {
		t.Fatalf("dashboard directions %d open, %d overdue, %v", dash.DirectionsOpen, dash.DirectionsOverdue, err)
	}
	if _, err := b.svc.AnswerDirection(b.ctx, b.stationA1, f.ID, quick.ID, "Called her.", cases.English); err != nil {
		t.Fatal(err)
	}
	dash, _ = b.svc.Dashboard(b.ctx, b.analyst)
	other, _ := b.svc.Dashboard(b.ctx, b.nodalB)
	if dash.DirectionsOpen != 1 || dash.DirectionsOverdue != 1 || other.DirectionsOpen != 0 {
		t.Fatalf("dashboards after an answer: state %d/%d, other district %d", dash.DirectionsOpen, dash.DirectionsOverdue, other.DirectionsOpen)
	}
}

// TestDirectionNotOverdueBeforeTime: a fresh direction is open, not
// overdue, and the sweep leaves it alone.
func TestDirectionNotOverdueBeforeTime(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.direct(t, b.analyst, f.ID, cases.DirectionInput{To: cases.AddresseeSP, Body: "Please supervise."})
	b.clock.Advance(23 * time.Hour)
	b.sweep(t)
	if got := b.directionEvents(t, f.ID, false); !slices.Equal(got, []string{"direction_issued"}) {
		t.Fatalf("events %v", got)
	}
	dash, err := b.svc.Dashboard(b.ctx, b.analyst)
	if err != nil || dash.DirectionsOpen != 1 || dash.DirectionsOverdue != 0 {
		t.Fatalf("dashboard %d/%d, %v", dash.DirectionsOpen, dash.DirectionsOverdue, err)
	}
}
