package leads

import (
	"errors"
	"reflect"
	"testing"

	"github.com/vikalp/vikalp"
)

func TestLinkTips(t *testing.T) {
	t.Parallel()
	links := []TipEntityLink{{1, 100}, {2, 100}, {3, 200}, {4, 200}, {2, 300}, {3, 300}, {5, 400}}
	for _, tc := range []struct {
		name string
		pins map[int64]int64
		want []Group
	}{
		{"Chain", nil, []Group{{Tips: []int64{1, 2, 3, 4}}, {Tips: []int64{5}}, {Tips: []int64{6}}}},
		{"SplitHolds", map[int64]int64{1: 10, 2: 10, 3: 11, 4: 11},
			[]Group{{Tips: []int64{1, 2}, Pinned: 10}, {Tips: []int64{3, 4}, Pinned: 11}, {Tips: []int64{5}}, {Tips: []int64{6}}}},
		{"MergeHolds", map[int64]int64{5: 10, 6: 10},
			[]Group{{Tips: []int64{1, 2, 3, 4}}, {Tips: []int64{5, 6}, Pinned: 10}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := LinkTips([]int64{6, 5, 4, 3, 2, 1}, tc.pins, links)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("LinkTips = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestClaimLeadsKeepsIDs(t *testing.T) {
	t.Parallel()
	groups := []Group{{Tips: []int64{1, 2, 3}}, {Tips: []int64{4}}, {Tips: []int64{5}, Pinned: 9}}
	current := map[int64]int64{1: 7, 2: 8, 3: 8, 4: 7, 5: 9}
	got := claimLeads(groups, current)
	if got[0].LeadID != 8 || got[1].LeadID != 7 || got[2].LeadID != 9 {
		t.Errorf("claims = %+v", got)
	}
}

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from, to Status
		note     string
		want     error
	}{
		{StatusNew, StatusTriaged, "", nil},
		{StatusTriaged, StatusInvestigating, "", nil},
		{StatusInvestigating, StatusActioned, "", nil},
		{StatusActioned, StatusClosed, "rescued", nil},
		{StatusClosed, StatusTriaged, "new tip", nil},
		{StatusNew, StatusClosed, "", vikalp.ErrInvalid},
		{StatusNew, StatusActioned, "", vikalp.ErrConflict},
		{StatusActioned, StatusNew, "", vikalp.ErrConflict},
		{StatusNew, "bogus", "", vikalp.ErrInvalid},
	} {
		if err := CheckTransition(tc.from, tc.to, tc.note); !errors.Is(err, tc.want) && err != tc.want {
			t.Errorf("%s → %s: %v, want %v", tc.from, tc.to, err, tc.want)
		}
	}
}
