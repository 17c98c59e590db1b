package ingest_test

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/testkit"
)

// quick files a report without photos at lat, lon and returns its receipt
// and id.
func (b *bundle) quick(t *testing.T, category string, lat, lon float64) (ingest.ReportReceipt, int64) {
	t.Helper()
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: category, Lat: &lat, Lon: &lon, WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM reports WHERE code = $1`, rec.Code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return rec, id
}

// stationOf returns the station a report was routed to.
func (b *bundle) stationOf(t *testing.T, id int64) int64 {
	t.Helper()
	var st int64
	if err := b.db.QueryRow(b.ctx, `SELECT station_id FROM reports WHERE id = $1`, id).Scan(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestReportLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	rec, id := b.quick(t, "poorly_lit_area", lat, lon)
	if len(rec.Secret) != 10 {
		t.Fatalf("receipt secret %q, want 10 symbols", rec.Secret)
	}
	station := testkit.User(b.ctx, t, b.db, auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: b.stationOf(t, id)})
	foreign := testkit.User(b.ctx, t, b.db, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: 118})
	ahtu := testkit.User(b.ctx, t, b.db, auth.RoleMSPAnalyst, stateScope)

	t.Run("PendingTakesNoOutcome", func(t *testing.T) {
		err := b.svc.SetOutcome(b.ctx, station, id, ingest.OutcomeActionTaken, "patrolling_increased", "")
		if !errors.Is(err, vikalp.ErrConflict) {
			t.Fatalf("outcome of a pending report: %v, want ErrConflict", err)
		}
	})
	if err := b.svc.ApproveReport(b.ctx, mod, id); err != nil {
		t.Fatal(err)
	}
	t.Run("RolesAndScope", func(t *testing.T) {
		if err := b.svc.SetOutcome(b.ctx, foreign, id, ingest.OutcomeFixed, "other", ""); !errors.Is(err, vikalp.ErrNotFound) {
			t.Errorf("SP of Agra on a Lucknow report: %v, want ErrNotFound", err)
		}
		if err := b.svc.SetOutcome(b.ctx, ahtu, id, ingest.OutcomeFixed, "other", ""); !errors.Is(err, vikalp.ErrForbidden) {
			t.Errorf("MSP analyst: %v, want ErrForbidden", err)
		}
		if err := b.svc.SetOutcome(b.ctx, station, id, ingest.OutcomeFixed, "made_up", ""); !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("unknown reason: %v, want ErrInvalid", err)
		}
	})
	steps := []struct {
		who     auth.Principal
		outcome string
		reason  string
	}{
		{station, ingest.OutcomeActionTaken, "patrolling_increased"},
		{station, ingest.OutcomeFixed, "lighting_repaired"},
		{mod, ingest.OutcomeClosed, "lighting_repaired"},
	}
	for _, s := range steps {
		if err := b.svc.SetOutcome(b.ctx, s.who, id, s.outcome, s.reason, "lamp 14 replaced by the nagar nigam"); err != nil {
			t.Fatalf("%s: %v", s.outcome, err)
		}
	}
	if err := b.svc.SetOutcome(b.ctx, station, id, ingest.OutcomeActionTaken, "other", ""); !errors.Is(err, vikalp.ErrConflict) {
		t.Errorf("closed → action_taken: %v, want ErrConflict", err)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE object_kind = 'report' AND object_id = $1
		AND action IN ('report.action_taken', 'report.fixed', 'report.closed')`, id); n != 3 {
		t.Errorf("%d outcome audit entries, want 3", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%lamp 14%'`); n != 0 {
		t.Error("the staff note reached the audit log")
	}
	pub, err := b.svc.ReportStatus(b.ctx, rec.Code)
	if err != nil || pub.Outcome != ingest.OutcomeClosed || pub.Open311Status() != ingest.Open311Closed ||
		pub.Status != ingest.StatusApproved {
		t.Fatalf("closed report: %+v %v", pub, err)
	}

	// A pending report in the same place does not reopen it; its approval does.
	rec2, id2 := b.quick(t, "poorly_lit_area", lat+0.0001, lon)
	if pub, _ := b.svc.ReportStatus(b.ctx, rec.Code); pub.Outcome != ingest.OutcomeClosed {
		t.Fatalf("a pending report reopened the closed one: %q", pub.Outcome)
	}
	if err := b.svc.ApproveReport(b.ctx, mod, id2); err != nil {
		t.Fatal(err)
	}
	pub, _ = b.svc.ReportStatus(b.ctx, rec.Code)
	if pub.Outcome != ingest.OutcomeReopened || pub.Open311Status() != ingest.Open311Open {
		t.Fatalf("after a new approved report: outcome %q, status %s", pub.Outcome, pub.Open311Status())
	}
	hist, err := b.svc.ReportHistory(b.ctx, station, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range hist.Events {
		kinds = append(kinds, e.Kind)
	}
	want := []string{"approved", "action_taken", "fixed", "closed", "reopened"}
	if len(kinds) != len(want) || kinds[4] != "reopened" || *hist.Events[4].ByReportID != id2 ||
		hist.Events[3].Note != "lamp 14 replaced by the nagar nigam" {
		t.Fatalf("history %v (%+v), want %v", kinds, hist.Events, want)
	}
	if _, err := b.svc.ReportHistory(b.ctx, foreign, id); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("foreign history: %v", err)
	}
	_ = rec2

	t.Run("ReopenedCanBeWorkedAgain", func(t *testing.T) {
		if err := b.svc.SetOutcome(b.ctx, station, id, ingest.OutcomeActionTaken, "offenders_acted_on", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("EventsAreAppendOnly", func(t *testing.T) {
		if _, err := b.db.Exec(b.ctx, `UPDATE report_events SET note = '' WHERE report_id = $1`, id); err == nil {
			t.Error("report_events accepted an UPDATE")
		}
		if _, err := b.db.Exec(b.ctx, `DELETE FROM report_events WHERE report_id = $1`, id); err == nil {
			t.Error("report_events accepted a DELETE")
		}
	})
	t.Run("DifferentCategoryOrPlaceDoesNotReopen", func(t *testing.T) {
		_, other := b.quick(t, "poorly_lit_area", testkit.Agra[0], testkit.Agra[1])
		if err := b.svc.ApproveReport(b.ctx, mod, other); err != nil {
			t.Fatal(err)
		}
		for _, s := range steps[1:] {
			if err := b.svc.SetOutcome(b.ctx, mod, other, s.outcome, s.reason, ""); err != nil {
				t.Fatal(err)
			}
		}
		_, near := b.quick(t, "groping", testkit.Agra[0], testkit.Agra[1])
		cells, _ := geo.Index(testkit.Agra[0], testkit.Agra[1])
		far := geo.Center(int64(h3.Cell(cells.R8).GridDisk(3)[30]))
		_, away := b.quick(t, "poorly_lit_area", far.Lat(), far.Lon())
		for _, n := range []int64{near, away} {
			if err := b.svc.ApproveReport(b.ctx, mod, n); err != nil {
				t.Fatal(err)
			}
		}
		if n := b.count(t, `SELECT count(*) FROM reports WHERE id = $1 AND outcome = 'closed'`, other); n != 1 {
			t.Error("another category or a far place reopened a closed report")
		}
	})
}

func TestReporterUpdates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec, id := b.quick(t, "stalking", testkit.Lucknow[0], testkit.Lucknow[1])

	if _, err := b.svc.AddReporterUpdate(b.ctx, rec.Code, "WRONGSECRT", "he was there again", nil); !errors.Is(err, vikalp.ErrNotFound) {
		t.Fatalf("wrong secret: %v, want ErrNotFound", err)
	}
	ups, err := b.svc.AddReporterUpdate(b.ctx, rec.Code, rec.Secret, "he was there again\u202e tonight", nil)
	if err != nil || len(ups) != 1 || ups[0].Text != "he was there again tonight" {
		t.Fatalf("text update: %+v %v", ups, err)
	}
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 200, Height: 150, GPS: &testkit.Lucknow})
	media := b.count(t, `SELECT count(*) FROM media`)
	if ups, err = b.svc.AddReporterUpdate(b.ctx, rec.Code, rec.Secret, "", photo); err != nil || len(ups) != 2 || !ups[1].HasPhoto {
		t.Fatalf("photo update: %+v %v", ups, err)
	}
	if b.count(t, `SELECT count(*) FROM media`) != media+1 {
		t.Error("the photo update stored no media row")
	}
	if n := b.count(t, `SELECT count(*) FROM report_media WHERE report_id = $1`, id); n != 0 {
		t.Error("an update's photo became one of the report's public photos")
	}
	if _, err := b.svc.AddReporterUpdate(b.ctx, rec.Code, rec.Secret, "", ingesttest.PDF()); !errors.Is(err, vikalp.ErrInvalid) {
		t.Errorf("a PDF update: %v, want ErrInvalid", err)
	}
	view, err := b.svc.TrackReport(b.ctx, rec.Code, rec.Secret)
	if err != nil || len(view.Updates) != 2 || view.Report.Status != ingest.StatusPending || len(view.Timeline) != 0 {
		t.Fatalf("her view: %+v %v", view, err)
	}
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	if err := b.svc.RejectReport(b.ctx, mod, id, ingest.RejectNotRelevant); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AddReporterUpdate(b.ctx, rec.Code, rec.Secret, "more", nil); !errors.Is(err, vikalp.ErrConflict) {
		t.Errorf("update to a rejected report: %v, want ErrConflict", err)
	}
	if v, err := b.svc.TrackReport(b.ctx, rec.Code, rec.Secret); err != nil || len(v.Timeline) != 0 {
		t.Errorf("a rejection is on her public timeline: %+v %v", v.Timeline, err)
	}
}

