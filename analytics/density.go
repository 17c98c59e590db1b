package analytics

import (
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Density surface defaults (docs/ANALYTICS.md, "Kernel density"). Lengths
// are EPSG:3857 metres, which at Uttar Pradesh's latitudes (24–31° N) are
// 0.86–0.91 ground metres.
const (
	// DefaultDensityCell is the side of a density grid cell.
	DefaultDensityCell = 1000.0
	// DefaultDensityBandwidth is the quartic kernel's radius.
	DefaultDensityBandwidth = 1500.0
	// densityEpsilon drops cells below this density (weighted records per
	// km²): the thin rim of the kernels, a 1/400 of one record's peak.
	densityEpsilon = 1e-3
	// maxDensityGrid bounds the cells of one window's grid; a wider extent
	// doubles the cell size until it fits (UP at 1 km is about 0.8 M).
	maxDensityGrid = 1 << 22
	// densityRefQuantile picks the density that maps to level 1.
	densityRefQuantile = 0.99
)

// densityRow is one stored cell of a density surface: grid indexes (the
// cell spans [x·cell, (x+1)·cell) × [y·cell, (y+1)·cell) in EPSG:3857), the
// district whose records made it, and the density in weighted records per
// km². A grid cell near a district border has one row per district.
type densityRow struct {
	x, y, district int32
	density        float64
}

// densitySurface is the quartic KDE of one window, split by district so
// that a scoped caller sees only the surface of its own districts' records.
type densitySurface struct {
	key       string
	cell      float64 // EPSG:3857 metres
	bandwidth float64
	ref       float64 // densityRefQuantile of the summed surface: level 1
	rows      []densityRow
}

// densityPoint is an r9 cell centre in EPSG:3857 with its district.
type densityPoint struct {
	x, y     float64
	district int32
	pos      int32 // position in the r9 level
}

// densitySurfaces computes the quartic KDE of every window over the r9
// level: each cell with data is a point at its centre weighted by its
// severity-weighted (optionally decayed) score, on one grid aligned to
// multiples of the cell size (so tiles rebuild squares from indexes alone).
// Windows share the kernel geometry: each point's kernel is evaluated once
// and added to every window (acc holds a cell's windows side by side).
// Points are processed district by district, emitting and clearing only the
// cells each district touched. Rows come out sorted by (x, y) and surfaces
// by key, the order of the tile index, so its build sorts presorted input.
func densitySurfaces(l *gridLevel, centres []orb.Point, windows []Window, cell, h float64) []densitySurface {
	pts := densityPoints(l, centres)
	if len(pts) == 0 {
		return nil
	}
	g := densityGrid(pts, cell, h)
	nw := len(windows)
	// acc holds the kernel sums of the district being processed, over the
	// part of the grid its kernels can reach (a district is a few hundred
	// cells across; the state's grid, times the windows, is tens of MB);
	// sum holds every cell's total over the districts, for the reference
	// level.
	var acc []float64
	var seen []bool
	sum := make([]float64, g.NX*g.NY*nw)
	var touched []int32
	surf := make([]densitySurface, nw)
	for wi, w := range windows {
		surf[wi] = densitySurface{key: w.Key, cell: g.Cell, bandwidth: h}
	}
	ix0, iy0 := int32(math.Round(g.X0/g.Cell)), int32(math.Round(g.Y0/g.Cell))
	const perKm2 = 1e6 // the kernel is per m²; densities are stored per km²
	ws := make([]float64, nw)
	for lo := 0; lo < len(pts); {
		hi := lo
		for hi < len(pts) && pts[hi].district == pts[lo].district {
			hi++
		}
		win := kernelWindow(g, h, pts[lo:hi])
		if n := win.w * win.h; n > len(seen) {
			acc, seen = make([]float64, n*nw), make([]bool, n)
		}
		touched = touched[:0]
		for _, p := range pts[lo:hi] {
			a := l.acc[int(p.pos)*l.nw : int(p.pos)*l.nw+nw]
			for wi := range ws {
				ws[wi] = a[wi].score
			}
			kernelCells(g, h, p.x, p.y, func(gi int, k float64) {
				i := win.local(gi, g.NX)
				if !seen[i] {
					seen[i] = true
					touched = append(touched, int32(i))
				}
				for wi, w := range ws {
					acc[i*nw+wi] += w * k
				}
			})
		}
		for _, i := range touched {
			seen[i] = false
			gx, gy := win.i0+int(i)%win.w, win.j0+int(i)/win.w
			x, y, gi := ix0+int32(gx), iy0+int32(gy), gy*g.NX+gx
			for wi := range surf {
				v := acc[int(i)*nw+wi] * perKm2
				acc[int(i)*nw+wi] = 0
				sum[gi*nw+wi] += v
				if v > densityEpsilon {
					surf[wi].rows = append(surf[wi].rows, densityRow{x: x, y: y, district: pts[lo].district, density: v})
				}
			}
		}
		lo = hi
	}
	out := surf[:0]
	for wi, s := range surf {
		s.ref = quantileNonZero(sum, nw, wi, densityRefQuantile)
		if s.ref == 0 {
			continue
		}
		slices.SortFunc(s.rows, func(a, b densityRow) int {
			if a.x != b.x {
				return int(a.x - b.x)
			}
			return int(a.y - b.y)
		})
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b densitySurface) int { return strings.Compare(a.key, b.key) })
	return out
}

