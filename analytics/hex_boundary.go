package analytics

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/uber/h3-go/v4"
)

// hexBoundaries are the hexagons of a list of cells, held as H3 returns
// them (WGS 84 vertices, 16 bytes each, in one array) and encoded as EWKB
// only while COPY encodes a row. A run writes about a million hex_stats
// rows; holding both EWKB polygons of every cell was 180 MB of a 300 MB
// heap on 1 M reports (bench/NOTES.md). Asking H3 (cgo) once per cell and
// projecting per row costs less than either holding or asking again.
type hexBoundaries struct {
	off []int32   // cell i's vertices are ll[2·off[i] : 2·off[i+1]]
	ll  []float64 // longitude, latitude pairs in H3's order
}

// newHexBoundaries returns the boundaries of cells, which must be valid.
func newHexBoundaries(cells []int64) (*hexBoundaries, error) {
	h := &hexBoundaries{off: make([]int32, 1, len(cells)+1), ll: make([]float64, 0, 12*len(cells))}
	for _, cell := range cells {
		c := h3.Cell(cell)
		if !c.IsValid() {
			return nil, fmt.Errorf("cell %d is not a valid H3 cell", cell)
		}
		for _, v := range c.Boundary() {
			h.ll = append(h.ll, v.Lng, v.Lat)
		}
		h.off = append(h.off, int32(len(h.ll)/2))
	}
	return h, nil
}

// vertices returns cell i's vertices as longitude, latitude pairs.
func (h *hexBoundaries) vertices(i int) []float64 { return h.ll[2*h.off[i] : 2*h.off[i+1]] }

// centre3857 returns the mean of cell i's vertices in EPSG:3857: its centre
// to well under a metre at r9, without cgo.
func (h *hexBoundaries) centre3857(i int) (x, y float64) {
	ll := h.vertices(i)
	for k := 0; k < len(ll); k += 2 {
		p := project.WGS84.ToMercator(orb.Point{ll[k], ll[k+1]})
		x += p[0]
		y += p[1]
	}
	n := float64(len(ll) / 2)
	return x / n, y / n
}

// appendHexagonValue appends the hexagon with vertices ll as hex_stats'
// geom COPY value (with its length): the EWKB polygon in EPSG:3857 (tiles
// clip in Web Mercator: project once here, not per tile request). ring is
// scratch space, returned for reuse.
func appendHexagonValue(buf []byte, ll []float64, ring []orb.Point) ([]byte, []orb.Point) {
	ring = ring[:0]
	for k := 0; k < len(ll); k += 2 {
		ring = append(ring, project.WGS84.ToMercator(orb.Point{ll[k], ll[k+1]}))
	}
	ring = append(ring, ring[0])
	buf = binary.BigEndian.AppendUint32(buf, uint32(ewkbPolygonSize(len(ring))))
	return appendEWKBPolygon(buf, 3857, ring), ring
}

// ewkbPolygonSize is the length of a one-ring EWKB polygon of n points.
func ewkbPolygonSize(n int) int { return 1 + 4 + 4 + 4 + 4 + 16*n }

// appendEWKBPolygon appends a one-ring little-endian EWKB polygon with SRID.
func appendEWKBPolygon(buf []byte, srid uint32, ring []orb.Point) []byte {
	const polygonWithSRID = 3 | 0x20000000
	buf = append(buf, 1)
	buf = binary.LittleEndian.AppendUint32(buf, polygonWithSRID)
	buf = binary.LittleEndian.AppendUint32(buf, srid)
	buf = binary.LittleEndian.AppendUint32(buf, 1)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(ring)))
	for _, p := range ring {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(p[0]))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(p[1]))
	}
	return buf
}
