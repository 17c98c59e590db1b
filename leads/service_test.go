package leads_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/testkit"
)

// leadBundle is a seeded database with the ingest and lead services.
type leadBundle struct {
	ctx    context.Context
	db     *pgxpool.Pool
	ingest *ingest.Service
	leads  *leads.Service
}

func setupLeads(t *testing.T) *leadBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	testkit.SeedJurisdictions(ctx, t, db)
	jobs := testkit.Jobs(t, db)
	quiet := slog.New(slog.DiscardHandler)
	in, err := ingest.NewService(db, ingest.Deps{Bucket: ingesttest.Bucket(t), Keyring: testkit.Keyring(t),
		Jobs: jobs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := leads.NewService(db, leads.Deps{Jobs: jobs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return &leadBundle{ctx: ctx, db: db, ingest: in, leads: svc}
}

// tip submits a tip seen at point and links it as the worker would.
func (b *leadBundle) tip(t *testing.T, text string, point [2]float64, phones ...string) int64 {
	t.Helper()
	rec, err := b.ingest.SubmitTip(b.ctx, ingest.NewTip{Text: text, Phones: phones,
		Places: []ingest.TipPlace{{Lat: point[0], Lon: point[1], Description: "seen here"}}})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM tips WHERE code = $1`, rec.Code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := b.leads.RunTip(b.ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// leadOf returns the lead tip is in.
func (b *leadBundle) leadOf(t *testing.T, tip int64) int64 {
	t.Helper()
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT lead_id FROM lead_members WHERE tip_id = $1`, tip).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (b *leadBundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// near returns a point a little east of p.
func near(p [2]float64, km float64) [2]float64 { return [2]float64{p[0], p[1] + km/100} }

const (
	tipA = "A girl aged 14 was taken from Gorakhpur in a white van towards Nepal. Driver phone +91-9839011234."
	tipB = "वही आदमी फिर आया, उसका नंबर 98 39० double-one 234 है, दो लड़कियाँ साथ थीं"
	tipC = "Men with a truck UP 80 CD 5678 near Agra, asking about work for women"
)

func TestLeadDisguisedPhoneLinksTips(t *testing.T) {
	t.Parallel()
	b := setupLeads(t)
	a := b.tip(t, tipA, testkit.Gorakhpur)
	bb := b.tip(t, tipB, near(testkit.Gorakhpur, 3))
	c := b.tip(t, tipC, testkit.Agra)
	lead := b.leadOf(t, a)
	if b.leadOf(t, bb) != lead {
		t.Fatalf("tips sharing a disguised phone are in leads %d and %d", lead, b.leadOf(t, bb))
	}
	if b.leadOf(t, c) == lead {
		t.Fatal("an unrelated tip joined the lead")
	}
	msp := testkit.User(b.ctx, t, b.db, auth.RoleMSPAnalyst, auth.StateScope)
	d, err := b.leads.Lead(b.ctx, msp, lead)
	if err != nil {
		t.Fatal(err)
	}
	if d.TipCount != 2 || len(d.Members) != 2 {
		t.Errorf("tip count %d, members %d, want 2", d.TipCount, len(d.Members))
	}
	got := map[string]leads.Indicator{}
	for _, ind := range d.Explanation {
		got[ind.Indicator] = ind
	}
	if !strings.Contains(got["linked_by"].TextEN, "phone +919839011234 (2 tips)") {
		t.Errorf("linked_by = %+v", got["linked_by"])
	}
	if got["independent_tips"].Points != 15 || got["minors"].Points != 20 || got["recency"].Points < 14.9 {
		t.Errorf("explanation = %+v", d.Explanation)
	}
	var sum float64
	for _, ind := range d.Explanation {
		sum += ind.Points
		if ind.TextHI == "" || ind.TextEN == "" {
			t.Errorf("indicator %s lacks a sentence", ind.Indicator)
		}
	}
	if d.Score != min(100, sum) || d.Status != leads.StatusNew || d.AHTUID == nil || d.Lat == nil {
		t.Errorf("lead = %+v (explained sum %v)", d.Lead, sum)
	}
	var ahtu int
	if err := b.db.QueryRow(b.ctx, `SELECT ahtu_id FROM tip_places WHERE tip_id = $1`, a).Scan(&ahtu); err != nil {
		t.Fatal(err)
	}
	if *d.AHTUID != ahtu {
		t.Errorf("lead routed to AHTU %d, want %d", *d.AHTUID, ahtu)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'lead.viewed' AND object_id = $1`, lead); n != 1 {
		t.Errorf("lead views audited: %d", n)
	}
}

func TestLeadRunIsIdempotentAndRespectsSplitAndMerge(t *testing.T) {
	t.Parallel()
	b := setupLeads(t)
	a := b.tip(t, tipA, testkit.Gorakhpur)
	bb := b.tip(t, tipB, near(testkit.Gorakhpur, 3))
	c := b.tip(t, tipC, testkit.Agra)
	lead, other := b.leadOf(t, a), b.leadOf(t, c)
	if _, err := b.leads.Run(b.ctx); err != nil {
		t.Fatal(err)
	}
	if b.leadOf(t, a) != lead || b.leadOf(t, bb) != lead || b.leadOf(t, c) != other {
		t.Fatal("a full run changed lead ids of unchanged memberships")
	}
	var ahtu int64
	if err := b.db.QueryRow(b.ctx, `SELECT ahtu_id FROM leads WHERE id = $1`, lead).Scan(&ahtu); err != nil {
		t.Fatal(err)
	}
	officer := testkit.User(b.ctx, t, b.db, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu})
	split, err := b.leads.Split(b.ctx, officer, lead, []int64{bb})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.leads.Run(b.ctx); err != nil {
		t.Fatal(err)
	}
	if b.leadOf(t, a) != lead || b.leadOf(t, bb) != split.ID {
		t.Fatalf("split did not survive a run: tip a in %d, tip b in %d (split lead %d)", b.leadOf(t, a),
			b.leadOf(t, bb), split.ID)
	}
	// A new tip with the shared phone joins one side, never both.
	d := b.tip(t, "again 9839011234", testkit.Gorakhpur)
	if l := b.leadOf(t, d); l != lead && l != split.ID {
		t.Errorf("new tip in lead %d", l)
	}
	if b.leadOf(t, a) == b.leadOf(t, bb) {
		t.Error("the split was undone by a new tip")
	}

	state := testkit.User(b.ctx, t, b.db, auth.RoleAHTU, auth.StateScope)
	if _, err := b.leads.Merge(b.ctx, state, lead, other); err != nil {
		t.Fatal(err)
	}
	if _, err := b.leads.Run(b.ctx); err != nil {
		t.Fatal(err)
	}
	if b.leadOf(t, c) != lead {
		t.Error("merge did not survive a run")
	}
	if n := b.count(t, `SELECT count(*) FROM leads WHERE id = $1 AND merged_into = $2`, other, lead); n != 1 {
		t.Error("merged lead not marked merged_into")
	}
}

func TestLeadAlertsForNewAndRisingLeads(t *testing.T) {
	t.Parallel()
	b := setupLeads(t)
	alerts := func(reason string) int {
		return b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'analytics.lead_alert' AND args->>'reason' = $1`, reason)
	}
	b.tip(t, "a van passed by", testkit.Lucknow, "7007123456")
	if n := alerts("new"); n != 0 {
		t.Fatalf("a lone low-score tip raised %d alerts", n)
	}
	b.tip(t, "the same van again", near(testkit.Lucknow, 2), "70071 23456")
	if n := alerts("new"); n != 1 {
		t.Fatalf("new lead alerts = %d, want 1", n)
	}
	b.tip(t, "third sighting, a minor girl inside", near(testkit.Lucknow, 4), "+91 7007 123 456")
	if n := alerts("rising"); n != 1 {
		t.Fatalf("rising alerts = %d, want 1", n)
	}
	var args string
	if err := b.db.QueryRow(b.ctx, `SELECT args::text FROM river_job WHERE kind = 'analytics.lead_alert' AND args->>'reason' = 'rising'`).Scan(&args); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"7007", "minor", "van", "lat"} {
		if strings.Contains(args, leak) {
			t.Errorf("alert args leak %q: %s", leak, args)
		}
	}
	if _, err := b.leads.Run(b.ctx); err != nil {
		t.Fatal(err)
	}
	if n := alerts("new") + alerts("rising"); n != 2 {
		t.Errorf("a rerun raised alerts again: %d", n)
	}
}

func TestLeadScopeAndWorkflow(t *testing.T) {
	t.Parallel()
	b := setupLeads(t)
	lead := b.leadOf(t, b.tip(t, tipA, testkit.Gorakhpur))
	var ahtu int64
	if err := b.db.QueryRow(b.ctx, `SELECT ahtu_id FROM leads WHERE id = $1`, lead).Scan(&ahtu); err != nil {
		t.Fatal(err)
	}
	own := testkit.User(b.ctx, t, b.db, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu})
	colleague := testkit.User(b.ctx, t, b.db, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu})
	foreign := testkit.User(b.ctx, t, b.db, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu%35 + 1})
	pcr := testkit.User(b.ctx, t, b.db, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	msp := testkit.User(b.ctx, t, b.db, auth.RoleMSPAnalyst, auth.StateScope)

	for name, p := range map[string]auth.Principal{"OtherAHTU": foreign, "PCR": pcr} {
		if _, err := b.leads.Lead(b.ctx, p, lead); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("%s view: %v, want not found", name, err)
		}
		if _, err := b.leads.Transition(b.ctx, p, lead, leads.StatusTriaged, ""); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("%s transition: %v, want not found", name, err)
		}
	}
	if list, err := b.leads.Leads(b.ctx, foreign, leads.Filter{}); err != nil || len(list) != 0 {
		t.Errorf("foreign list: %v %v", list, err)
	}
	if _, err := b.leads.Transition(b.ctx, msp, lead, leads.StatusTriaged, ""); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("MSP transition: %v, want forbidden", err)
	}
	if _, err := b.leads.Transition(b.ctx, own, lead, leads.StatusActioned, ""); !errors.Is(err, vikalp.ErrConflict) {
		t.Errorf("new → actioned: %v, want conflict", err)
	}
	for _, to := range []leads.Status{leads.StatusTriaged, leads.StatusInvestigating} {
		if _, err := b.leads.Transition(b.ctx, own, lead, to, ""); err != nil {
			t.Fatalf("to %s: %v", to, err)
		}
	}
	if _, err := b.leads.Transition(b.ctx, own, lead, leads.StatusClosed, ""); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("close without note: %v, want invalid", err)
	}
	if _, err := b.leads.AddNote(b.ctx, own, lead, "called the number, switched off"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.leads.Assign(b.ctx, own, lead, foreign.UserID); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("assign to another unit: %v, want invalid", err)
	}
	l, err := b.leads.Assign(b.ctx, own, lead, colleague.UserID)
	if err != nil || l.AssignedTo == nil || *l.AssignedTo != colleague.UserID || l.Status != leads.StatusInvestigating {
		t.Fatalf("assign: %+v %v", l, err)
	}
	d, err := b.leads.Lead(b.ctx, own, lead)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range d.Events {
		kinds = append(kinds, e.Kind)
		if e.Kind != "created" && (e.ActorUserID == nil || *e.ActorUserID != own.UserID) {
			t.Errorf("event %s without its actor", e.Kind)
		}
	}
	if strings.Join(kinds, ",") != "created,transition,transition,note,assigned" {
		t.Errorf("events = %v", kinds)
	}
}