// gridWindow is the rectangle of grid cells i0 ≤ i < i0+w, j0 ≤ j < j0+h.
type gridWindow struct{ i0, j0, w, h int }

// kernelWindow returns the cells of g that kernelCells can reach from pts.
func kernelWindow(g Grid, h float64, pts []densityPoint) gridWindow {
	i0, j0, i1, j1 := g.NX, g.NY, -1, -1
	for _, p := range pts {
		ci, cj, span := kernelSquare(g, h, p.x, p.y)
		i0, i1 = min(i0, ci-span), max(i1, ci+span)
		j0, j1 = min(j0, cj-span), max(j1, cj+span)
	}
	i0, j0, i1, j1 = max(i0, 0), max(j0, 0), min(i1, g.NX-1), min(j1, g.NY-1)
	return gridWindow{i0: i0, j0: j0, w: max(i1-i0+1, 0), h: max(j1-j0+1, 0)}
}

// local returns the position in w of g's cell gi (row-major, nx columns).
func (w gridWindow) local(gi, nx int) int {
	return (gi/nx-w.j0)*w.w + gi%nx - w.i0
}

// densityPoints returns l's cells as points at centres (EPSG:3857, one per
// cell: cellCentres), sorted by district (stable, so cell order within a
// district is kept).
func densityPoints(l *gridLevel, centres []orb.Point) []densityPoint {
	pts := make([]densityPoint, len(l.cells))
	for i, p := range centres {
		pts[i] = densityPoint{x: p[0], y: p[1], district: l.district[i], pos: int32(i)}
	}
	slices.SortStableFunc(pts, func(a, b densityPoint) int { return int(a.district) - int(b.district) })
	return pts
}

// densityGrid returns the grid, aligned to multiples of the cell size, that
// covers every point's kernel. When that would exceed maxDensityGrid cells
// the cell size doubles until it does not.
func densityGrid(pts []densityPoint, cell, h float64) Grid {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = min(minX, p.x), max(maxX, p.x)
		minY, maxY = min(minY, p.y), max(maxY, p.y)
	}
	for {
		ix0, iy0 := math.Floor((minX-h)/cell), math.Floor((minY-h)/cell)
		nx, ny := int(math.Floor((maxX+h)/cell)-ix0)+1, int(math.Floor((maxY+h)/cell)-iy0)+1
		if nx*ny <= maxDensityGrid {
			return Grid{X0: ix0 * cell, Y0: iy0 * cell, Cell: cell, NX: nx, NY: ny}
		}
		cell *= 2
	}
}

// quantileNonZero returns the q-quantile (nearest rank) of the non-zero
// values v[off], v[off+stride], …, or 0 when there are none.
func quantileNonZero(v []float64, stride, off int, q float64) float64 {
	var nz []float64
	for i := off; i < len(v); i += stride {
		if v[i] > 0 {
			nz = append(nz, v[i])
		}
	}
	if len(nz) == 0 {
		return 0
	}
	slices.Sort(nz)
	return nz[max(min(int(math.Ceil(q*float64(len(nz))))-1, len(nz)-1), 0)]
}
