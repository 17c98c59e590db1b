package analytics

import (
	"math"
	"time"

	"github.com/uber/h3-go/v4"
)

// cellAcc accumulates one cell in one window.
type cellAcc struct {
	nReports, nDistinct int32
	score               float64
}

func (a *cellAcc) add(b cellAcc) {
	a.nReports += b.nReports
	a.nDistinct += b.nDistinct
	a.score += b.score
}

// level is one resolution of the cube: per cell, one accumulator per window
// and the district most of its records fall in.
type level struct {
	cells    map[int64]struct{} // cells with data in any window
	acc      map[int64][]cellAcc
	district map[int64]int
}

// window returns the cells with data in window wi (sorted) and their scores.
func (l *level) window(wi int) ([]int64, []float64) {
	var cells []int64
	for _, c := range sortedCells(l.acc) {
		if a := l.acc[c][wi]; a.nReports > 0 {
			cells = append(cells, c)
		}
	}
	x := make([]float64, len(cells))
	for i, c := range cells {
		x[i] = l.acc[c][wi].score
	}
	return cells, x
}

// cube holds the aggregates of one run: r9 accumulators rolled up to any
// resolution on demand, and the weekly series of the emerging hot spot cube.
type cube struct {
	nWindows int
	r9       *level
	// districtN counts records per (r9 cell, district) in the whole input.
	districtN map[[2]int64]int32
	// series is the per-period score of each emerging-resolution cell,
	// oldest period first.
	series map[int64][]float64
}

// newCube aggregates counts into r9 accumulators and the emerging series.
// Records of a category without weight are left out.
func newCube(cfg Config, counts []CellCount) *cube {
	cb := &cube{nWindows: len(cfg.Windows), districtN: map[[2]int64]int32{}, series: map[int64][]float64{},
		r9: &level{cells: map[int64]struct{}{}, acc: map[int64][]cellAcc{}, district: map[int64]int{}}}
	periodDays := int(cfg.EmergingPeriod / (24 * time.Hour))
	periodDays = max(periodDays, 1)
	for _, c := range counts {
		sev := cfg.ReportWeights[c.Category]
		if sev <= 0 || !h3.Cell(c.Cell).IsValid() {
			continue
		}
		cb.districtN[[2]int64{c.Cell, int64(c.DistrictID)}] += int32(c.N)
		base := cellAcc{nReports: int32(c.N), score: sev * float64(c.N) * decay(c.AgeDays, cfg.HalfLife)}
		for wi, w := range cfg.Windows {
			if c.AgeDays >= w.Days {
				continue
			}
			accs, ok := cb.r9.acc[c.Cell]
			if !ok {
				accs = make([]cellAcc, cb.nWindows)
				cb.r9.acc[c.Cell] = accs
				cb.r9.cells[c.Cell] = struct{}{}
			}
			accs[wi].add(base)
		}
		if p := cfg.EmergingPeriods - 1 - c.AgeDays/periodDays; p >= 0 {
			parent := int64(h3.Cell(c.Cell).Parent(cfg.EmergingResolution))
			s, ok := cb.series[parent]
			if !ok {
				s = make([]float64, cfg.EmergingPeriods)
				cb.series[parent] = s
			}
			s[p] += sev * float64(c.N)
		}
	}
	best := map[int64]int32{}
	for k, n := range cb.districtN {
		if _, ok := cb.r9.acc[k[0]]; !ok {
			continue
		}
		if b, seen := best[k[0]]; !seen || n > b || (n == b && int(k[1]) < cb.r9.district[k[0]]) {
			best[k[0]], cb.r9.district[k[0]] = n, int(k[1])
		}
	}
	return cb
}

// level returns the cube rolled up to resolution res (parents of the r9
// cells; r6 comes from here too, as reports store no r6 column). A coarse
// cell's district is the one with the most records among its r9 cells.
func (cb *cube) level(res int) *level {
	if res == 9 {
		return cb.r9
	}
	l := &level{cells: map[int64]struct{}{}, acc: map[int64][]cellAcc{}, district: map[int64]int{}}
	type dk struct {
		cell     int64
		district int
	}
	dn := map[dk]int32{}
	for c, accs := range cb.r9.acc {
		parent := int64(h3.Cell(c).Parent(res))
		pa, ok := l.acc[parent]
		if !ok {
			pa = make([]cellAcc, cb.nWindows)
			l.acc[parent] = pa
			l.cells[parent] = struct{}{}
		}
		for wi := range accs {
			pa[wi].add(accs[wi])
		}
		dn[dk{parent, cb.r9.district[c]}] += cb.districtN[[2]int64{c, int64(cb.r9.district[c])}]
	}
	best := map[int64]int32{}
	for k, n := range dn {
		if b, seen := best[k.cell]; !seen || n > b || (n == b && k.district < l.district[k.cell]) {
			best[k.cell], l.district[k.cell] = n, k.district
		}
	}
	return l
}

// decay returns the weight of a count aged age days under half-life hl.
func decay(ageDays int, hl time.Duration) float64 {
	if hl <= 0 {
		return 1
	}
	// The middle of the day bucket stands for its reports.
	return math.Pow(0.5, (float64(ageDays)+0.5)*24*float64(time.Hour)/float64(hl))
}
