package cases_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
)

// ATR texts, each unlike the others; pasted is first with its punctuation
// and case changed, as a station that copies its earlier report would.
const (
	atrFirst  = "The complainant was contacted by phone. The accused was called to the police station and bound over under section 126 BNSS. The beat constable will visit her house every week."
	atrPasted = "the complainant was contacted by phone; the accused was called to the police station and bound over under section 126 BNSS - the beat constable will visit her house every week"
)

var atrOthers = []string{
	"An FIR was registered against the husband and his mother; both were arrested and produced before the magistrate.",
	"पीड़िता के बयान दर्ज किए गए। आरोपी के विरुद्ध मुकदमा पंजीकृत कर उसे गिरफ्तार किया गया तथा न्यायालय भेजा गया।",
	"CCTV footage from the market was checked and the stalker identified; a notice was served and his father counselled.",
	"दोनों पक्षों को थाने बुलाकर समझौता वार्ता कराई गई, आरोपी ने लिखित माफी दी और दोबारा परेशान न करने का वचन दिया।",
	"The workplace internal committee was informed in writing and the employer asked to act within ten days; a report was sought.",
	"The phone number used for the threats was traced with the cyber cell and the sender, a neighbour, was warned in person.",
}

// atr drafts text on complaint id as station and submits it.
func (b *bundle) submitText(t *testing.T, id int64, station auth.Principal, text string) {
	t.Helper()
	if _, err := b.svc.DraftATR(b.ctx, station, id, cases.ATRInput{Text: text, ActionTaken: "action recorded"}, cases.English); err != nil {
		t.Fatalf("DraftATR: %v", err)
	}
	if _, err := b.svc.SubmitATR(b.ctx, station, id, cases.English); err != nil {
		t.Fatalf("SubmitATR: %v", err)
	}
}

// publishText drafts, submits and approves text on complaint id.
func (b *bundle) publishText(t *testing.T, id int64, station auth.Principal, text string) {
	t.Helper()
	b.submitText(t, id, station, text)
	if _, err := b.svc.ApproveATR(b.ctx, b.nodalFor(station), id, cases.English); err != nil {
		t.Fatalf("ApproveATR: %v", err)
	}
}

func (b *bundle) rate(t *testing.T, f cases.Filed, r cases.Rating) {
	t.Helper()
	reason := ""
	if r == cases.RatingDissatisfied {
		reason = "nothing changed"
	}
	if _, err := b.svc.Rate(b.ctx, string(f.Code), string(f.Secret), r, reason, cases.English); err != nil {
		t.Fatalf("Rate: %v", err)
	}
}

// qualityData builds station A1's six cases (a pasted ATR, a returned one,
// two dissatisfied ratings, one case closed after an SLA rung) and two
// cases of station B1, and returns the six A1 complaints.
func qualityData(t *testing.T, b *bundle) []cases.Filed {
	t.Helper()
	var a1 []cases.Filed
	for range 6 {
		a1 = append(a1, b.file(t, input()))
	}
	inB := input()
	inB.Lat, inB.Lon = ptr(casestest.PointB[0]), ptr(casestest.PointB[1])
	b1, b2 := b.file(t, inB), b.file(t, inB)

	b.clock.Advance(2 * time.Hour)
	b.publishText(t, a1[0].ID, b.stationA1, atrFirst)
	b.clock.Advance(2 * time.Hour)
	b.submitText(t, a1[1].ID, b.stationA1, atrPasted) // pasted from a1[0], then returned
	if _, err := b.svc.ReturnATR(b.ctx, b.nodalA, a1[1].ID, "this is another case's report", cases.English); err != nil {
		t.Fatal(err)
	}
	b.publishText(t, a1[1].ID, b.stationA1, atrOthers[0])
	for i := 2; i <= 4; i++ {
		b.clock.Advance(2 * time.Hour)
		b.publishText(t, a1[i].ID, b.stationA1, atrOthers[i-1])
	}
	b.publishText(t, b1.ID, b.stationB, atrOthers[4])
	b.publishText(t, b2.ID, b.stationB, atrFirst) // another station's copy is no near-copy of A1's
	b.rate(t, a1[0], cases.RatingSatisfied)
	b.rate(t, a1[1], cases.RatingDissatisfied)
	b.rate(t, a1[2], cases.RatingDissatisfied)
	b.rate(t, a1[3], cases.RatingSatisfied)

	// a1[5] goes past its deadline: the nodal rung fires; then it is
	// answered and she is satisfied.
	b.clock.Set(start.Add(30 * time.Hour))
	if _, err := b.svc.SweepSLA(b.ctx); err != nil {
		t.Fatal(err)
	}
	b.publishText(t, a1[5].ID, b.stationA1, atrOthers[5])
	b.rate(t, a1[5], cases.RatingSatisfied)
	return a1
}

