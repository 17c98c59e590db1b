package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/leads"
)

// The routing rules of ARCHITECTURE §8. Each takes ids and cells only; the
// summaries they write never hold text, names, numbers or points.

// districtNames returns a district's English and Hindi names for a
// summary, "" and "" when the district is unknown.
func districtNames(ctx context.Context, db pg.DBTX, id int) (en, hi string) {
	if id == 0 {
		return "", ""
	}
	d, err := jurisdiction.NewDistrictStore(db).District(ctx, id)
	if err != nil {
		return "", ""
	}
	return d.NameEN, d.NameHI
}

// cellPlace describes where r8 cell is, public-safe: the police station
// area of the cell's centre and district's names (the district alone when
// no station is found).
func cellPlace(ctx context.Context, db pg.DBTX, cell int64, district int) (en, hi string) {
	dEN, dHI := districtNames(ctx, db, district)
	c := geo.Center(cell)
	st, err := jurisdiction.NewStationStore(db).StationFor(ctx, c.Lat(), c.Lon())
	if err != nil || st.DistrictID != district {
		return stationPlace("", "", dEN, dHI)
	}
	return stationPlace(st.NameEN, st.NameHI, dEN, dHI)
}

// RaiseHappeningNow alerts the PCR unit that ingest routed a "happening
// now" report to (the unit whose zone covers the point, else the nearest by
// KNN), or the district control room when no PCR unit exists at all. One
// report raises one alert however often the job runs. It is raised at once,
// before moderation, and says so ("unverified"); hotspot alerts, by
// contrast, come from approved reports only (docs/PRIVACY.md). The alert
// names the report's category, time and police station area.
func (s *Service) RaiseHappeningNow(ctx context.Context, args ingest.HappeningNowArgs) (Alert, error) {
	var a Alert
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) (err error) {
		a, err = s.raiseHappeningNowTx(ctx, tx, args)
		return err
	})
	if err != nil {
		return Alert{}, fmt.Errorf("raise happening-now alert for report %d: %w", args.ReportID, err)
	}
	return a, nil
}

// RaiseHappeningNowTx is RaiseHappeningNow in tx, the transaction that
// stores the report (ingest.AlertRaiser): the console hears of the alert
// when the report commits.
func (s *Service) RaiseHappeningNowTx(ctx context.Context, tx pgx.Tx, args ingest.HappeningNowArgs) error {
	if _, err := s.raiseHappeningNowTx(ctx, tx, args); err != nil {
		return fmt.Errorf("raise happening-now alert for report %d: %w", args.ReportID, err)
	}
	return nil
}

func (s *Service) raiseHappeningNowTx(ctx context.Context, tx pgx.Tx, args ingest.HappeningNowArgs) (Alert, error) {
	r, err := s.happeningNowRaise(ctx, tx, args)
	if err != nil {
		return Alert{}, err
	}
	r.Unit = Unit{Kind: UnitPCR, ID: args.PCRUnitID}
	if args.PCRUnitID == 0 {
		r.Unit = Unit{Kind: UnitDistrictControlRoom, ID: int64(args.DistrictID)}
	}
	a, _, err := s.RaiseTx(ctx, tx, r)
	return a, err
}

// happeningNowRaise is the alert for a "happening now" report, unit aside.
// A report that is gone (retention) is still alerted, with its district
// only.
func (s *Service) happeningNowRaise(ctx context.Context, tx pgx.Tx, args ingest.HappeningNowArgs) (Raise, error) {
	f, err := NewSubjectStore(tx).Report(ctx, args.ReportID)
	switch {
	case errors.Is(err, vikalp.ErrNotFound):
		f = ReportFacts{Category: string(ingest.CategoryOther), EventAt: s.now()}
		f.DistrictEN, f.DistrictHI = districtNames(ctx, tx, args.DistrictID)
	case err != nil:
		return Raise{}, err
	}
	info, ok := ingest.Category(f.Category).Info()
	if !ok {
		info, _ = ingest.CategoryOther.Info()
	}
	place, placeHI := stationPlace(f.StationEN, f.StationHI, f.DistrictEN, f.DistrictHI)
	return Raise{Kind: KindHappeningNow, DistrictID: args.DistrictID, Severity: SeverityCritical,
		DedupKey: fmt.Sprintf("report:%d", args.ReportID),
		Summary: fmt.Sprintf("Happening now (unverified): %s; a public report needs a PCR response",
			joinPlace(info.LabelEN, place, istTime(f.EventAt))),
		SummaryHI: fmt.Sprintf("अभी हो रहा है (असत्यापित): %s; एक सार्वजनिक रिपोर्ट पर पीसीआर की कार्रवाई चाहिए",
			joinPlace(info.LabelHI, placeHI, hindiTime(f.EventAt))),
		Category: string(info.Code), Place: place, PlaceHI: placeHI, OccurredAt: f.EventAt,
		Link:        fmt.Sprintf("/staff/dispatch?report=%d", args.ReportID),
		SubjectKind: "report", SubjectID: args.ReportID, H3R8: args.H3R8}, nil
}

