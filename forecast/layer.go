package forecast

import (
	"math"
	"slices"

	"github.com/uber/h3-go/v4"
)

// layer is a History seen at one resolution: the cells models score, their
// areas, the day series of each cell holding events, and the kernel spreads
// from the resolution-9 sources. Cells are appended, never reordered, so an
// index stays valid as kernels reach new cells.
type layer struct {
	res   int
	cells []int64
	index map[int64]int32
	area  []float64 // km²; NaN until needed beyond the base cells
	nBase int       // cells [0, nBase) hold events and have series
	start []int     // series of cell i (< nBase) is [start[i], start[i+1])
	day   []int32
	w     []float64
	cum   []float64 // prefix sums of w

	spreads map[kernel]*spread
}

// layerAt returns h's layer at res, building it on first use. h.mu is held.
func (h *History) layerAt(res int) *layer {
	if l, ok := h.layers[res]; ok {
		return l
	}
	l := &layer{res: res, index: map[int64]int32{}, spreads: map[kernel]*spread{}}
	parents := make([]int64, len(h.cells))
	for s, c := range h.cells {
		parents[s] = parentCell(c, res)
	}
	base := slices.Clone(parents)
	slices.Sort(base)
	base = slices.Compact(base)
	for _, c := range base {
		l.areaOf(l.addCell(c)) // base cells make study areas: all needed
	}
	l.nBase = len(base)
	members := make([][]int32, l.nBase) // the sources of each base cell
	for s, p := range parents {
		i := l.index[p]
		members[i] = append(members[i], int32(s))
	}
	l.buildSeries(h, members)
	h.layers[res] = l
	return l
}

func (l *layer) addCell(c int64) int32 {
	if i, ok := l.index[c]; ok {
		return i
	}
	i := int32(len(l.cells))
	l.index[c] = i
	l.cells = append(l.cells, c)
	l.area = append(l.area, math.NaN())
	return i
}

// areaOf returns cell i's area in km², computing it on first use: a kernel
// reaches many cells that never become hotspots, and an H3 area costs a
// microsecond.
func (l *layer) areaOf(i int32) float64 {
	if math.IsNaN(l.area[i]) {
		l.area[i] = h3.CellAreaKm2(h3.Cell(l.cells[i]))
	}
	return l.area[i]
}

// parentCell returns the ancestor of H3 cell c at resolution res (at most
// c's own): the H3 index with its resolution field set to res and every
// finer digit set to 7, as H3's cellToParent does, without a cgo call.
func parentCell(c int64, res int) int64 {
	const resShift, digitBits, maxRes = 52, 3, 15
	h := uint64(c)
	own := int(h >> resShift & 0xf)
	h = h&^(0xf<<resShift) | uint64(res)<<resShift
	for r := res + 1; r <= own; r++ {
		h |= 7 << ((maxRes - r) * digitBits)
	}
	return int64(h)
}

// buildSeries merges the day series of each cell's sources.
func (l *layer) buildSeries(h *History, members [][]int32) {
	type dw struct {
		day int32
		w   float64
	}
	var buf []dw
	for _, srcs := range members {
		l.start = append(l.start, len(l.day))
		buf = buf[:0]
		for _, s := range srcs {
			for e := h.start[s]; e < h.start[s+1]; e++ {
				buf = append(buf, dw{h.day[e], h.w[e]})
			}
		}
		if len(srcs) > 1 {
			slices.SortFunc(buf, func(a, b dw) int { return int(a.day) - int(b.day) })
		}
		for i, x := range buf {
			if i > 0 && x.day == buf[i-1].day {
				l.w[len(l.w)-1] += x.w
				continue
			}
			l.day = append(l.day, x.day)
			l.w = append(l.w, x.w)
		}
	}
	l.start = append(l.start, len(l.day))
	l.cum = prefixSums(l.w)
}

// ensureSpreads builds the spreads of the kernels l lacks, in one pass over
// the sources (one H3 disk per source for all of them). h.mu is held.
func (h *History) ensureSpreads(l *layer, ks []kernel) {
	var todo []kernel
	radius := 0.0
	for _, k := range ks {
		if _, ok := l.spreads[k]; ok || k.none() || slices.Contains(todo, k) {
			continue
		}
		todo = append(todo, k)
		radius = max(radius, k.bandwidth)
	}
	if len(todo) == 0 {
		return
	}
	if h.lat == nil && len(h.cells) > 0 {
		h.lat = newLattice(h3.Cell(h.cells[0]))
	}
	sps := make([]*spread, len(todo))
	for i := range sps {
		sps[i] = &spread{start: make([]int32, 0, len(h.cells)+1)}
	}
	var nb neighbourhood
	var b spreadBuf
	for _, c := range h.cells {
		h.lat.neighbours(h3.Cell(c), radius, &nb)
		for i, k := range todo {
			sps[i].add(l, k, &nb, &b)
		}
	}
	for i, k := range todo {
		sps[i].start = append(sps[i].start, int32(len(sps[i].to)))
		l.spreads[k] = sps[i]
	}
}

// spreadBuf is the scratch space of spread.add.
type spreadBuf struct {
	w    []float64
	to   []int32
	mass []float64
	near nearCells
}

// add appends to sp the next source, whose neighbourhood is nb: the layer
// cells its weight reaches under k, each once with its summed share.
func (sp *spread) add(l *layer, k kernel, nb *neighbourhood, b *spreadBuf) {
	b.w = k.weights(nb.dist, nb.ring, b.w)
	b.to, b.mass = b.to[:0], b.mass[:0]
	for j, u := range nb.cells {
		if b.w[j] > 0 {
			b.to, b.mass = addMass(b.to, b.mass, b.near.index(l, u), b.w[j])
		}
	}
	sp.start = append(sp.start, int32(len(sp.to)))
	sp.to = append(sp.to, b.to...)
	sp.mass = append(sp.mass, b.mass...)
}

// nearCells remembers the layer cells of the last few neighbours' parents:
// a source's neighbours fall in a handful of cells, so most lookups skip the
// layer's map.
type nearCells struct {
	parent [8]int64
	idx    [8]int32
	next   int
}

func (n *nearCells) index(l *layer, c h3.Cell) int32 {
	p := parentCell(int64(c), l.res)
	for i, q := range n.parent {
		if q == p && p != 0 {
			return n.idx[i]
		}
	}
	i := l.addCell(p)
	n.parent[n.next], n.idx[n.next] = p, i
	n.next = (n.next + 1) % len(n.parent)
	return i
}

// addMass adds m to cell c in a short list of (cell, mass) pairs.
func addMass(to []int32, mass []float64, c int32, m float64) ([]int32, []float64) {
	for i, t := range to {
		if t == c {
			mass[i] += m
			return to, mass
		}
	}
	return append(to, c), append(mass, m)
}