func TestQuality(t *testing.T) {
	b := setup(t)
	a1 := qualityData(t, b)

	q, err := b.svc.Quality(b.ctx, b.analyst, cases.QualityFilter{SortBy: cases.MetricReturned})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Stations) != 2 || q.Stations[0].ID != b.fx.StationA1 || q.Stations[1].ID != b.fx.StationB1 {
		t.Fatalf("stations %+v; want A1 then B1", q.Stations)
	}
	st := q.Stations[0]
	if st.NameEN != "Hazratganj" || st.NameHI != "हजरतगंज" || st.DistrictID != b.fx.DistrictA {
		t.Errorf("station A1 named %q/%q in %d", st.NameEN, st.NameHI, st.DistrictID)
	}
	hours := func(h float64) float64 { return h * 3600 }
	// Times to submit: 2, 4, 6, 8, 10 and 30 h; to publish the same (the
	// returned case's redraft was published at 4 h too).
	wantFigure(t, "A1 time to submit", st.Figures[cases.MetricTimeToSubmit], 6, 0, hours(7), false)
	wantFigure(t, "A1 time to publish", st.Figures[cases.MetricTimeToPublish], 6, 0, hours(7), false)
	wantFigure(t, "A1 returned", st.Figures[cases.MetricReturned], 7, 1, 1.0/7, false)
	wantFigure(t, "A1 dissatisfied", st.Figures[cases.MetricDissatisfied], 5, 2, 0.4, false)
	wantFigure(t, "A1 near-copies", st.Figures[cases.MetricNearCopy], 7, 1, 1.0/7, false)
	wantFigure(t, "A1 closed after escalation", st.Figures[cases.MetricClosedAfterEscalation], 3, 1, 1.0/3, true)
	if st.Rank == nil || *st.Rank != 1 || q.Stations[1].Rank != nil {
		t.Errorf("ranks %v, %v; want 1 and none (B1 has too few)", st.Rank, q.Stations[1].Rank)
	}
	wantFigure(t, "B1 time to publish", q.Stations[1].Figures[cases.MetricTimeToPublish], 2, 0, hours(10), true)

	// The median agrees with the dashboard's own (SQL percentile_cont).
	d, err := b.svc.Dashboard(b.ctx, b.stationA1)
	if err != nil || d.MedianTimeToATR == nil || d.MedianTimeToATR.Seconds() != *st.Figures[cases.MetricTimeToPublish].Value {
		t.Errorf("dashboard median %v (%v); quality %v", d.MedianTimeToATR, err, *st.Figures[cases.MetricTimeToPublish].Value)
	}

	// The officer who drafted A1's reports has A1's figures.
	var officer *cases.QualityUnit
	for i := range q.Officers {
		if q.Officers[i].ID == b.stationA1.UserID {
			officer = &q.Officers[i]
		}
	}
	if officer == nil || officer.StationID != b.fx.StationA1 || officer.NameEN == "" {
		t.Fatalf("officer of A1: %+v", officer)
	}
	wantFigure(t, "officer near-copies", officer.Figures[cases.MetricNearCopy], 7, 1, 1.0/7, false)

	// The pasted report shows with the report it copies.
	if len(q.NearCopies) != 1 {
		t.Fatalf("near-copies %+v; want one", q.NearCopies)
	}
	nc := q.NearCopies[0]
	if nc.Code != a1[1].Code || nc.EarlierCode != a1[0].Code || nc.StationID != b.fx.StationA1 || nc.Similarity < cases.NearCopyThreshold {
		t.Errorf("near-copy %+v; want %s copying %s", nc, a1[1].Code, a1[0].Code)
	}
	if n := b.count(t, `SELECT count(*) FROM atrs WHERE id IN ($1, $2) AND status IN ('returned', 'published')
		AND complaint_id IN ($3, $4)`, nc.ATRID, nc.EarlierATRID, a1[1].ID, a1[0].ID); n != 2 {
		t.Errorf("near-copy ATR ids %d, %d do not match the complaints", nc.ATRID, nc.EarlierATRID)
	}
	if len(q.Districts) != 2 {
		t.Errorf("%d districts; want 2", len(q.Districts))
	}
}

