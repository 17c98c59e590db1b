package jurisdiction

import "testing"

// TestDemoAHTUPlan checks the pure AHTU plan: 35 units covering each of the
// 75 districts exactly once, every Nepal-border district with a unit of its
// own.
func TestDemoAHTUPlan(t *testing.T) {
	t.Parallel()
	facts, err := factsByID()
	if err != nil {
		t.Fatal(err)
	}
	owner := map[int]int{}
	for i, districts := range demoAHTUs {
		if len(districts) == 0 {
			t.Errorf("unit %d covers no district", i+1)
		}
		for _, d := range districts {
			if _, ok := facts[d]; !ok {
				t.Errorf("unit %d: unknown district %d", i+1, d)
			}
			if prev, dup := owner[d]; dup {
				t.Errorf("district %d in units %d and %d", d, prev, i+1)
			}
			owner[d] = i + 1
			if facts[d].BordersNepal && len(districts) != 1 {
				t.Errorf("Nepal-border district %d shares unit %d", d, i+1)
			}
		}
	}
	if len(owner) != len(facts) {
		t.Errorf("%d districts covered, want %d", len(owner), len(facts))
	}
}

// TestDemoUnitCodes checks that demo codes do not collide with the
// generated per-district codes.
func TestDemoUnitCodes(t *testing.T) {
	t.Parallel()
	facts, err := DistrictFacts()
	if err != nil {
		t.Fatal(err)
	}
	known := map[int]bool{}
	for _, f := range facts {
		known[f.ID] = true
	}
	seen := map[string]bool{}
	for _, s := range demoStationInputs(facts, known) {
		if seen[s.Code] {
			t.Errorf("station code %q repeated", s.Code)
		}
		seen[s.Code] = true
	}
	for _, u := range demoPCRInputs(facts, known) {
		if seen[u.Code] {
			t.Errorf("pcr code %q repeated", u.Code)
		}
		seen[u.Code] = true
	}
}
