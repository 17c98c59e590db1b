package cases_test

import (
	"testing"
	"time"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
)

func TestDashboard(t *testing.T) {
	b := setup(t)
	inB := input()
	inB.Lat, inB.Lon = ptr(casestest.PointB[0]), ptr(casestest.PointB[1])

	// District A: one ATR in 10 h then SATISFIED; one ATR submitted (awaiting vetting).
	a1 := b.file(t, input())
	a2 := b.file(t, input())
	b.clock.Advance(10 * time.Hour)
	b.publish(t, a1.ID, b.stationA1)
	if _, err := b.svc.Rate(b.ctx, string(a1.Code), string(a1.Secret), cases.RatingSatisfied, "", cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.DraftATR(b.ctx, b.stationA1, a2.ID, cases.ATRInput{Text: "t", ActionTaken: "a"}, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SubmitATR(b.ctx, b.stationA1, a2.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	// District B: one ATR late (30 h) then DISSATISFIED; one never answered (overdue).
	bb1 := b.file(t, inB)
	b.file(t, inB)
	b.clock.Advance(30 * time.Hour)
	b.publish(t, bb1.ID, b.stationB)
	if _, err := b.svc.Rate(b.ctx, string(bb1.Code), string(bb1.Secret), cases.RatingDissatisfied, "nothing done", cases.English); err != nil {
		t.Fatal(err)
	}

	d, err := b.svc.Dashboard(b.ctx, b.analyst)
	if err != nil {
		t.Fatal(err)
	}
	// Open: a2, bb1 (legal review), bb2. Overdue: a2 (submitted but unvetted past due) and bb2.
	if d.Open != 3 || d.Overdue != 2 || d.AwaitingVetting != 1 || d.LegalReview != 1 {
		t.Errorf("totals open %d overdue %d vetting %d legal %d; want 3, 2, 1, 1", d.Open, d.Overdue, d.AwaitingVetting, d.LegalReview)
	}
	if d.SLAMet != 1 || d.SLAMissed != 3 || d.SLACompliance == nil || *d.SLACompliance != 0.25 {
		t.Errorf("SLA met %d missed %d compliance %v; want 1, 3, 0.25", d.SLAMet, d.SLAMissed, d.SLACompliance)
	}
	if d.MedianTimeToATR == nil || *d.MedianTimeToATR != 20*time.Hour {
		t.Errorf("median time to ATR %v; want 20h (10 h and 30 h)", d.MedianTimeToATR)
	}
	if len(d.Districts) != 2 {
		t.Fatalf("%d districts; want 2", len(d.Districts))
	}
	byID := map[int]cases.DistrictStats{}
	for _, ds := range d.Districts {
		byID[ds.DistrictID] = ds
	}
	if a := byID[b.fx.DistrictA]; a.Total != 2 || a.Ratings != 1 || a.DissatisfactionRate == nil || *a.DissatisfactionRate != 0 {
		t.Errorf("district A = %+v", a)
	}
	if bs := byID[b.fx.DistrictB]; bs.Total != 2 || bs.Dissatisfied != 1 || bs.DissatisfactionRate == nil || *bs.DissatisfactionRate != 1 {
		t.Errorf("district B = %+v", bs)
	}
	// Scoped: district A's nodal officer sees only district A.
	dA, err := b.svc.Dashboard(b.ctx, b.nodalA)
	if err != nil || len(dA.Districts) != 1 || dA.Districts[0].DistrictID != b.fx.DistrictA || dA.Open != 1 {
		t.Errorf("nodal A dashboard = %+v, %v", dA, err)
	}
	dS, err := b.svc.Dashboard(b.ctx, b.stationB)
	if err != nil || dS.Open != 2 || dS.SLAMissed != 2 {
		t.Errorf("station B dashboard = %+v, %v", dS, err)
	}
	if _, err := b.svc.Dashboard(b.ctx, b.ecell); err == nil {
		t.Error("E-cell got a dashboard")
	}
}