// The retention purge of rejected reports takes their history and updates
// with them (report_events is append-only otherwise).
func TestRejectedReportWithHistoryIsPurged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec, id := b.quick(t, "stalking", testkit.Lucknow[0], testkit.Lucknow[1])
	if _, err := b.svc.AddReporterUpdate(b.ctx, rec.Code, rec.Secret, "again today", nil); err != nil {
		t.Fatal(err)
	}
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	if err := b.svc.RejectReport(b.ctx, mod, id, ingest.RejectSpam); err != nil {
		t.Fatal(err)
	}
	later, err := ingest.NewService(b.db, ingest.Deps{Bucket: b.bucket, Keyring: testkit.Keyring(t),
		Jobs: testkit.Jobs(t, b.db), Logger: slog.New(slog.DiscardHandler),
		Clock: clock.NewFake(time.Now().AddDate(2, 0, 0))})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := later.Purge(b.ctx, ingest.RetentionConfig{}, false)
	if err != nil || sum.Reports != 1 {
		t.Fatalf("purge: %+v %v", sum, err)
	}
	for _, table := range []string{"report_events", "report_updates", "report_reporters"} {
		if n := b.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s keeps %d rows of the purged report", table, n)
		}
	}
}

func TestReplayedSubmissionReturnsItsSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	in := ingest.NewReport{Category: "groping", Lat: &lat, Lon: &lon, WithoutPhotos: true, IdempotencyKey: "k-0123456789abcdef"}
	first, err := b.svc.SubmitReport(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.svc.SubmitReport(b.ctx, in)
	if err != nil || !again.Replayed || again.Secret != first.Secret || again.Code != first.Code {
		t.Fatalf("replay %+v (%v), first %+v", again, err, first)
	}
}

