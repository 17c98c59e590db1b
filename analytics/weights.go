package analytics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
)

// Weights is a binary spatial weights structure: observation i has weight 1
// for every index in Neighbors[i] and 0 elsewhere. Neighbors never contains
// i itself; the Gi* statistic adds the focal observation on its own.
type Weights struct {
	// IDs names observation i in files and output (a GAL id, an H3 cell).
	IDs []string
	// Neighbors holds the indices of the neighbours of observation i,
	// without i and without duplicates.
	Neighbors [][]int
}

// N returns the number of observations.
func (w *Weights) N() int { return len(w.IDs) }

// Index returns the observation index of each id.
func (w *Weights) Index() map[string]int {
	idx := make(map[string]int, len(w.IDs))
	for i, id := range w.IDs {
		idx[id] = i
	}
	return idx
}

// MeanNeighbors returns the mean number of neighbours per observation.
func (w *Weights) MeanNeighbors() float64 {
	if w.N() == 0 {
		return 0
	}
	total := 0
	for _, nb := range w.Neighbors {
		total += len(nb)
	}
	return float64(total) / float64(w.N())
}

// ParseGAL reads a GeoDa/PySAL .gal neighbour file. The header is either
// "n" or "0 n shapefile idvar"; then each observation has a line "id count"
// followed by a line of its count neighbour ids. Observation order is the
// file order. A self-neighbour in the file is dropped (see Weights), and an
// asymmetric file is kept as written.
func ParseGAL(r io.Reader) (*Weights, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var lines [][]string
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			lines = append(lines, f)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read gal: %w", err)
	}
	if len(lines) == 0 {
		return nil, vikalp.Invalidf("gal file is empty")
	}
	n, err := galCount(lines[0])
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, n)
	raw := make([][]string, 0, n)
	pos := 1
	for len(ids) < n {
		if pos >= len(lines) || len(lines[pos]) < 2 {
			return nil, vikalp.Invalidf("gal file: expected \"id count\" for observation %d", len(ids)+1)
		}
		head := lines[pos]
		k, err := strconv.Atoi(head[1])
		if err != nil || k < 0 {
			return nil, vikalp.Invalidf("gal file: bad neighbour count %q for id %s", head[1], head[0])
		}
		pos++
		var nb []string
		if k > 0 {
			if pos >= len(lines) || len(lines[pos]) != k {
				return nil, vikalp.Invalidf("gal file: id %s should list %d neighbours", head[0], k)
			}
			nb = lines[pos]
			pos++
		}
		ids = append(ids, head[0])
		raw = append(raw, nb)
	}
	return newWeights(ids, raw)
}

// galCount reads the observation count from a GAL header line.
func galCount(head []string) (int, error) {
	s := head[0]
	if len(head) >= 2 && s == "0" {
		s = head[1]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, vikalp.Invalidf("gal file: bad header %q", strings.Join(head, " "))
	}
	return n, nil
}

// newWeights resolves neighbour ids to indices.
func newWeights(ids []string, raw [][]string) (*Weights, error) {
	w := &Weights{IDs: ids, Neighbors: make([][]int, len(ids))}
	idx := w.Index()
	if len(idx) != len(ids) {
		return nil, vikalp.Invalidf("gal file: duplicate observation ids")
	}
	for i, nb := range raw {
		seen := make(map[int]bool, len(nb))
		for _, id := range nb {
			j, ok := idx[id]
			if !ok {
				return nil, vikalp.Invalidf("gal file: neighbour %s of %s is not an observation", id, ids[i])
			}
			if j == i || seen[j] {
				continue
			}
			seen[j] = true
			w.Neighbors[i] = append(w.Neighbors[i], j)
		}
	}
	return w, nil
}

// H3Weights returns binary k-ring weights over cells: j is a neighbour of i
// when j is within grid distance k of i (and both are in cells). Cells that
// are not in the list are not observations: a study area is the set of cells
// given. The order of cells is kept; IDs are the H3 index strings.
func H3Weights(cells []int64, k int) (*Weights, error) {
	if k < 1 {
		return nil, vikalp.Invalidf("k must be at least 1")
	}
	w := &Weights{IDs: make([]string, len(cells)), Neighbors: make([][]int, len(cells))}
	idx := make(map[int64]int, len(cells))
	for i, c := range cells {
		if !h3.Cell(c).IsValid() {
			return nil, vikalp.Invalidf("%d is not a valid H3 cell", c)
		}
		if _, dup := idx[c]; dup {
			return nil, vikalp.Invalidf("cell %s is listed twice", h3.Cell(c))
		}
		idx[c] = i
		w.IDs[i] = h3.Cell(c).String()
	}
	for i, c := range cells {
		for _, d := range h3.GridDisk(h3.Cell(c), k) {
			if j, ok := idx[int64(d)]; ok && d != 0 && j != i {
				w.Neighbors[i] = append(w.Neighbors[i], j)
			}
		}
	}
	return w, nil
}

// Point2 is a planar point with an id, for distance-band weights.
type Point2 struct {
	ID   string
	X, Y float64
}

// DistanceBandWeights returns binary weights where j neighbours i when their
// Euclidean distance is at most band (PySAL DistanceBand, R dnearneigh with
// lower bound 0). It is O(n²) and meant for tests and small data sets.
func DistanceBandWeights(pts []Point2, band float64) *Weights {
	w := &Weights{IDs: make([]string, len(pts)), Neighbors: make([][]int, len(pts))}
	for i, p := range pts {
		w.IDs[i] = p.ID
		for j, q := range pts {
			if i != j && math.Hypot(p.X-q.X, p.Y-q.Y) <= band {
				w.Neighbors[i] = append(w.Neighbors[i], j)
			}
		}
	}
	return w
}
