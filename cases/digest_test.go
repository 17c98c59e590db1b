package cases_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
	"github.com/vikalp/vikalp/notify"
)

func TestDigestSchedule(t *testing.T) {
	t.Parallel()
	s := cases.DigestSchedule{At: 8 * time.Hour} // 08:00 IST = 02:30 UTC
	for _, tc := range []struct{ now, want time.Time }{
		{time.Date(2025, 11, 27, 2, 29, 59, 0, time.UTC), time.Date(2025, 11, 27, 2, 30, 0, 0, time.UTC)},
		{time.Date(2025, 11, 27, 2, 30, 0, 0, time.UTC), time.Date(2025, 11, 28, 2, 30, 0, 0, time.UTC)},
		{time.Date(2025, 11, 26, 20, 0, 0, 0, time.UTC), time.Date(2025, 11, 27, 2, 30, 0, 0, time.UTC)}, // 01:30 IST on the 27th
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 2, 30, 0, 0, time.UTC)},
	} {
		if got := s.Next(tc.now); !got.Equal(tc.want) {
			t.Errorf("Next(%s) = %s; want %s", tc.now, got.UTC(), tc.want)
		}
	}
	if got := (cases.DigestSchedule{}).Next(time.Date(2025, 11, 27, 18, 30, 0, 0, time.UTC)); !got.Equal(time.Date(2025, 11, 28, 18, 30, 0, 0, time.UTC)) {
		t.Errorf("midnight IST: Next = %s", got.UTC())
	}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, 11, 27, 2, 29, 0, 0, time.UTC), "2025-11-26"}, // 07:59 IST: yesterday's is the latest
		{time.Date(2025, 11, 27, 2, 30, 0, 0, time.UTC), "2025-11-27"},
		{time.Date(2025, 11, 27, 19, 0, 0, 0, time.UTC), "2025-11-28"}, // 00:30 IST on the 28th, at 00:00
	} {
		at := 8 * time.Hour
		if tc.now.Hour() == 19 {
			at = 0
		}
		if got := cases.DigestDay(tc.now, at).Format(time.DateOnly); got != tc.want {
			t.Errorf("DigestDay(%s, %s) = %s; want %s", tc.now, at, got, tc.want)
		}
	}
}

