package cases_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// start is the test clock's first instant.
var start = time.Date(2025, 11, 26, 10, 0, 0, 0, time.UTC)

type bundle struct {
	ctx   context.Context
	db    *pgxpool.Pool
	svc   *cases.Service
	clock *clock.Fake
	fx    casestest.Fixture
	sms   *notify.RecordingProvider
	drain *notify.Service // drains the outbox to sms

	stationA1, stationA2, stationB, nodalA, nodalB, spA, analyst, legal, ecell auth.Principal
}

func setup(t *testing.T) *bundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{}) // insert-only
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle{ctx: ctx, db: db, clock: clock.NewFake(start), fx: casestest.Jurisdictions(ctx, t, db),
		sms: &notify.RecordingProvider{}}
	b.svc = cases.NewService(db, cases.Deps{Jobs: jobs, Router: jurisdiction.New(db),
		Keyring: testkit.Keyring(t), Clock: b.clock})
	b.drain = b.drainer(b.sms)
	user := func(role auth.Role, kind auth.ScopeKind, id int64) auth.Principal {
		return testkit.User(ctx, t, db, role, auth.Scope{Kind: kind, ID: id})
	}
	b.stationA1 = user(auth.RoleStation, auth.ScopeStation, b.fx.StationA1)
	b.stationA2 = user(auth.RoleStation, auth.ScopeStation, b.fx.StationA2)
	b.stationB = user(auth.RoleStation, auth.ScopeStation, b.fx.StationB1)
	b.nodalA = user(auth.RoleNodal, auth.ScopeDistrict, int64(b.fx.DistrictA))
	b.nodalB = user(auth.RoleNodal, auth.ScopeDistrict, int64(b.fx.DistrictB))
	b.spA = user(auth.RoleSP, auth.ScopeDistrict, int64(b.fx.DistrictA))
	b.analyst = user(auth.RoleMSPAnalyst, auth.ScopeState, 0)
	b.legal = user(auth.RoleMSPLegal, auth.ScopeState, 0)
	b.ecell = user(auth.RoleECell, auth.ScopeState, 0)
	return b
}

// drainer is notify's SMS drain to p on the test clock, opening her number
// through b.svc as cmd/vikalp wires it.
func (b *bundle) drainer(p notify.Provider) *notify.Service {
	return notify.NewService(b.db, notify.Deps{Provider: p, Clock: b.clock,
		Openers: map[string]notify.PhoneOpener{notify.ToComplainant: b.svc}})
}

func ptr[T any](v T) *T { return &v }

// input is a valid complaint at StationA1's point with a phone.
func input() cases.FileInput {
	return cases.FileInput{Category: "stalking", Description: "A man follows me from the bus stop every evening.",
		Language: "en", IncidentAt: "2025-11-25T19:00", Lat: ptr(casestest.PointA1[0]), Lon: ptr(casestest.PointA1[1]),
		Contact:        cases.Contact{Name: "Asha Verma", Phone: "98765 43210", Address: "12 Park Road, Hazratganj"},
		CallbackWindow: "09:00-21:00"} // 15:30 IST at the start of the test clock: her SMS are due at once
}

// file files in and fails the test on error.
func (b *bundle) file(t *testing.T, in cases.FileInput) cases.Filed {
	t.Helper()
	f, err := b.svc.File(b.ctx, nil, in, cases.English)
	if err != nil {
		t.Fatalf("File: %v", err)
	}
	return f
}

// publish drafts, submits and approves an ATR on complaint id.
func (b *bundle) publish(t *testing.T, id int64, station auth.Principal) cases.ATR {
	t.Helper()
	if _, err := b.svc.DraftATR(b.ctx, station, id, cases.ATRInput{Text: "We spoke to the accused and warned him.",
		ActionTaken: "Warning issued under section 126 BNSS", InternalNote: "accused is a local strongman"}, cases.English); err != nil {
		t.Fatalf("DraftATR: %v", err)
	}
	if _, err := b.svc.SubmitATR(b.ctx, station, id, cases.English); err != nil {
		t.Fatalf("SubmitATR: %v", err)
	}
	a, err := b.svc.ApproveATR(b.ctx, b.nodalFor(station), id, cases.English)
	if err != nil {
		t.Fatalf("ApproveATR: %v", err)
	}
	return a
}

func (b *bundle) nodalFor(station auth.Principal) auth.Principal {
	if station.Scope.ID == b.fx.StationB1 {
		return b.nodalB
	}
	return b.nodalA
}

// status returns complaint id's stored status.
func (b *bundle) status(t *testing.T, id int64) cases.Status {
	t.Helper()
	var s cases.Status
	if err := b.db.QueryRow(b.ctx, `SELECT status FROM complaints WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// count runs a count query.
func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// eventKinds returns the kinds on complaint id's timeline, in order.
func (b *bundle) eventKinds(t *testing.T, id int64, publicOnly bool) []string {
	t.Helper()
	rows, _ := b.db.Query(b.ctx, `SELECT kind FROM complaint_events WHERE complaint_id = $1 AND (public OR NOT $2) ORDER BY id`, id, publicOnly)
	kinds, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v; want %v", err, kind)
	}
}

func wantCode(t *testing.T, err error, kind error, code string) {
	t.Helper()
	ue, ok := vikalp.AsUserError(err)
	if !errors.Is(err, kind) || !ok || ue.Code != code {
		t.Fatalf("error = %v; want %v with code %s", err, kind, code)
	}
}

func errorsIsConflict(err error) bool { return errors.Is(err, vikalp.ErrConflict) }
