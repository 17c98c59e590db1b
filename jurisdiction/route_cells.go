package jurisdiction

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/internal/pg"
)

// RouteCellResolution is the H3 resolution of route_cells. At r8 (≈0.74
// km², edges ≈0.46 km) the band of cells left out along every boundary is
// about a kilometre wide, and 91 % of the synthetic rows resolve from the
// table on the demo jurisdictions with the real districts; at r7 (edges
// ≈1.2 km) the band would be some 2.6 times as wide, a large share of the
// city station areas and PCR zones (a few km across). The full state is
// about 290,000 cells, rebuilt in 9–19 s on two loaded cores. The import
// joins on the staged rows' h3_r8.
const RouteCellResolution = 8

// routeCellReach is how far, as a multiple of the distance from an r8
// cell's centre to its farthest vertex, the points with that cell's h3_r8
// can lie. A staged row's h3_r8 is the parent of its r9 cell (geo.Index:
// aggregates must nest), and the seven r9 children of an r8 cell do not
// tile it: their union reaches (√3+1)/√7 ≈ 1.033 of the way out on a
// perfect hexagon, at most 1.038 over Uttar Pradesh (measured on the
// lon/lat plane, the metric the SQL uses). 1.06 leaves some ten metres
// more, and covers the millimetres by which an H3 edge (a great-circle arc)
// strays from the straight lon/lat segment; TestCellCircleHoldsChildren
// checks every point of the children stays inside with 1 % to spare.
const routeCellReach = 1.06

// cellCircle is a candidate cell: its centre and the radius (degrees) of a
// circle holding every point whose h3_r8 is the cell.
type cellCircle struct {
	cell     int64
	lon, lat float64
	r        float64
}

// RebuildRouteCells recomputes route_cells from the jurisdiction tables as
// db sees them, in one transaction (a savepoint when db is a transaction,
// so a seed or import can rebuild inside its own). It holds off
// jurisdiction writers while it runs. It returns how many cells were
// stored. Cells are enumerated in Go (H3 polyfill of every district);
// which of them are unambiguous, and their routing, is decided set-wise in
// SQL (fillRouteCells).
func RebuildRouteCells(ctx context.Context, db pg.DBTX) (int, error) {
	n, _, err := rebuildRouteCells(ctx, db, false)
	return n, err
}

// EnsureRouteCells rebuilds route_cells when a jurisdiction change has
// invalidated it (any statement that changes a row of the routing tables
// does, in the writing transaction) and does nothing otherwise; rebuilt
// says which, n how many cells were stored by a rebuild. A bulk import
// calls it first, and so do `vikalp import` and `seed --demo` after their
// changes.
func EnsureRouteCells(ctx context.Context, db pg.DBTX) (n int, rebuilt bool, err error) {
	valid, err := NewRouteCellStore(db).Valid(ctx)
	if err != nil || valid {
		return 0, false, err
	}
	return rebuildRouteCells(ctx, db, true)
}

// rebuildRouteCells rebuilds route_cells, or with onlyInvalid leaves it
// when it is valid once locked (another process rebuilt it meanwhile).
func rebuildRouteCells(ctx context.Context, db pg.DBTX, onlyInvalid bool) (n int, rebuilt bool, err error) {
	err = pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		valid, err := lockRouteCells(ctx, tx)
		if err != nil || (valid && onlyInvalid) {
			return err
		}
		shapes, err := districtShapes(ctx, tx)
		if err != nil {
			return err
		}
		n, err = fillRouteCells(ctx, tx, candidateCells(shapes))
		rebuilt = err == nil
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("rebuild route cells: %w", err)
	}
	return n, rebuilt, nil
}

// candidateResolution is the coarse resolution candidates are found at:
// polyfilling whole districts at RouteCellResolution costs seconds of
// point-in-polygon tests against every boundary vertex, at r6 (49 times
// fewer cells) a few milliseconds.
const candidateResolution = 6

// candidateCells returns, once each, the RouteCellResolution cells that
// may lie wholly inside a district, with their circles: the children of
// every candidateResolution cell whose centre lies in a district or that
// holds a boundary vertex, and of their neighbours. Missing a cell would
// only send its rows to the exact path; a cell that is not inside a
// district is dropped by the SQL.
func candidateCells(shapes []orb.MultiPolygon) []cellCircle {
	coarse := map[h3.Cell]bool{}
	for _, mp := range shapes {
		for _, p := range mp {
			for _, c := range h3.PolygonToCells(geoPolygon(p), candidateResolution) {
				coarse[c] = true
			}
			for _, r := range p {
				for _, pt := range r {
					coarse[h3.LatLngToCell(h3.LatLng{Lat: pt.Lat(), Lng: pt.Lon()}, candidateResolution)] = true
				}
			}
		}
	}
	grown := map[h3.Cell]bool{}
	for c := range coarse {
		for _, n := range c.GridDisk(1) {
			grown[n] = true
		}
	}
	var cells []h3.Cell
	for c := range grown {
		cells = append(cells, c.Children(RouteCellResolution)...)
	}
	return circlesOf(cells)
}

// circlesOf returns the circles of cells, computed on every CPU (H3's
// boundary is a few microseconds a cell, seconds for the whole state).
func circlesOf(cells []h3.Cell) []cellCircle {
	out := make([]cellCircle, len(cells))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(cells); i += workers {
				out[i] = circleOf(cells[i])
			}
		})
	}
	wg.Wait()
	return out
}

// geoPolygon converts a lon/lat polygon to H3's form.
func geoPolygon(p orb.Polygon) h3.GeoPolygon {
	loop := func(r orb.Ring) h3.GeoLoop {
		l := make(h3.GeoLoop, 0, len(r))
		for _, pt := range r {
			l = append(l, h3.LatLng{Lat: pt.Lat(), Lng: pt.Lon()})
		}
		return l
	}
	var g h3.GeoPolygon
	if len(p) == 0 {
		return g
	}
	g.GeoLoop = loop(p[0])
	for _, hole := range p[1:] {
		g.Holes = append(g.Holes, loop(hole))
	}
	return g
}

// circleOf is cell's centre and the radius (planar lon/lat degrees) of a
// circle holding every point whose h3_r8 is cell: the distance to its
// farthest vertex times routeCellReach.
func circleOf(c h3.Cell) cellCircle {
	ll := c.LatLng()
	var r float64
	for _, v := range c.Boundary() {
		r = math.Max(r, math.Hypot(v.Lng-ll.Lng, v.Lat-ll.Lat))
	}
	return cellCircle{cell: int64(c), lon: ll.Lng, lat: ll.Lat, r: r * routeCellReach}
}

// maxRadius is the largest circle radius of candidates.
func maxRadius(candidates []cellCircle) float64 {
	var r float64
	for _, c := range candidates {
		r = max(r, c.r)
	}
	return r
}