// TestDigest builds a day of complaints in two districts, makes the next
// morning's digests and checks the counts, the SMS (counts only) and that
// a re-run sends nothing.
func TestDigest(t *testing.T) {
	b := setup(t)
	inB := input()
	inB.Lat, inB.Lon = ptr(casestest.PointB[0]), ptr(casestest.PointB[1])
	dayStart := time.Date(2025, 11, 27, 2, 30, 0, 0, time.UTC) // 08:00 IST on 27 Nov

	// Before the window: B's old complaint, overdue by the morning.
	b.clock.Set(dayStart.Add(-31 * time.Hour))
	old := b.file(t, inB)
	// In the window: three in A (one withdrawn), one in B.
	b.clock.Set(dayStart.Add(-16 * time.Hour))
	dis, vet, gone := b.file(t, input()), b.file(t, input()), b.file(t, input())
	fresh := b.file(t, inB)
	b.clock.Advance(2 * time.Hour)
	b.publishText(t, dis.ID, b.stationA1, atrFirst)
	b.rate(t, dis, cases.RatingDissatisfied)
	b.submitText(t, vet.ID, b.stationA1, atrOthers[0])
	if _, err := b.svc.Withdraw(b.ctx, string(gone.Code), string(gone.Secret), "", cases.English); err != nil {
		t.Fatal(err)
	}
	// Directions: one open on B's new case; one answered and one on the
	// withdrawn case, neither counted.
	direct := func(id int64, answered bool) {
		t.Helper()
		_, err := b.db.Exec(b.ctx, `INSERT INTO complaint_directions (complaint_id, issued_by, issuer_role, to_role, body,
			created_at, answered_at, answered_by, answer)
			VALUES ($1, $2, 'msp_analyst', 'station', 'report on the visit', $3,
				CASE WHEN $4 THEN $3::timestamptz + interval '1 hour' END, CASE WHEN $4 THEN $2::bigint END,
				CASE WHEN $4 THEN 'visited' END)`, id, b.analyst.UserID, b.clock.Now(), answered)
		if err != nil {
			t.Fatal(err)
		}
	}
	direct(fresh.ID, false)
	direct(dis.ID, true)
	direct(gone.ID, false)

	b.clock.Set(dayStart)
	day := cases.DigestDay(dayStart, cases.DefaultDigestAt)
	made, err := b.svc.MakeDigests(b.ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]cases.Digest{}
	for _, d := range made {
		k := 0
		if d.DistrictID != nil {
			k = *d.DistrictID
		}
		got[k] = d
		if !d.PeriodEnd.Equal(dayStart) || !d.PeriodStart.Equal(dayStart.Add(-24*time.Hour)) || d.Day.Format(time.DateOnly) != "2025-11-27" {
			t.Errorf("digest %d window %s..%s day %s", k, d.PeriodStart, d.PeriodEnd, d.Day)
		}
	}
	// Hand count: A has 3 new (incl. the withdrawn), 1 awaiting vetting,
	// 1 dissatisfied; B 1 new, the old one overdue, 1 open direction.
	want := map[int][5]int{
		b.fx.DistrictA: {3, 0, 1, 0, 1},
		b.fx.DistrictB: {1, 1, 0, 1, 0},
		0:              {4, 1, 1, 1, 1},
	}
	if len(made) != 3 {
		t.Fatalf("%d digests; want 2 districts and the state", len(made))
	}
	for k, w := range want {
		d := got[k]
		if c := [5]int{d.NewComplaints, d.OverdueATRs, d.AwaitingVetting, d.DirectionsOpen, d.DissatisfiedOpen}; c != w {
			t.Errorf("digest of %d = %v; want %v", k, c, w)
		}
	}
	// The same counts by an independent query of the stored rows.
	if n := b.count(t, `SELECT count(*) FROM complaints WHERE status IN ('assigned', 'atr_draft', 'escalated') AND atr_due_at < $1`, dayStart); n != 1 || old.ID == 0 {
		t.Errorf("independent overdue count %d", n)
	}

	sms := digestSMS(t, b)
	if len(sms) != 3 {
		t.Fatalf("%d digest SMS; want 3", len(sms))
	}
	code := regexp.MustCompile(`VK-[0-9A-Z]{4}`)
	for _, m := range sms {
		for _, bad := range []string{"Asha", "Verma", "98765", "43210", "Park Road", "stalk", "पीछा", "Hazratganj", "हजरतगंज"} {
			if strings.Contains(m.Body, bad) {
				t.Errorf("digest SMS names %q: %s", bad, m.Body)
			}
		}
		if code.MatchString(m.Body) {
			t.Errorf("digest SMS carries a complaint code: %s", m.Body)
		}
		if m.ComplaintID != nil || !strings.Contains(m.Body, "विकल्प सारांश 27.11.2025") {
			t.Errorf("digest SMS %+v", m)
		}
	}
	if m := sms[0]; m.ToKind != notify.ToDistrictOfficers || m.ToRole != "" || m.DistrictID == nil || *m.DistrictID != b.fx.DistrictA ||
		!strings.Contains(m.Body, "new 3, ATRs overdue 0, awaiting vetting 1, directions open 0, dissatisfied 1") {
		t.Errorf("district A SMS %+v", m)
	}
	if m := sms[2]; m.ToKind != notify.ToMSP || m.DistrictID != nil || !strings.Contains(m.Body, "Uttar Pradesh: new 4, ATRs overdue 1") {
		t.Errorf("MSP SMS %+v", m)
	}

	t.Run("QueueFilterBehindTheCount", func(t *testing.T) {
		items, err := b.svc.Queue(b.ctx, b.nodalA, cases.QueueFilter{Dissatisfied: true})
		if err != nil || len(items) != 1 || items[0].ID != dis.ID {
			t.Errorf("dissatisfied queue %+v, %v; want only %s", items, err, dis.Code)
		}
		items, err = b.svc.Queue(b.ctx, b.analyst, cases.QueueFilter{Overdue: true})
		if err != nil || len(items) != 1 || items[0].ID != old.ID {
			t.Errorf("overdue queue %+v, %v; want only %s", items, err, old.Code)
		}
	})

	t.Run("RerunSendsNothing", func(t *testing.T) {
		b.clock.Advance(time.Hour)
		again, err := b.svc.MakeDigests(b.ctx, day)
		if err != nil || len(again) != 0 {
			t.Fatalf("re-run made %d digests (%v)", len(again), err)
		}
		if n := len(digestSMS(t, b)); n != 3 {
			t.Errorf("%d digest SMS after the re-run; want 3", n)
		}
	})

	t.Run("NextDayCountsSinceThePrevious", func(t *testing.T) {
		b.clock.Set(dayStart.Add(6 * time.Hour))
		b.file(t, input())
		next := dayStart.Add(24 * time.Hour)
		b.clock.Set(next)
		made, err := b.svc.MakeDigests(b.ctx, cases.DigestDay(next, cases.DefaultDigestAt))
		if err != nil || len(made) != 3 {
			t.Fatalf("next day: %d digests, %v", len(made), err)
		}
		for _, d := range made {
			if !d.PeriodStart.Equal(dayStart) {
				t.Errorf("next window starts %s; want the previous digest's end %s", d.PeriodStart, dayStart)
			}
		}
		if made[2].NewComplaints != 1 || made[0].NewComplaints != 1 || made[1].NewComplaints != 0 {
			t.Errorf("next day's new: %d, %d, %d; want A 1, B 0, state 1", made[0].NewComplaints, made[1].NewComplaints, made[2].NewComplaints)
		}
	})

	t.Run("Latest", func(t *testing.T) {
		d, err := b.svc.LatestDigest(b.ctx, b.nodalA)
		if err != nil || d.ScopeKind != cases.DigestDistrict || d.DistrictID == nil || *d.DistrictID != b.fx.DistrictA ||
			d.Day.Format(time.DateOnly) != "2025-11-28" {
			t.Errorf("nodal A latest %+v, %v", d, err)
		}
		d, err = b.svc.LatestDigest(b.ctx, b.analyst)
		if err != nil || d.ScopeKind != cases.DigestState || d.DistrictID != nil {
			t.Errorf("MSP latest %+v, %v", d, err)
		}
		if _, err := b.svc.LatestDigest(b.ctx, b.stationA1); !errors.Is(err, vikalp.ErrForbidden) {
			t.Errorf("station: %v; want forbidden", err)
		}
	})
}

