package forecast

import (
	"math"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/geo"
)

// neighbourhood is one source cell's resolution-9 neighbours within a
// radius, with their distances and grid rings.
type neighbourhood struct {
	cells []h3.Cell
	dist  []float64 // metres, centre to centre
	ring  []int
}

// neighbours sets nb to the resolution-9 cells whose centre lies within
// radius metres of src's centre.
//
// Distances are those of the ideal hexagonal lattice H3 approximates: a cell
// t steps along a side of ring r lies s·√(r² − r·t + t²) from the centre,
// s being the local mean centre spacing (measured once per resolution-5
// cell, ≈ 16 km across). In Uttar Pradesh that departs from H3's own,
// irregular centres by under 8 %, and spares an H3 call per neighbour. It
// relies on H3 listing a ring side by side from one step past a corner:
// newLattice checks that, and a ring broken by a pentagon is measured.
func (lt *lattice) neighbours(src h3.Cell, radius float64, nb *neighbourhood) {
	nb.cells, nb.dist, nb.ring = nb.cells[:0], nb.dist[:0], nb.ring[:0]
	spacing := lt.spacing(src)
	rings := src.GridDiskDistances(lt.rings(radius, spacing))
	exact := lt.exact
	for r := 1; r < len(rings) && !exact; r++ {
		exact = len(rings[r]) != 6*r
	}
	var centre h3.LatLng
	if exact {
		centre = src.LatLng()
	}
	for r, ring := range rings {
		for q, c := range ring {
			var d float64
			if exact {
				d = h3.GreatCircleDistanceM(centre, c.LatLng())
			} else if r > 0 {
				t := float64(q%r + 1)
				d = spacing * math.Sqrt(float64(r*r)-float64(r)*t+t*t)
			}
			if d < radius {
				nb.cells = append(nb.cells, c)
				nb.dist = append(nb.dist, d)
				nb.ring = append(nb.ring, r)
			}
		}
	}
}

// lattice holds what neighbours needs across sources.
type lattice struct {
	spacings map[int64]float64 // mean r9 centre spacing per r5 cell, metres
	exact    bool              // measure every neighbour's centre
}

// spacing returns the mean distance between resolution-9 centres around
// src: the mean over the first ring of the centre child of src's
// resolution-5 ancestor.
func (lt *lattice) spacing(src h3.Cell) float64 {
	r5 := parentCell(int64(src), 5)
	if s, ok := lt.spacings[r5]; ok {
		return s
	}
	c := h3.Cell(r5).CenterChild(geo.ResStorage)
	centre := c.LatLng()
	var s float64
	ring := c.GridDiskDistances(1)[1]
	for _, n := range ring {
		s += h3.GreatCircleDistanceM(centre, n.LatLng()) / float64(len(ring))
	}
	lt.spacings[r5] = s
	return s
}

// newLattice checks the ideal-lattice distances against H3's centres around
// probe, and falls back to measuring every centre if they disagree by more
// than 10 %: a future H3 listing rings in another order must cost speed,
// not correctness.
func newLattice(probe h3.Cell) *lattice {
	lt := &lattice{spacings: map[int64]float64{}}
	var nb neighbourhood
	lt.neighbours(probe, 1200, &nb)
	centre := probe.LatLng()
	for i, c := range nb.cells {
		d := h3.GreatCircleDistanceM(centre, c.LatLng())
		if math.Abs(nb.dist[i]-d) > 0.1*max(d, 1) {
			lt.exact = true
		}
	}
	return lt
}

// rings returns how many rings can hold a centre within radius on a
// lattice of the given spacing: ring r's nearest centres are r·s·√3/2
// away, taken 15 % nearer for H3's distortion.
func (lt *lattice) rings(radius, spacing float64) int {
	return max(1, int(math.Ceil(radius/(0.85*spacing*math.Sqrt(3)/2)))-1)
}
