package cases

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// The daily digest for supervisors (issue 22): every morning at a set IST
// time each district's SP and nodal officer, and the MSP for the state, get
// counts only by SMS and on their console home page. One supervisor_digests
// row per (IST day, scope); the SMS are queued in the transaction that
// inserts the row, so a re-run of the day sends nothing new.

// Digest scopes.
const (
	DigestState    = "state"
	DigestDistrict = "district"
)

// DefaultDigestAt is the IST time of day digests are made when none is
// configured (08:00).
const DefaultDigestAt = 8 * time.Hour

// Digest is one scope's counts for one day: counts only, never a code, a
// category or a name.
type Digest struct {
	ID          int64     `db:"id"`
	Day         time.Time `db:"day"` // the IST date
	ScopeKind   string    `db:"scope_kind"`
	DistrictID  *int      `db:"district_id"` // nil for the state
	PeriodStart time.Time `db:"period_start"`
	PeriodEnd   time.Time `db:"period_end"`
	// NewComplaints were filed from PeriodStart (the previous digest, or
	// 24 h back) to PeriodEnd; the other counts are as of PeriodEnd.
	NewComplaints    int       `db:"new_complaints"`
	OverdueATRs      int       `db:"overdue_atrs"`
	AwaitingVetting  int       `db:"awaiting_vetting"`
	DirectionsOpen   int       `db:"directions_open"`
	DissatisfiedOpen int       `db:"dissatisfied_open"`
	CreatedAt        time.Time `db:"created_at"`
}

// DigestDay is the IST date of the latest digest time at (a time of day)
// that is not after now: at 07:59 IST it is yesterday, at 08:00 today.
func DigestDay(now time.Time, at time.Duration) time.Time {
	n := now.In(vikalp.IST).Add(-at)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// DigestSchedule is a river.PeriodicSchedule that fires once a day at At
// (a time of day, IST).
type DigestSchedule struct{ At time.Duration }

// Next implements river.PeriodicSchedule: the first digest time after t.
func (s DigestSchedule) Next(t time.Time) time.Time {
	local := t.In(vikalp.IST)
	next := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, vikalp.IST).Add(s.At)
	for !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// DigestArgs makes the digests of one IST day (YYYY-MM-DD).
type DigestArgs struct {
	Day string `json:"day"`
}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "cases.digest" }

// DigestPeriodicJob makes the day's digests every day at at (IST time of
// day), and at start for the latest day whose time has passed: a worker
// that was down at 08:00 catches up, and one that was not finds the day
// done and sends nothing.
func DigestPeriodicJob(at time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(DigestSchedule{At: at}, func() (river.JobArgs, *river.InsertOpts) {
		return DigestArgs{Day: DigestDay(time.Now(), at).Format(time.DateOnly)}, nil
	}, &river.PeriodicJobOpts{RunOnStart: true})
}

// DigestWorker runs DigestArgs jobs.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *DigestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	day, err := time.Parse(time.DateOnly, job.Args.Day)
	if err != nil {
		return fmt.Errorf("digest day %q: %w", job.Args.Day, err)
	}
	_, err = w.Service.MakeDigests(ctx, day)
	return err
}

