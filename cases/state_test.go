package cases

import (
	"errors"
	"testing"

	"github.com/vikalp/vikalp"
)

var allActors = []Actor{ActorSystem, ActorComplainant, ActorEcell, ActorStation, ActorNodal, ActorSP,
	ActorMSPAnalyst, ActorMSPLegal}

// TestEveryLegalTransition checks each table entry is allowed for its
// actors and refused for every other actor.
func TestEveryLegalTransition(t *testing.T) {
	t.Parallel()
	for _, tr := range Transitions {
		for _, a := range allActors {
			want := false
			for _, b := range tr.By {
				want = want || a == b
			}
			if got := Allowed(tr.From, tr.To, a); got != want {
				t.Errorf("Allowed(%s → %s by %s) = %v; want %v", tr.From, tr.To, a, got, want)
			}
		}
	}
}

// TestEverythingElseIsIllegal checks that no edge outside the table (and
// withdrawal) is allowed, for any actor.
func TestEverythingElseIsIllegal(t *testing.T) {
	t.Parallel()
	inTable := map[[2]Status]bool{}
	for _, tr := range Transitions {
		inTable[[2]Status{tr.From, tr.To}] = true
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if inTable[[2]Status{from, to}] || to == StatusWithdrawn {
				continue
			}
			for _, a := range allActors {
				if Allowed(from, to, a) {
					t.Errorf("Allowed(%s → %s by %s) = true; not in the table", from, to, a)
				}
			}
		}
	}
}

func TestWithdrawal(t *testing.T) {
	t.Parallel()
	for _, from := range Statuses {
		want := from != StatusClosed && from != StatusWithdrawn && from != StatusSatisfied
		if got := Allowed(from, StatusWithdrawn, ActorComplainant); got != want {
			t.Errorf("complainant withdraws from %s: %v; want %v", from, got, want)
		}
		for _, a := range allActors {
			if a != ActorComplainant && Allowed(from, StatusWithdrawn, a) {
				t.Errorf("%s may withdraw from %s; only she may", a, from)
			}
		}
	}
}

// TestOnlySatisfactionCloses walks the table: the only edge into closed
// comes from satisfied, and the only edges into satisfied are her ratings.
func TestOnlySatisfactionCloses(t *testing.T) {
	t.Parallel()
	for _, tr := range Transitions {
		if tr.To == StatusClosed && tr.From != StatusSatisfied {
			t.Errorf("%s → closed bypasses her satisfaction", tr.From)
		}
		if tr.To == StatusSatisfied && (len(tr.By) != 1 || tr.By[0] != ActorComplainant) {
			t.Errorf("%s → satisfied caused by %v; only she may", tr.From, tr.By)
		}
	}
}

func TestIllegalExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to Status
		by       Actor
	}{
		{"RatingBeforeATR", StatusAssigned, StatusSatisfied, ActorComplainant},
		{"RatingWhileDrafting", StatusATRDraft, StatusDissatisfied, ActorComplainant},
		{"ClosingWhileDissatisfied", StatusDissatisfied, StatusClosed, ActorSystem},
		{"ClosingFromLegalReview", StatusLegalReview, StatusClosed, ActorMSPLegal},
		{"StationPublishes", StatusATRDraft, StatusATRPublished, ActorStation},
		{"SPPublishes", StatusATRDraft, StatusATRPublished, ActorSP},
		{"AnalystDecides", StatusLegalReview, StatusEscalated, ActorMSPAnalyst},
		{"StaffWithdraws", StatusAssigned, StatusWithdrawn, ActorStation},
		{"ReopenClosed", StatusClosed, StatusAssigned, ActorSystem},
		{"WithdrawTwice", StatusWithdrawn, StatusWithdrawn, ActorComplainant},
		{"SkipVetting", StatusAssigned, StatusATRPublished, ActorNodal},
		{"RateAgainAfterEscalation", StatusEscalated, StatusSatisfied, ActorComplainant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTransition(tt.from, tt.to, tt.by, Hindi)
			ue, ok := vikalp.AsUserError(err)
			if !errors.Is(err, vikalp.ErrConflict) || !ok || ue.Code != CodeIllegalTransition ||
				ue.Message != Message(CodeIllegalTransition, Hindi) {
				t.Fatalf("CheckTransition = %v; want a Hindi ErrConflict", err)
			}
		})
	}
}
