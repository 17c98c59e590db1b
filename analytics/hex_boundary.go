package analytics

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/uber/h3-go/v4"
)

// cellCentres returns the centres of cells in EPSG:3857, each the mean of
// its hexagon's vertices as H3 (cgo) returns them: within well under a
// metre of H3's own centre at r9 (TestDensitySurfaces), and the centres
// the density surfaces have always been computed on. Cells must be valid.
//
// This is the run's only use of hexagon boundaries: hex_stats holds no
// geometry since migration 00051 (tiles draw each hexagon from its cell).
func cellCentres(cells []int64) ([]orb.Point, error) {
	out := make([]orb.Point, len(cells))
	for i, cell := range cells {
		c := h3.Cell(cell)
		if !c.IsValid() {
			return nil, fmt.Errorf("cell %d is not a valid H3 cell", cell)
		}
		var x, y float64
		b := c.Boundary()
		for _, v := range b {
			p := project.WGS84.ToMercator(orb.Point{v.Lng, v.Lat})
			x += p[0]
			y += p[1]
		}
		n := float64(len(b))
		out[i] = orb.Point{x / n, y / n}
	}
	return out, nil
}
