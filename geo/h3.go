package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
)

// H3 resolutions Vikalp uses.
const (
	// ResStorage is the finest resolution stored (≈0.1 km² a cell).
	ResStorage = 9
	// ResAnalysis is the default hotspot-analysis resolution (≈0.74 km²).
	ResAnalysis = 8
	// ResPublicFinest is the finest resolution a public view may show.
	ResPublicFinest = 8
)

// Cells are the H3 cells of one location at every stored resolution, as the
// h3_r5, h3_r7, h3_r8 and h3_r9 BIGINT columns hold them.
type Cells struct {
	R5 int64 // resolution 5 (≈250 km²): state and district overviews
	R7 int64 // resolution 7 (≈5 km²)
	R8 int64 // resolution 8 (≈0.74 km²): hotspot analysis, finest public cell
	R9 int64 // resolution 9 (≈0.1 km²): storage
}

// Index returns the H3 cells containing lat, lon at resolutions 5, 7, 8 and 9.
// Each coarser cell is the parent of the finer one, so aggregates nest exactly.
// It fails with a user-safe vikalp.ErrInvalid for coordinates out of range; it
// does not check that the point is in Uttar Pradesh (see CheckInUP).
func Index(lat, lon float64) (Cells, error) {
	if err := CheckCoordinates(lat, lon); err != nil {
		return Cells{}, err
	}
	r9 := h3.LatLngToCell(h3.NewLatLng(lat, lon), ResStorage)
	if !r9.IsValid() {
		return Cells{}, fmt.Errorf("index %.6f,%.6f: h3 returned an invalid cell", lat, lon)
	}
	// Parents rather than three more LatLngToCell calls: H3 children do not
	// tile their parent exactly, and stored aggregates must nest.
	return Cells{
		R5: int64(r9.Parent(5)),
		R7: int64(r9.Parent(7)),
		R8: int64(r9.Parent(8)),
		R9: int64(r9),
	}, nil
}

// At returns the stored cell at resolution res (5, 7, 8 or 9), and false for
// any other resolution.
func (c Cells) At(res int) (int64, bool) {
	switch res {
	case 5:
		return c.R5, true
	case 7:
		return c.R7, true
	case 8:
		return c.R8, true
	case 9:
		return c.R9, true
	}
	return 0, false
}

// ValidCell reports whether cell is a valid H3 cell index.
func ValidCell(cell int64) bool {
	return h3.Cell(cell).IsValid()
}

// Resolution returns the H3 resolution of cell, or -1 when cell is invalid.
func Resolution(cell int64) int {
	c := h3.Cell(cell)
	if !c.IsValid() {
		return -1
	}
	return c.Resolution()
}

// Parent returns the ancestor of cell at resolution res. res must lie between
// 0 and the cell's own resolution; the cell itself is returned when they match.
func Parent(cell int64, res int) (int64, error) {
	c := h3.Cell(cell)
	if !c.IsValid() {
		return 0, vikalp.InvalidField("cell", "invalid_cell", "not a valid H3 cell")
	}
	if res < 0 || res > c.Resolution() {
		return 0, vikalp.InvalidField("resolution", "out_of_range",
			fmt.Sprintf("resolution must be between 0 and %d", c.Resolution()))
	}
	return int64(c.Parent(res)), nil
}

// CoarsenForPublic returns the cell a public view may show for cell: its
// resolution-8 parent when cell is finer than 8, otherwise cell itself. It
// returns 0 for an invalid cell. Privacy rule: nothing finer than r8 is public.
func CoarsenForPublic(cell int64) int64 {
	c := h3.Cell(cell)
	if !c.IsValid() {
		return 0
	}
	if c.Resolution() > ResPublicFinest {
		return int64(c.Parent(ResPublicFinest))
	}
	return cell
}

// Center returns the centre of cell as a lon/lat point.
func Center(cell int64) orb.Point {
	ll := h3.Cell(cell).LatLng()
	return orb.Point{ll.Lng, ll.Lat}
}

// HexPolygon returns the boundary of cell as a closed lon/lat polygon ring
// (first point repeated last; 7 points for a hexagon). It returns nil for an
// invalid cell.
func HexPolygon(cell int64) orb.Polygon {
	c := h3.Cell(cell)
	if !c.IsValid() {
		return nil
	}
	b := c.Boundary()
	ring := make(orb.Ring, 0, len(b)+1)
	for _, ll := range b {
		ring = append(ring, orb.Point{ll.Lng, ll.Lat})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// ResolutionForZoom returns the H3 resolution a map tile at zoom z shows:
// z≤6 r5, z7–8 r6, z9–10 r7, z11–12 r8, z≥13 r9. Public layers must still
// pass the result through the r8 privacy cap.
func ResolutionForZoom(z int) int {
	switch {
	case z <= 6:
		return 5
	case z <= 8:
		return 6
	case z <= 10:
		return 7
	case z <= 12:
		return 8
	default:
		return 9
	}
}

// CellsCovering returns every resolution-res cell whose hexagon may overlap
// b (lon/lat), limited to Uttar Pradesh's buffered bounding box: the cells
// whose centres lie in b grown by two average cell edges on every side (a
// hexagon reaching into b has its centre within about one edge of it). A
// tile server looks cells up by these ids instead of a spatial index. Nil
// when b misses Uttar Pradesh.
func CellsCovering(b orb.Bound, res int) []int64 {
	if !b.Intersects(UPBufferedBound) {
		return nil
	}
	u := UPBufferedBound
	b = orb.Bound{Min: orb.Point{math.Max(b.Min[0], u.Min[0]), math.Max(b.Min[1], u.Min[1])},
		Max: orb.Point{math.Min(b.Max[0], u.Max[0]), math.Min(b.Max[1], u.Max[1])}}
	// One edge in degrees of latitude, and of longitude at the bound's
	// poleward edge (where a degree is shortest), doubled: edge lengths vary
	// from cell to cell and a polyfill tests centres on a planar box.
	edgeKm := h3.HexagonEdgeLengthAvgKm(res) * 2
	dLat := edgeKm / 111.0
	dLon := edgeKm / (111.0 * math.Cos(math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))*math.Pi/180))
	minLat, minLon, maxLat, maxLon := b.Min[1]-dLat, b.Min[0]-dLon, b.Max[1]+dLat, b.Max[0]+dLon
	loop := h3.GeoLoop{{Lat: minLat, Lng: minLon}, {Lat: minLat, Lng: maxLon},
		{Lat: maxLat, Lng: maxLon}, {Lat: maxLat, Lng: minLon}}
	cells := h3.PolygonToCells(h3.GeoPolygon{GeoLoop: loop}, res)
	out := make([]int64, len(cells))
	for i, c := range cells {
		out[i] = int64(c)
	}
	return out
}