func TestLatestDigestBeforeTheFirst(t *testing.T) {
	b := setup(t)
	if _, err := b.svc.LatestDigest(b.ctx, b.spA); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("before any digest: %v; want not found", err)
	}
}

// TestDigestWorker: the periodic job's worker makes its day's digests, and
// a job whose day is not a date fails without making any.
func TestDigestWorker(t *testing.T) {
	b := setup(t)
	w := &cases.DigestWorker{Service: b.svc}
	if err := w.Work(b.ctx, &river.Job[cases.DigestArgs]{Args: cases.DigestArgs{Day: "27 Nov"}}); err == nil {
		t.Error("a job with a malformed day succeeded")
	}
	if err := w.Work(b.ctx, &river.Job[cases.DigestArgs]{Args: cases.DigestArgs{Day: "2025-11-27"}}); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM supervisor_digests WHERE day = '2025-11-27'`); n != 3 {
		t.Errorf("%d digests; want 2 districts and the state", n)
	}
}

// digestSMS returns the digest rows of the SMS outbox: districts by id,
// then the MSP's.
func digestSMS(t *testing.T, b *bundle) []notify.OutboxSMS {
	t.Helper()
	rows, _ := b.db.Query(b.ctx, `SELECT id, to_kind, to_role, district_id, complaint_id, report_id, phone_sealed, template, body,
		status, provider, attempts, last_error, created_at, sent_at
		FROM sms_outbox WHERE template LIKE 'digest.%' ORDER BY district_id NULLS LAST`)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[notify.OutboxSMS])
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
