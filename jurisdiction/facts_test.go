package jurisdiction_test

import (
	"testing"
	"unicode"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/jurisdiction"
)

func TestDistrictFacts(t *testing.T) {
	t.Parallel()
	facts, err := jurisdiction.DistrictFacts()
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != 75 {
		t.Fatalf("%d districts, want 75", len(facts))
	}
	codes, slugs, ranges := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var nepal, commissionerates int
	for _, f := range facts {
		if codes[f.Code] || len(f.Code) != 3 {
			t.Errorf("district %d: code %q is repeated or not 3 letters", f.ID, f.Code)
		}
		if slugs[f.Slug] {
			t.Errorf("district %d: slug %q repeated", f.ID, f.Slug)
		}
		codes[f.Code], slugs[f.Slug], ranges[f.PoliceRange] = true, true, true
		if !devanagari(f.NameHI) {
			t.Errorf("district %d (%s): Hindi name %q is not Devanagari", f.ID, f.NameEN, f.NameHI)
		}
		if !geo.InUP(f.HQ.Lat(), f.HQ.Lon()) {
			t.Errorf("district %d: HQ %v outside UP", f.ID, f.HQ)
		}
		if f.BordersNepal {
			nepal++
		}
		if f.Commissionerate != "" {
			commissionerates++
		}
	}
	if nepal != 7 || commissionerates != 7 || len(ranges) != 18 {
		t.Errorf("%d Nepal-border districts, %d commissionerates, %d ranges; want 7, 7, 18", nepal, commissionerates, len(ranges))
	}
	lko := facts[indexOf(facts, 162)]
	if lko.NameEN != "Lucknow" || lko.NameHI != "लखनऊ" || lko.Code != "LKO" {
		t.Errorf("Lucknow facts = %+v", lko)
	}
}

func devanagari(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != ' ' && !unicode.Is(unicode.Devanagari, r) {
			return false
		}
	}
	return true
}

func indexOf(facts []jurisdiction.DistrictFact, id int) int {
	for i, f := range facts {
		if f.ID == id {
			return i
		}
	}
	return -1
}
