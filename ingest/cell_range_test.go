package ingest_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// h3_r9_lo/hi (migration 00028) bound exactly the r9 descendants of a
// coarser cell: the public report list finds a cell's reports by that range
// on the r9 index. Checked against h3-go for cells across Uttar Pradesh and
// for the pentagons: every r9 child of a cell lies inside its range, and
// the r9 children of its neighbours lie outside.
func TestR9RangeHoldsExactlyTheDescendants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var parents []h3.Cell
	for range 300 {
		lat, lon := 23.8+rng.Float64()*6.6, 77.0+rng.Float64()*7.7 // Uttar Pradesh's box
		r9 := h3.LatLngToCell(h3.NewLatLng(lat, lon), 9)
		for _, res := range []int{5, 7, 8} {
			parents = append(parents, r9.Parent(res))
		}
	}
	for _, res := range []int{5, 7, 8} {
		parents = append(parents, h3.Pentagons(res)[:3]...)
	}
	ids := make([]int64, len(parents))
	for i, p := range parents {
		ids[i] = int64(p)
	}
	rows, err := db.Query(ctx, `SELECT h3_r9_lo(c), h3_r9_hi(c) FROM unnest($1::bigint[]) WITH ORDINALITY AS u(c, n) ORDER BY n`, ids)
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ lo, hi int64 }
	var spans []span
	for rows.Next() {
		var s span
		if err := rows.Scan(&s.lo, &s.hi); err != nil {
			t.Fatal(err)
		}
		spans = append(spans, s)
	}
	if err := rows.Err(); err != nil || len(spans) != len(parents) {
		t.Fatalf("%d ranges for %d cells (%v)", len(spans), len(parents), err)
	}
	inside := func(s span, c h3.Cell) bool { return int64(c) >= s.lo && int64(c) <= s.hi }
	for i, p := range parents {
		s := spans[i]
		for _, child := range p.Children(9) {
			if !inside(s, child) {
				t.Fatalf("r9 child %s of %s (res %d) is outside [%x, %x]", child, p, p.Resolution(), s.lo, s.hi)
			}
		}
		for _, n := range h3.GridDisk(p, 1) {
			if n == p {
				continue
			}
			for _, child := range n.Children(9) {
				if inside(s, child) {
					t.Fatalf("r9 cell %s of neighbour %s is inside the range of %s (res %d)", child, n, p, p.Resolution())
				}
			}
		}
	}
}
