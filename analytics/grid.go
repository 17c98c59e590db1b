package analytics

import (
	"cmp"
	"slices"

	"github.com/uber/h3-go/v4"
)

// gridLevel is one resolution of a run: the cells with data in any window
// in increasing order, one accumulator per cell and window (acc[i*nw+wi]),
// and each cell's district. Slices indexed by position replace the maps of
// cube: a run touches hundreds of thousands of cells.
type gridLevel struct {
	res      int
	nw       int
	cells    []int64
	acc      []cellAcc
	district []int32
	// distN is how many records of the cell's district it holds; coarse
	// levels pick their district from these (see rollUp).
	distN []int32
}

// newR9Level sums the report rows per r9 cell. A cell's district is the
// district with most of its weighted reports in the lookback (ties: the
// smaller id); cells without data in any window and invalid cells are left
// out.
func newR9Level(nw int, parts [][]windowCount) *gridLevel {
	total := 0
	for _, reports := range parts {
		total += len(reports)
	}
	rows := make([]*windowCount, 0, total)
	for _, reports := range parts {
		for i := range reports {
			rows = append(rows, &reports[i])
		}
	}
	slices.SortFunc(rows, func(a, b *windowCount) int {
		if a.Cell != b.Cell {
			return cmp.Compare(a.Cell, b.Cell)
		}
		return int(a.DistrictID) - int(b.DistrictID)
	})
	n := 0 // distinct cells: the level's slices are allocated once
	for i, r := range rows {
		if i == 0 || r.Cell != rows[i-1].Cell {
			n++
		}
	}
	l := &gridLevel{res: 9, nw: nw, cells: make([]int64, 0, n), acc: make([]cellAcc, 0, n*nw),
		district: make([]int32, 0, n), distN: make([]int32, 0, n)}
	acc := make([]cellAcc, nw)
	for lo := 0; lo < len(rows); {
		hi := lo
		for hi < len(rows) && rows[hi].Cell == rows[lo].Cell {
			hi++
		}
		clear(acc)
		var best, bestN, curD, curN int32 = 0, -1, rows[lo].DistrictID, 0
		for _, r := range rows[lo:hi] {
			if r.DistrictID != curD {
				curD, curN = r.DistrictID, 0
			}
			curN += r.Total
			if curN > bestN { // rows are sorted by district: ties keep the smaller id
				best, bestN = curD, curN
			}
			for wi := range nw {
				acc[wi].add(cellAcc{nReports: r.N[wi], nDistinct: r.NDistinct[wi], score: r.Score[wi]})
			}
		}
		c := rows[lo].Cell
		lo = hi
		if !hasData(acc) || !h3.Cell(c).IsValid() {
			continue
		}
		l.cells = append(l.cells, c)
		l.acc = append(l.acc, acc...)
		l.district = append(l.district, best)
		l.distN = append(l.distN, bestN)
	}
	return l
}

func hasData(acc []cellAcc) bool {
	for _, a := range acc {
		if a.nReports > 0 {
			return true
		}
	}
	return false
}

// rollUp returns the parents at res of r9's cells with summed accumulators.
// Sorted H3 indexes of one resolution keep the children of a parent
// together (the base cell and the coarser digits are the high bits), so one
// pass suffices. As in cube.level, a parent's district is the district with
// the most records among its r9 cells' own districts (ties: smaller id).
func rollUp(r9 *gridLevel, res int) *gridLevel {
	if res == r9.res {
		return r9
	}
	nw := r9.nw
	n := 0 // parents: the level's slices are allocated once
	for i, c := range r9.cells {
		if i == 0 || cellParent(c, res) != cellParent(r9.cells[i-1], res) {
			n++
		}
	}
	l := &gridLevel{res: res, nw: nw, cells: make([]int64, 0, n), acc: make([]cellAcc, 0, n*nw),
		district: make([]int32, 0, n), distN: make([]int32, 0, n)}
	var dn []struct{ d, n int32 }
	for lo := 0; lo < len(r9.cells); {
		p := cellParent(r9.cells[lo], res)
		acc := make([]cellAcc, nw)
		dn = dn[:0]
		hi := lo
		for ; hi < len(r9.cells) && cellParent(r9.cells[hi], res) == p; hi++ {
			for wi := range nw {
				acc[wi].add(r9.acc[hi*nw+wi])
			}
			k := slices.IndexFunc(dn, func(e struct{ d, n int32 }) bool { return e.d == r9.district[hi] })
			if k < 0 {
				dn = append(dn, struct{ d, n int32 }{r9.district[hi], 0})
				k = len(dn) - 1
			}
			dn[k].n += r9.distN[hi]
		}
		lo = hi
		best := dn[0]
		for _, e := range dn[1:] {
			if e.n > best.n || (e.n == best.n && e.d < best.d) {
				best = e
			}
		}
		l.cells = append(l.cells, p)
		l.acc = append(l.acc, acc...)
		l.district = append(l.district, best.d)
		l.distN = append(l.distN, best.n)
	}
	return l
}