func TestQualityComplaints(t *testing.T) {
	b := setup(t)
	a1 := qualityData(t, b)

	list, err := b.svc.QualityComplaints(b.ctx, b.nodalA, cases.MetricReturned, cases.LevelStation, b.fx.StationA1, cases.QualityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	counted := 0
	for _, e := range list {
		if e.StationID != b.fx.StationA1 || e.ATRID == nil {
			t.Errorf("entry %+v not an ATR of A1", e)
		}
		if e.Counted {
			counted++
			if e.Code != a1[1].Code {
				t.Errorf("returned entry is %s; want %s", e.Code, a1[1].Code)
			}
		}
	}
	if len(list) != 7 || counted != 1 {
		t.Errorf("returned list %d entries, %d counted; want 7, 1", len(list), counted)
	}
	esc, err := b.svc.QualityComplaints(b.ctx, b.spA, cases.MetricClosedAfterEscalation, cases.LevelDistrict, int64(b.fx.DistrictA), cases.QualityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range esc {
		if e.Counted != (e.ComplaintID == a1[5].ID) || e.Status != cases.StatusClosed {
			t.Errorf("closed-after-escalation entry %+v", e)
		}
	}
	if len(esc) != 3 {
		t.Errorf("%d closed complaints; want 3", len(esc))
	}
	copies, err := b.svc.QualityComplaints(b.ctx, b.analyst, cases.MetricNearCopy, cases.LevelOfficer, b.stationA1.UserID, cases.QualityFilter{})
	if err != nil || len(copies) != 7 {
		t.Fatalf("officer near-copy list: %d, %v", len(copies), err)
	}

	t.Run("Scope", func(t *testing.T) {
		// Kanpur's nodal officer sees Kanpur's station only, and nothing of Lucknow's.
		q, err := b.svc.Quality(b.ctx, b.nodalB, cases.QualityFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Stations) != 1 || q.Stations[0].ID != b.fx.StationB1 || len(q.Districts) != 1 || len(q.NearCopies) != 0 {
			t.Errorf("nodal B quality %+v", q)
		}
		for _, u := range q.Officers {
			if u.ID == b.stationA1.UserID {
				t.Error("nodal B sees A1's officer")
			}
		}
		for _, c := range []struct {
			level cases.QualityLevel
			id    int64
		}{{cases.LevelStation, b.fx.StationA1}, {cases.LevelDistrict, int64(b.fx.DistrictA)}, {cases.LevelOfficer, b.stationA1.UserID}} {
			if _, err := b.svc.QualityComplaints(b.ctx, b.nodalB, cases.MetricReturned, c.level, c.id, cases.QualityFilter{}); !errors.Is(err, vikalp.ErrNotFound) {
				t.Errorf("nodal B on %s %d: %v; want not found", c.level, c.id, err)
			}
		}
		if _, err := b.svc.Quality(b.ctx, b.stationA1, cases.QualityFilter{}); !errors.Is(err, vikalp.ErrForbidden) {
			t.Errorf("station: %v; want forbidden", err)
		}
		if _, err := b.svc.QualityComplaints(b.ctx, b.analyst, "speed", cases.LevelStation, b.fx.StationA1, cases.QualityFilter{}); !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("unknown metric: %v; want invalid", err)
		}
	})

	t.Run("ConfidentialOnlyForMSP", func(t *testing.T) {
		in := input()
		in.Confidential = true
		c := b.file(t, in)
		b.publishText(t, c.ID, b.stationA1, "A confidential enquiry was made by a woman officer and the accused was counselled.")
		count := func(p auth.Principal) int {
			q, err := b.svc.Quality(b.ctx, p, cases.QualityFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range q.Stations {
				if s.ID == b.fx.StationA1 {
					return s.Figures[cases.MetricNearCopy].N
				}
			}
			return 0
		}
		if n := count(b.analyst); n != 8 {
			t.Errorf("MSP counts %d ATRs of A1; want 8 with the confidential one", n)
		}
		if n := count(b.nodalA); n != 7 {
			t.Errorf("nodal A counts %d ATRs of A1; want 7 (confidential left out)", n)
		}
	})
}

// wantFigure checks one figure: its denominator, count, value and label.
func wantFigure(t *testing.T, name string, f cases.QualityFigure, n, count int, value float64, tooFew bool) {
	t.Helper()
	if f.N != n || f.Count != count || f.Value == nil || abs(*f.Value-value) > 1e-9 || f.TooFew != tooFew {
		v := "nil"
		if f.Value != nil {
			v = time.Duration(*f.Value * float64(time.Second)).String()
		}
		t.Errorf("%s = n %d count %d value %v (%s) too few %v; want n %d count %d value %v too few %v",
			name, f.N, f.Count, f.Value, v, f.TooFew, n, count, value, tooFew)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
