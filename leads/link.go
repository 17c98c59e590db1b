package leads

import (
	"cmp"
	"slices"
)

// TipEntityLink says tip TipID mentions entity EntityID (of a linking kind).
type TipEntityLink struct {
	TipID    int64 `db:"tip_id"`
	EntityID int64 `db:"entity_id"`
}

// Group is one set of tips the linker put together, and the lead an
// investigator pinned any of them to (0: none).
type Group struct {
	Tips   []int64 // ascending
	Pinned int64
}

// LinkTips groups tips with union-find over the tip–entity graph: tips that
// share an entity end up in one group. pins maps a tip to the lead an
// investigator pinned it to: tips pinned to one lead are always together,
// and two groups pinned to different leads are never joined (an edge that
// would join them is skipped), which is how merges and splits survive
// relinking. Edges are taken in (entity, tip) order, so the result does not
// depend on the input order. Groups come back ordered by their first tip.
func LinkTips(tips []int64, pins map[int64]int64, links []TipEntityLink) []Group {
	uf := newTipUnion(tips, pins)
	byLead := map[int64]int64{} // pinned lead → first tip pinned to it
	for _, t := range uf.order {
		if l := pins[t]; l != 0 {
			if first, ok := byLead[l]; ok {
				uf.union(first, t)
			} else {
				byLead[l] = t
			}
		}
	}
	sorted := slices.Clone(links)
	slices.SortFunc(sorted, func(a, b TipEntityLink) int {
		return cmp.Or(cmp.Compare(a.EntityID, b.EntityID), cmp.Compare(a.TipID, b.TipID))
	})
	for i := 1; i < len(sorted); i++ {
		if sorted[i].EntityID == sorted[i-1].EntityID {
			uf.union(sorted[i-1].TipID, sorted[i].TipID)
		}
	}
	return uf.groups()
}

// tipUnion is a union-find over tip ids where each root carries the lead
// its set is pinned to.
type tipUnion struct {
	parent map[int64]int64
	anchor map[int64]int64 // root → pinned lead (0: none)
	order  []int64
}

func newTipUnion(tips []int64, pins map[int64]int64) *tipUnion {
	u := &tipUnion{parent: make(map[int64]int64, len(tips)), anchor: map[int64]int64{}}
	u.order = slices.Clone(tips)
	slices.Sort(u.order)
	u.order = slices.Compact(u.order)
	for _, t := range u.order {
		u.parent[t] = t
		u.anchor[t] = pins[t]
	}
	return u
}

func (u *tipUnion) find(t int64) int64 {
	for u.parent[t] != t {
		u.parent[t] = u.parent[u.parent[t]]
		t = u.parent[t]
	}
	return t
}

// union joins the sets of a and b unless they are pinned to different
// leads. The smaller tip id stays root, so roots are deterministic.
func (u *tipUnion) union(a, b int64) {
	if _, ok := u.parent[a]; !ok {
		return
	}
	if _, ok := u.parent[b]; !ok {
		return
	}
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	la, lb := u.anchor[ra], u.anchor[rb]
	if la != 0 && lb != 0 && la != lb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.anchor[ra] = max(la, lb)
}

func (u *tipUnion) groups() []Group {
	idx := map[int64]int{}
	var out []Group
	for _, t := range u.order {
		r := u.find(t)
		i, ok := idx[r]
		if !ok {
			i = len(out)
			idx[r] = i
			out = append(out, Group{Pinned: u.anchor[r]})
		}
		out[i].Tips = append(out[i].Tips, t)
	}
	return out
}

// leadClaim is a group with the existing lead it keeps (0: a new lead).
type leadClaim struct {
	Group
	LeadID int64
}

// claimLeads gives each group a lead id so ids stay stable: a pinned group
// keeps its pinned lead; other groups take, greedily by overlap, the
// active lead that held most of their tips before (current: tip → lead).
// Each lead is claimed at most once; unclaimed groups become new leads.
func claimLeads(groups []Group, current map[int64]int64) []leadClaim {
	out := make([]leadClaim, len(groups))
	taken := map[int64]bool{}
	for i, g := range groups {
		out[i].Group = g
		if g.Pinned != 0 {
			out[i].LeadID, taken[g.Pinned] = g.Pinned, true
		}
	}
	type overlap struct {
		group int
		lead  int64
		n     int
	}
	var cands []overlap
	for i, g := range groups {
		if g.Pinned != 0 {
			continue
		}
		counts := map[int64]int{}
		for _, t := range g.Tips {
			if l := current[t]; l != 0 {
				counts[l]++
			}
		}
		for l, n := range counts {
			cands = append(cands, overlap{i, l, n})
		}
	}
	slices.SortFunc(cands, func(a, b overlap) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.lead, b.lead), cmp.Compare(a.group, b.group))
	})
	for _, c := range cands {
		if out[c.group].LeadID == 0 && !taken[c.lead] {
			out[c.group].LeadID, taken[c.lead] = c.lead, true
		}
	}
	return out
}