// Hotspot is a new statistically significant hotspot found by analytics.
type Hotspot struct {
	H3R8       int64   // the hot cell
	WindowKey  string  // the analysis window, e.g. "30d"
	Bin        int     // Gi* confidence bin, 3 = 99 %
	GiZ        float64 // Gi* z score
	DistrictID int     // its district, 0 when unknown
	RunID      int64   // the analysis run
}

// PCRUnitForCell returns the PCR unit for an r8 cell: the one whose zone
// covers the cell's centre, else the nearest unit by PostGIS KNN.
func PCRUnitForCell(ctx context.Context, db pg.DBTX, cell int64) (jurisdiction.PCRUnit, error) {
	if !geo.ValidCell(cell) {
		return jurisdiction.PCRUnit{}, vikalp.Invalidf("not an H3 cell")
	}
	c := geo.Center(cell)
	return jurisdiction.NewPCRStore(db).PCRUnitFor(ctx, c.Lat(), c.Lon())
}

// RaiseHotspot alerts the PCR unit covering a new significant hotspot
// (nearest unit when none covers it). The same cell never has two live
// alerts, whichever run or window found it.
func (s *Service) RaiseHotspot(ctx context.Context, h Hotspot) (Alert, error) {
	var a Alert
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		u, err := PCRUnitForCell(ctx, tx, h.H3R8)
		if err != nil {
			return err
		}
		district := h.DistrictID
		if district == 0 {
			district = u.DistrictID
		}
		sev := SeverityWarning
		if h.Bin >= 3 {
			sev = SeverityCritical
		}
		place, placeHI := cellPlace(ctx, tx, h.H3R8, district)
		now := s.now()
		a, _, err = s.RaiseTx(ctx, tx, Raise{Kind: KindHotspot, Unit: Unit{Kind: UnitPCR, ID: u.ID},
			DistrictID: district, Severity: sev, DedupKey: fmt.Sprintf("hotspot:%d", h.H3R8),
			Summary: fmt.Sprintf("New harassment hotspot (%d%% confidence): %s", binConfidence(h.Bin),
				joinPlace(place, "found "+istTime(now))),
			SummaryHI: fmt.Sprintf("उत्पीड़न का नया हॉटस्पॉट (%d%% विश्वास): %s", binConfidence(h.Bin),
				joinPlace(placeHI, hindiTime(now))),
			Category: CategoryHotspot, Place: place, PlaceHI: placeHI, OccurredAt: now,
			Link:        fmt.Sprintf("/staff/heatmap?cell=%x", h.H3R8),
			SubjectKind: "hotspot", SubjectID: h.RunID, H3R8: h.H3R8})
		return err
	})
	if err != nil {
		return Alert{}, fmt.Errorf("raise hotspot alert: %w", err)
	}
	return a, nil
}

func binConfidence(bin int) int {
	switch {
	case bin >= 3:
		return 99
	case bin == 2:
		return 95
	}
	return 90
}

// Lead is a new or rising trafficking lead found by package leads.
type Lead struct {
	LeadID        int64
	AHTUID        int // the AHTU of the lead's district; 0 to look it up
	DistrictID    int // used when AHTUID is 0; with both 0 the AHTU in-charge is alerted
	Score         float64
	PreviousScore float64
	Reason        string // "new" or "rising"
}

