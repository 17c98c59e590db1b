package analytics

import (
	"cmp"
	"slices"

	"github.com/uber/h3-go/v4"
)

// emergingSet is the emerging hot spot class of every cell of the emerging
// cube, cells in increasing order.
type emergingSet struct {
	cells []int64
	res   []EmergingResult
}

// of returns the class of cell (EmergingNone when not in the cube).
func (e *emergingSet) of(cell int64) EmergingResult {
	if i, ok := slices.BinarySearch(e.cells, cell); ok {
		return e.res[i]
	}
	return EmergingResult{}
}

// newEmergingSet classifies the cells of the emerging cube: Gi* per period
// over the fixed set of cells with any data in the cube (zeros included),
// then ClassifyEmerging on each cell's z series (as cube.emerging).
func newEmergingSet(cfg Config, scores []periodScore) emergingSet {
	T := cfg.EmergingPeriods
	type cp struct {
		cell int64
		p    int
		x    float64
	}
	rows := make([]cp, 0, len(scores))
	for _, s := range scores {
		p := T - 1 - s.Period
		if p < 0 || s.Period < 0 || !h3.Cell(s.Cell).IsValid() {
			continue
		}
		rows = append(rows, cp{cellParent(s.Cell, cfg.EmergingResolution), p, s.Score})
	}
	slices.SortFunc(rows, func(a, b cp) int { return cmp.Compare(a.cell, b.cell) })
	var e emergingSet
	var series []float64
	for i, r := range rows {
		if i == 0 || r.cell != rows[i-1].cell {
			e.cells = append(e.cells, r.cell)
			series = append(series, make([]float64, T)...)
		}
		series[(len(e.cells)-1)*T+r.p] += r.x
	}
	e.res = make([]EmergingResult, len(e.cells))
	n := len(e.cells)
	if n < 2 || T < 3 {
		return e
	}
	ix := newNeighbourIndex(e.cells, cfg.K)
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	zs, ps := make([]float64, n*T), make([]float64, n*T)
	x := make([]float64, n)
	for t := range T {
		for i := range n {
			x[i] = series[i*T+t]
		}
		res := classify(giStarSubset(all, x, ix, n), !cfg.RawBins)
		for i, r := range res {
			p := r.PFDR
			if cfg.RawBins {
				p = r.P
			}
			zs[i*T+t], ps[i*T+t] = r.Z, p
		}
	}
	for i := range n {
		e.res[i] = ClassifyEmerging(zs[i*T:(i+1)*T], ps[i*T:(i+1)*T], EmergingConfig{})
	}
	return e
}