// cellParent is h3 Parent without cgo: set the resolution field and fill
// the digits finer than res with 7 (unused). It assumes a valid cell.
func cellParent(c int64, res int) int64 {
	cur := int((c >> 52) & 0xF)
	if res >= cur {
		return c
	}
	c = c&^(0xF<<52) | int64(res)<<52
	for r := res + 1; r <= cur; r++ {
		c |= 7 << ((15 - r) * 3)
	}
	return c
}

// neighbourIndex holds, for each cell of a sorted list, the positions of
// the cells of the list within grid distance k (itself excluded), in
// GridDisk order: cell i's are nb[off[i]:off[i+1]].
type neighbourIndex struct {
	off []int32
	nb  []int32
}

// newNeighbourIndex builds the k-ring index of sorted cells once; every
// window of the level reuses it.
func newNeighbourIndex(cells []int64, k int) neighbourIndex {
	ix := neighbourIndex{off: make([]int32, 1, len(cells)+1), nb: make([]int32, 0, 6*len(cells))}
	for _, c := range cells {
		for _, d := range h3.GridDisk(h3.Cell(c), k) {
			if int64(d) == c {
				continue
			}
			if j, ok := slices.BinarySearch(cells, int64(d)); ok {
				ix.nb = append(ix.nb, int32(j))
			}
		}
		ix.off = append(ix.off, int32(len(ix.nb)))
	}
	return ix
}

// giStarSubset runs GiStar over the members of a level (positions into the
// neighbour index, increasing): neighbours that are not members are not
// part of the study area and are skipped, as in giStarSparse.
func giStarSubset(members []int32, x []float64, ix neighbourIndex, nCells int) []float64 {
	pos := make([]int32, nCells)
	for i := range pos {
		pos[i] = -1
	}
	for i, m := range members {
		pos[m] = int32(i)
	}
	w := &Weights{IDs: make([]string, len(members)), Neighbors: make([][]int, len(members))}
	flat := make([]int, 0, len(ix.nb))
	for i, m := range members {
		start := len(flat)
		for _, j := range ix.nb[ix.off[m]:ix.off[m+1]] {
			if p := pos[j]; p >= 0 {
				flat = append(flat, int(p))
			}
		}
		w.Neighbors[i] = flat[start:len(flat):len(flat)]
	}
	z, err := GiStar(x, w)
	if err != nil { // only for fewer than 2 cells or non-finite scores
		return make([]float64, len(members))
	}
	return z
}

// neighbourLists returns, for each cell, the cells of the set within grid
// distance k (itself excluded).
func neighbourLists(cells map[int64]struct{}, k int) map[int64][]int64 {
	out := make(map[int64][]int64, len(cells))
	buf := make([]h3.Cell, 0, 3*k*(k+1)+1)
	for c := range cells {
		buf = buf[:0]
		buf = append(buf, h3.GridDisk(h3.Cell(c), k)...)
		var nb []int64
		for _, d := range buf {
			if _, ok := cells[int64(d)]; ok && int64(d) != c {
				nb = append(nb, int64(d))
			}
		}
		out[c] = nb
	}
	return out
}

// giStarSparse is GiStar over cells with neighbour lists keyed by cell;
// neighbours outside cells (not in this window) are skipped.
func giStarSparse(cells []int64, x []float64, nb map[int64][]int64) []float64 {
	idx := make(map[int64]int, len(cells))
	for i, c := range cells {
		idx[c] = i
	}
	w := &Weights{IDs: make([]string, len(cells)), Neighbors: make([][]int, len(cells))}
	for i, c := range cells {
		for _, d := range nb[c] {
			if j, ok := idx[d]; ok {
				w.Neighbors[i] = append(w.Neighbors[i], j)
			}
		}
	}
	z, err := GiStar(x, w)
	if err != nil { // only for fewer than 2 cells or non-finite scores
		return make([]float64, len(cells))
	}
	return z
}