func TestOpen311Attributes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	submit := func(cat string, attrs map[string]string) error {
		_, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: cat, Lat: &lat, Lon: &lon, WithoutPhotos: true,
			Source: ingest.SourceOpen311, Attributes: attrs})
		return err
	}
	for name, tc := range map[string]struct {
		cat   string
		attrs map[string]string
	}{
		"UnknownQuestion":       {"stalking", map[string]string{"lighting": "no_lights"}},
		"AnswerNotInList":       {"poorly_lit_area", map[string]string{"lighting": "purple"}},
		"NumberOutOfRange":      {"drunk_gathering", map[string]string{"group_size": "5000"}},
		"NumberNotANumber":      {"drunk_gathering", map[string]string{"group_size": "many"}},
		"CommonAnswerNotInList": {"groping", map[string]string{"time_of_day": "teatime"}},
	} {
		if err := submit(tc.cat, tc.attrs); !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM reports`); n != 0 {
		t.Fatalf("refused submissions stored %d reports", n)
	}
	if err := submit("drunk_gathering", map[string]string{"group_size": " 012 ", "time_of_day": "night", "recurring": ""}); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := b.db.QueryRow(b.ctx, `SELECT attributes::text FROM reports`).Scan(&stored); err != nil ||
		stored != `{"group_size": "12", "time_of_day": "night"}` {
		t.Fatalf("stored attributes %s (%v)", stored, err)
	}
	if n := b.count(t, `SELECT count(*) FROM reports WHERE open311_token ~ '^[0-9a-f]{32}$'`); n != 1 {
		t.Error("an Open311 submission got no token")
	}
}
