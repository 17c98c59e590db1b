package analytics

import (
	"math"

	"github.com/vikalp/vikalp"
)

// WeightedPoint is a planar point (metres, e.g. EPSG:3857) with a weight.
type WeightedPoint struct {
	X, Y, W float64
}

// Grid is a regular raster: NX×NY square cells of side Cell metres whose
// lower-left corner is (X0, Y0). Cell (i, j) has its centre at
// (X0 + (i+½)·Cell, Y0 + (j+½)·Cell) and index j·NX + i.
type Grid struct {
	X0, Y0 float64
	Cell   float64
	NX, NY int
}

// Center returns the centre of cell (i, j).
func (g Grid) Center(i, j int) (x, y float64) {
	return g.X0 + (float64(i)+0.5)*g.Cell, g.Y0 + (float64(j)+0.5)*g.Cell
}

// QuarticKernel returns the quartic (biweight) kernel of bandwidth h at
// distance d, normalised to integrate to 1 over the plane:
//
//	K(d) = 3/(π h²) · (1 − d²/h²)²  for d < h, else 0
//
// (Silverman 1986 eq. 4.5; the kernel of ArcGIS Kernel Density and of
// Chainey & Ratcliffe 2005 crime hotspot mapping).
func QuarticKernel(d, h float64) float64 {
	if d >= h {
		return 0
	}
	u := 1 - (d*d)/(h*h)
	return 3 / (math.Pi * h * h) * u * u
}

// KDE returns the quartic kernel density surface of pts on g with bandwidth
// h: the value of cell (i, j), at index j·NX+i, is Σ w·K(distance from the
// cell centre). Density is weight per square metre, so the sum of the surface
// times the cell area approximates the total weight of points well inside
// the grid. Only the cells within h of each point are visited.
func KDE(pts []WeightedPoint, g Grid, h float64) ([]float64, error) {
	if g.NX <= 0 || g.NY <= 0 || g.Cell <= 0 || h <= 0 {
		return nil, vikalp.Invalidf("kde needs a non-empty grid and a positive bandwidth")
	}
	out := make([]float64, g.NX*g.NY)
	for _, p := range pts {
		kernelCells(g, h, p.X, p.Y, func(i int, k float64) { out[i] += p.W * k })
	}
	return out, nil
}

// kernelSquare returns the cell (ci, cj) of g holding (x, y) and how many
// cells either side of it kernelCells visits (before clipping to g).
func kernelSquare(g Grid, h, x, y float64) (ci, cj, span int) {
	return int(math.Floor((x - g.X0) / g.Cell)), int(math.Floor((y - g.Y0) / g.Cell)), int(math.Ceil(h/g.Cell)) + 1
}

// kernelCells calls fn with the index (j·NX+i) and the quartic kernel value
// of every cell of g whose centre lies within h of (x, y). Only the cells
// of the kernel's bounding square are visited, on squared distances (no
// square root per cell).
func kernelCells(g Grid, h, x, y float64, fn func(i int, k float64)) {
	ci, cj, span := kernelSquare(g, h, x, y)
	h2 := h * h
	norm := 3 / (math.Pi * h2)
	for j := max(cj-span, 0); j <= min(cj+span, g.NY-1); j++ {
		dy := g.Y0 + (float64(j)+0.5)*g.Cell - y
		if dy*dy >= h2 {
			continue
		}
		for i := max(ci-span, 0); i <= min(ci+span, g.NX-1); i++ {
			dx := g.X0 + (float64(i)+0.5)*g.Cell - x
			if d2 := dx*dx + dy*dy; d2 < h2 {
				u := 1 - d2/h2
				fn(j*g.NX+i, norm*u*u)
			}
		}
	}
}
