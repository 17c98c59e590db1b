package cases_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

// TestLifecycleEndToEnd walks every legal transition: return for redraft,
// publish, dissatisfaction, advice, dissatisfaction again, pursuit with a
// new deadline, a return to escalated, a second published ATR, satisfaction.
func TestLifecycleEndToEnd(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	code, secret := string(f.Code), string(f.Secret)
	draft := cases.ATRInput{Text: "Spoke to both parties.", ActionTaken: "Counselling", InternalNote: "suspect has priors"}

	a, err := b.svc.DraftATR(b.ctx, b.stationA1, f.ID, draft, cases.English)
	if err != nil || a.Status != cases.ATRDraft || a.Seq != 1 || a.Language != cases.English {
		t.Fatalf("DraftATR = %+v, %v", a, err)
	}
	draft.Text = "Spoke to both parties; warned him."
	if a, err = b.svc.DraftATR(b.ctx, b.stationA1, f.ID, draft, cases.English); err != nil || a.Text != draft.Text || a.Seq != 1 {
		t.Fatalf("redraft = %+v, %v", a, err)
	}
	if _, err := b.svc.SubmitATR(b.ctx, b.stationA1, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	tr, _ := b.svc.Track(b.ctx, code, secret, cases.English)
	if tr.Holder != cases.HolderNodal {
		t.Errorf("holder while vetting = %s; want nodal", tr.Holder)
	}
	if _, err := b.svc.ReturnATR(b.ctx, b.nodalA, f.ID, "Name the section applied", cases.English); err != nil {
		t.Fatal(err)
	}
	if s := b.status(t, f.ID); s != cases.StatusAssigned {
		t.Fatalf("after return: %s; want assigned", s)
	}
	b.publish(t, f.ID, b.stationA1)
	if s := b.status(t, f.ID); s != cases.StatusAwaitingFeedback {
		t.Fatalf("after approval: %s; want awaiting_feedback", s)
	}
	tr, err = b.svc.Rate(b.ctx, code, secret, "dissatisfied", "He still follows me.", cases.English)
	if err != nil || tr.Status != cases.StatusLegalReview || tr.Holder != cases.HolderMSP {
		t.Fatalf("Rate DISSATISFIED = %+v, %v", tr.Status, err)
	}
	if err := b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionAdvise, "The warning is the lawful first step.", cases.English); err != nil {
		t.Fatal(err)
	}
	tr, _ = b.svc.Track(b.ctx, code, secret, cases.English)
	if tr.Status != cases.StatusAdvised || !tr.CanRate || tr.Timeline[len(tr.Timeline)-1].Reason != "The warning is the lawful first step." {
		t.Fatalf("after advice: %+v", tr)
	}
	if _, err := b.svc.Rate(b.ctx, code, secret, cases.RatingDissatisfied, "Not enough.", cases.English); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(2 * time.Hour)
	if err := b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionPursue, "Stalking continues; FIR warranted.", cases.English); err != nil {
		t.Fatal(err)
	}
	tr, _ = b.svc.Track(b.ctx, code, secret, cases.English)
	newDue := start.Add(26 * time.Hour)
	if tr.Status != cases.StatusEscalated || tr.NextDeadline == nil || !tr.NextDeadline.Equal(newDue) {
		t.Fatalf("after pursue: %s due %v; want escalated due %s", tr.Status, tr.NextDeadline, newDue)
	}
	if n := b.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND atr_due_at = $2 AND sla_stage = 0`, f.ID, newDue); n != 1 {
		t.Errorf("ladder not restarted at the new deadline")
	}
	// A return after a pursuit goes back to escalated.
	if _, err := b.svc.DraftATR(b.ctx, b.stationA1, f.ID, draft, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SubmitATR(b.ctx, b.stationA1, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.ReturnATR(b.ctx, b.nodalA, f.ID, "Attach the FIR number", cases.English); err != nil {
		t.Fatal(err)
	}
	if s := b.status(t, f.ID); s != cases.StatusEscalated {
		t.Fatalf("return after pursuit: %s; want escalated", s)
	}
	second := b.publish(t, f.ID, b.stationA1)
	if second.Seq != 4 {
		t.Errorf("second published ATR has seq %d; want 4 (two returned before)", second.Seq)
	}
	tr, err = b.svc.Rate(b.ctx, code, secret, cases.RatingSatisfied, "", cases.English)
	if err != nil || tr.Status != cases.StatusClosed || tr.Holder != cases.HolderNone || tr.CanWithdraw {
		t.Fatalf("Rate SATISFIED = %+v, %v", tr, err)
	}

	wantPublic := []string{"filed", "assigned", "atr_published", "awaiting_feedback", "rated_dissatisfied",
		"legal_review", "advised", "rated_dissatisfied", "legal_review", "escalated", "atr_published",
		"awaiting_feedback", "rated_satisfied", "closed"}
	if got := b.eventKinds(t, f.ID, true); !slices.Equal(got, wantPublic) {
		t.Errorf("public timeline\n got %v\nwant %v", got, wantPublic)
	}
	all := b.eventKinds(t, f.ID, false)
	for _, k := range []string{"atr_drafted", "atr_submitted", "atr_returned", "call_task_created"} {
		if !slices.Contains(all, k) {
			t.Errorf("internal timeline lacks %s: %v", k, all)
		}
	}
	// Her view: two published ATRs, no internal notes or return reasons anywhere.
	if len(tr.ATRs) != 2 {
		t.Fatalf("tracking shows %d ATRs; want the 2 published", len(tr.ATRs))
	}
	for _, e := range tr.Timeline {
		for _, secretText := range []string{"priors", "section applied", "FIR number", "FIR warranted"} {
			if strings.Contains(e.Reason, secretText) {
				t.Errorf("public event %s shows internal text %q", e.Kind, e.Reason)
			}
		}
	}
	// Ratings, legal reviews and call tasks were recorded.
	if n := b.count(t, `SELECT count(*) FROM ratings WHERE complaint_id = $1`, f.ID); n != 3 {
		t.Errorf("%d ratings; want 3", n)
	}
	if n := b.count(t, `SELECT count(*) FROM legal_reviews WHERE complaint_id = $1`, f.ID); n != 2 {
		t.Errorf("%d legal reviews; want 2", n)
	}
	if n := b.count(t, `SELECT count(*) FROM call_tasks WHERE complaint_id = $1`, f.ID); n != 4 {
		t.Errorf("%d call tasks; want 2 after ATRs + 2 after dissatisfaction", n)
	}
	if n := b.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND closed_at IS NOT NULL`, f.ID); n != 1 {
		t.Error("closed complaint has no closed_at")
	}
}