// MakeDigests makes the digests of day (an IST date) for every district
// and the state, as of now, and queues their SMS: one to each district's
// supervisory officers (SP and nodal officer), one to the MSP. Scopes that
// already have the day's digest are skipped, so running it again sends
// nothing. It returns the digests it made.
func (s *Service) MakeDigests(ctx context.Context, day time.Time) ([]Digest, error) {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	var made []Digest
	err := s.inTx(ctx, func(t *txn) error {
		store := NewDigestStore(t.tx)
		ds, err := store.DistrictCounts(ctx, day, t.now)
		if err != nil {
			return err
		}
		state := Digest{ScopeKind: DigestState}
		if state.PeriodStart, state.NewComplaints, err = store.StateNew(ctx, day, t.now); err != nil {
			return err
		}
		for i := range ds {
			ds[i].ScopeKind = DigestDistrict
			state.OverdueATRs += ds[i].OverdueATRs
			state.AwaitingVetting += ds[i].AwaitingVetting
			state.DirectionsOpen += ds[i].DirectionsOpen
			state.DissatisfiedOpen += ds[i].DissatisfiedOpen
		}
		if made, err = store.InsertNew(ctx, day, t.now, append(ds, state)); err != nil {
			return err
		}
		for _, d := range made {
			if err := s.queueDigestSMS(ctx, t, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("make digests of %s: %w", day.Format(time.DateOnly), err)
	}
	s.logger.InfoContext(ctx, "Digests made", slog.String("day", day.Format(time.DateOnly)), slog.Int("digests", len(made)))
	return made, nil
}

// LatestDigest returns the newest digest of p's scope: the district's for
// its SP and nodal officer, the state's for MSP. Other roles are
// ErrForbidden; before the first digest it is ErrNotFound.
func (s *Service) LatestDigest(ctx context.Context, p auth.Principal) (Digest, error) {
	v, err := visibility(p)
	if err != nil {
		return Digest{}, err
	}
	if err := requireRole(p, auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal); err != nil {
		return Digest{}, err
	}
	kind := DigestState
	if v.DistrictID != nil {
		kind = DigestDistrict
	}
	d, err := NewDigestStore(s.db).Latest(ctx, kind, v.DistrictID)
	if err != nil {
		return Digest{}, fmt.Errorf("latest digest: %w", err)
	}
	return d, nil
}

// SMS templates of the digest: counts only.
const (
	TemplateDigestDistrict = "digest.district"
	TemplateDigestState    = "digest.state"
)

// digestSMSTexts are the digest bodies, English and Hindi; %[1]s is the
// date, %[2]d…%[6]d the counts (new, overdue, awaiting vetting,
// directions open, dissatisfied). Both languages go in one message.
var digestSMSTexts = map[string][2]string{
	TemplateDigestDistrict: {
		"VIKALP digest %[1]s, your district: new %[2]d, ATRs overdue %[3]d, awaiting vetting %[4]d, directions open %[5]d, dissatisfied %[6]d. Details in the Vikalp console.",
		"विकल्प सारांश %[1]s, आपका जनपद: नई शिकायतें %[2]d, विलंबित कार्रवाई रिपोर्ट %[3]d, जांच हेतु लंबित %[4]d, खुले निर्देश %[5]d, असंतुष्ट %[6]d। विवरण विकल्प कंसोल में।",
	},
	TemplateDigestState: {
		"VIKALP digest %[1]s, Uttar Pradesh: new %[2]d, ATRs overdue %[3]d, awaiting vetting %[4]d, directions open %[5]d, dissatisfied %[6]d. Details in the Vikalp console.",
		"विकल्प सारांश %[1]s, उत्तर प्रदेश: नई शिकायतें %[2]d, विलंबित कार्रवाई रिपोर्ट %[3]d, जांच हेतु लंबित %[4]d, खुले निर्देश %[5]d, असंतुष्ट %[6]d। विवरण विकल्प कंसोल में।",
	},
}

// digestSMSBody renders a digest's message in English and Hindi.
func digestSMSBody(template string, d Digest) string {
	day := d.Day.Format("02.01.2006")
	parts := make([]string, 0, 2)
	for _, text := range digestSMSTexts[template] {
		parts = append(parts, fmt.Sprintf(text, day, d.NewComplaints, d.OverdueATRs, d.AwaitingVetting,
			d.DirectionsOpen, d.DissatisfiedOpen))
	}
	return strings.Join(parts, "\n")
}

// queueDigestSMS queues a digest's message: to the district's supervisory
// officers (every role: the SP and the nodal officer), or to the MSP.
func (s *Service) queueDigestSMS(ctx context.Context, t *txn, d Digest) error {
	m := notify.OutboxSMS{ToKind: notify.ToMSP, Template: TemplateDigestState, CreatedAt: t.now}
	if d.ScopeKind == DigestDistrict {
		m.ToKind, m.Template, m.DistrictID = notify.ToDistrictOfficers, TemplateDigestDistrict, d.DistrictID
	}
	m.Body = digestSMSBody(m.Template, d)
	return s.queueSMS(ctx, t, m)
}