// RaiseLead alerts the AHTU covering a lead's district (the AHTU in-charge
// when no AHTU covers it). A lead with a live alert raises no second one:
// that alert follows the lead instead, taking the higher score and its
// summary (an "updated" event), so the AHTU never reads a stale score.
func (s *Service) RaiseLead(ctx context.Context, l Lead) (Alert, error) {
	var a Alert
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		unit, ahtu, err := leadUnit(ctx, tx, l)
		if err != nil {
			return err
		}
		a, _, err = s.RaiseTx(ctx, tx, s.leadRaise(l, unit, ahtu))
		return err
	})
	if err != nil {
		return Alert{}, fmt.Errorf("raise lead alert %d: %w", l.LeadID, err)
	}
	return a, nil
}

// leadUnit is the unit a lead alert goes to, with the AHTU (zero for the
// in-charge).
func leadUnit(ctx context.Context, tx pgx.Tx, l Lead) (Unit, jurisdiction.AHTU, error) {
	store := jurisdiction.NewAHTUStore(tx)
	var u jurisdiction.AHTU
	var err error
	switch {
	case l.AHTUID != 0:
		u, err = store.AHTU(ctx, l.AHTUID)
		if errors.Is(err, vikalp.ErrNotFound) {
			return Unit{Kind: UnitAHTU, ID: int64(l.AHTUID)}, jurisdiction.AHTU{}, nil // named by leads; no place
		}
	case l.DistrictID != 0:
		u, err = store.AHTUForDistrict(ctx, l.DistrictID)
	default:
		return Unit{Kind: UnitAHTUInCharge}, jurisdiction.AHTU{}, nil // no AHTU covers its places: the state in-charge
	}
	if err != nil {
		return Unit{}, jurisdiction.AHTU{}, err
	}
	return Unit{Kind: UnitAHTU, ID: int64(u.ID)}, u, nil
}

// leadRaise is the alert for lead l to unit: its score (and the score of
// its last alert when rising), the AHTU's area and the time. Never a
// lead's places, names or numbers.
func (s *Service) leadRaise(l Lead, unit Unit, ahtu jurisdiction.AHTU) Raise {
	what, whatHI := "New", "नया"
	if l.Reason == "rising" {
		what, whatHI = "Rising", "बढ़ता"
	}
	was, wasHI := "", ""
	if l.PreviousScore > 0 {
		was, wasHI = fmt.Sprintf(" (was %.0f)", l.PreviousScore), fmt.Sprintf(" (पहले %.0f)", l.PreviousScore)
	}
	place, placeHI := unitPlace(ahtu.NameEN, ahtu.NameHI)
	now, sc := s.now(), l.Score
	return Raise{Kind: KindLead, Unit: unit, DistrictID: l.DistrictID, Severity: SeverityCritical,
		DedupKey: fmt.Sprintf("lead:%d", l.LeadID),
		Summary:  joinPlace(fmt.Sprintf("%s trafficking lead, score %.0f%s", what, l.Score, was), place, istTime(now)),
		SummaryHI: joinPlace(fmt.Sprintf("मानव तस्करी का %s सुराग, स्कोर %.0f%s", whatHI, l.Score, wasHI), placeHI,
			hindiTime(now)),
		Category: CategoryLead, Place: place, PlaceHI: placeHI, OccurredAt: now, Score: &sc, Refresh: true,
		Link:        fmt.Sprintf("/staff/leads/%d", l.LeadID),
		SubjectKind: "lead", SubjectID: l.LeadID}
}

// RaiseComplaintsTx raises a console alert for each complaint notice in the
// complaint's transaction tx, with one statement for all of them (a filing
// alerts the district's officers and the MSP). It implements
// cases.AlertRaiser. Summaries carry the complaint code, never her name or
// the crime.
func (s *Service) RaiseComplaintsTx(ctx context.Context, tx pgx.Tx, ns []cases.AlertNotice) error {
	rs := make([]Raise, len(ns))
	for i, n := range ns {
		r, err := complaintRaise(n)
		if err != nil {
			return err
		}
		rs[i] = r
	}
	_, err := s.RaiseManyTx(ctx, tx, rs)
	return err
}