func TestIllegalSteps(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	code, secret := string(f.Code), string(f.Secret)
	conflict := func(name string, err error) {
		t.Helper()
		if !errorsIsConflict(err) {
			t.Errorf("%s: error = %v; want ErrConflict", name, err)
		}
	}
	_, err := b.svc.Rate(b.ctx, code, secret, cases.RatingSatisfied, "", cases.English)
	conflict("RatingBeforeATR", err)
	_, err = b.svc.SubmitATR(b.ctx, b.stationA1, f.ID, cases.English)
	conflict("SubmitWithoutDraft", err)
	_, err = b.svc.ApproveATR(b.ctx, b.nodalA, f.ID, cases.English)
	conflict("ApproveWithoutATR", err)
	conflict("LegalDecisionWhileAssigned", b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionPursue, "x", cases.English))

	if _, err := b.svc.DraftATR(b.ctx, b.stationA1, f.ID, cases.ATRInput{Text: "t", ActionTaken: "a"}, cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.ApproveATR(b.ctx, b.nodalA, f.ID, cases.English)
	conflict("ApproveUnsubmittedDraft", err)
	_, err = b.svc.ReturnATR(b.ctx, b.nodalA, f.ID, "why", cases.English)
	conflict("ReturnUnsubmittedDraft", err)
	if _, err := b.svc.SubmitATR(b.ctx, b.stationA1, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.DraftATR(b.ctx, b.stationA1, f.ID, cases.ATRInput{Text: "t2", ActionTaken: "a"}, cases.English)
	conflict("RedraftWhileSubmitted", err)
	_, err = b.svc.Rate(b.ctx, code, secret, cases.RatingDissatisfied, "no", cases.English)
	conflict("RatingBeforePublication", err)
	if _, err := b.svc.ApproveATR(b.ctx, b.nodalA, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Rate(b.ctx, code, secret, cases.RatingDissatisfied, "", cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeReasonRequired)
	_, err = b.svc.Rate(b.ctx, code, secret, "MEH", "", cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeRatingInvalid)
	if _, err := b.svc.Rate(b.ctx, code, secret, cases.RatingDissatisfied, "no change", cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Rate(b.ctx, code, secret, cases.RatingSatisfied, "", cases.English)
	conflict("ClosingWhileDissatisfied", err)
	_, err = b.svc.DraftATR(b.ctx, b.stationA1, f.ID, cases.ATRInput{Text: "t", ActionTaken: "a"}, cases.English)
	conflict("DraftDuringLegalReview", err)
	err = b.svc.LegalDecision(b.ctx, b.legal, f.ID, "ignore", "x", cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeDecisionInvalid)
	if b.status(t, f.ID) != cases.StatusLegalReview {
		t.Fatalf("status moved on a refused step: %s", b.status(t, f.ID))
	}
}

func TestWithdraw(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	tr, err := b.svc.Withdraw(b.ctx, string(f.Code), string(f.Secret), "We settled it at home.", cases.Hindi)
	if err != nil || tr.Status != cases.StatusWithdrawn || tr.NextDeadline != nil {
		t.Fatalf("Withdraw = %+v, %v", tr, err)
	}
	_, err = b.svc.Withdraw(b.ctx, string(f.Code), string(f.Secret), "", cases.Hindi)
	if !errorsIsConflict(err) {
		t.Fatalf("second withdrawal: %v; want ErrConflict", err)
	}
	// The SLA ladder stops for a withdrawn complaint.
	b.clock.Advance(25 * time.Hour)
	if _, err := b.svc.CheckSLA(b.ctx, cases.SLACheckArgs{ComplaintID: f.ID, DueAt: f.ATRDueAt, Rung: 1}); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM complaint_events WHERE complaint_id = $1 AND kind LIKE 'sla%'`, f.ID); n != 0 {
		t.Fatalf("%d SLA events on a withdrawn complaint", n)
	}
	// Withdrawn after closing is refused too.
	g := b.file(t, input())
	b.publish(t, g.ID, b.stationA1)
	if _, err := b.svc.Rate(b.ctx, string(g.Code), string(g.Secret), cases.RatingSatisfied, "", cases.English); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Withdraw(b.ctx, string(g.Code), string(g.Secret), "", cases.English)
	if !errorsIsConflict(err) {
		t.Fatalf("withdraw a closed case: %v; want ErrConflict", err)
	}
	_, err = b.svc.Withdraw(b.ctx, string(g.Code), "AAAA-AAAA-AAAA-AAAA", "", cases.English)
	wantKind(t, err, vikalp.ErrNotFound)
}