// complaintRaise is the alert for complaint notice n.
func complaintRaise(n cases.AlertNotice) (Raise, error) {
	unit := Unit{Kind: UnitDistrictOfficers, ID: int64(n.DistrictID), Role: n.ToRole}
	if n.ToMSP {
		unit = Unit{Kind: UnitMSP}
	}
	r := Raise{Unit: unit, DistrictID: n.DistrictID, SubjectKind: "complaint", SubjectID: n.ComplaintID,
		Category: CategoryComplaint, Link: fmt.Sprintf("/staff/complaints/%d", n.ComplaintID)}
	due, dueHI := n.DueAt.In(vikalp.IST).Format("02 Jan 15:04 IST"), hindiTime(n.DueAt)
	switch n.Event {
	case "assigned":
		r.Kind, r.Severity = KindComplaintAssigned, SeverityInfo
		r.Summary = fmt.Sprintf("New complaint %s assigned; ATR due by %s", n.Code, due)
		r.SummaryHI = fmt.Sprintf("नई शिकायत %s सौंपी गई; कार्रवाई रिपोर्ट %s तक देय", n.Code, dueHI)
	case "atr_overdue":
		r.Kind, r.Severity = KindComplaintOverdue, SeverityWarning
		r.Summary = fmt.Sprintf("ATR for complaint %s overdue since %s", n.Code, due)
		r.SummaryHI = fmt.Sprintf("शिकायत %s की कार्रवाई रिपोर्ट %s से लंबित", n.Code, dueHI)
	case "escalated":
		r.Kind, r.Severity = KindComplaintEscalated, SeverityWarning
		r.Summary = fmt.Sprintf("Complaint %s reopened after MSP review; new ATR due by %s", n.Code, due)
		r.SummaryHI = fmt.Sprintf("एमएसपी समीक्षा के बाद शिकायत %s फिर खोली गई; नई कार्रवाई रिपोर्ट %s तक देय", n.Code, dueHI)
	default:
		return Raise{}, fmt.Errorf("raise complaint alert: unknown event %q", n.Event)
	}
	r.DedupKey = fmt.Sprintf("complaint:%d:%s:%s:%d:%s:%d", n.ComplaintID, n.Event, unit.Kind, unit.ID, unit.Role,
		n.DueAt.Unix())
	return r, nil
}

// HappeningNowWorker raises the alert for ingest's HappeningNowArgs.
type HappeningNowWorker struct {
	river.WorkerDefaults[ingest.HappeningNowArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *HappeningNowWorker) Work(ctx context.Context, job *river.Job[ingest.HappeningNowArgs]) error {
	_, err := w.Service.RaiseHappeningNow(ctx, job.Args)
	if errors.Is(err, vikalp.ErrNotFound) {
		return river.JobCancel(err) // the report or unit is gone: retrying cannot help
	}
	return err
}

// HotspotDetectedWorker raises the alert for analytics' HotspotDetectedArgs.
type HotspotDetectedWorker struct {
	river.WorkerDefaults[analytics.HotspotDetectedArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *HotspotDetectedWorker) Work(ctx context.Context, job *river.Job[analytics.HotspotDetectedArgs]) error {
	a := job.Args
	_, err := w.Service.RaiseHotspot(ctx, Hotspot{H3R8: a.Cell, WindowKey: a.WindowKey, Bin: a.Bin, GiZ: a.GiZ,
		DistrictID: a.DistrictID, RunID: a.RunID})
	if errors.Is(err, vikalp.ErrInvalid) || errors.Is(err, vikalp.ErrNotFound) {
		return river.JobCancel(err) // a bad cell or no PCR unit at all: retrying cannot help
	}
	return err
}

// LeadAlertWorker raises the alert for leads' AlertArgs.
type LeadAlertWorker struct {
	river.WorkerDefaults[leads.AlertArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *LeadAlertWorker) Work(ctx context.Context, job *river.Job[leads.AlertArgs]) error {
	a := job.Args
	_, err := w.Service.RaiseLead(ctx, Lead{LeadID: a.LeadID, AHTUID: a.AHTUID, Score: a.Score,
		PreviousScore: a.PreviousScore, Reason: a.Reason})
	return err
}

// hindiMonths are the month names of a Hindi summary's dates.
var hindiMonths = [12]string{"जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर",
	"अक्टूबर", "नवंबर", "दिसंबर"}

// hindiTime is t in IST for a Hindi summary, e.g. "27 नवंबर, 15:04 बजे".
func hindiTime(t time.Time) string {
	t = t.In(vikalp.IST)
	return fmt.Sprintf("%d %s, %s बजे", t.Day(), hindiMonths[t.Month()-1], t.Format("15:04"))
}
