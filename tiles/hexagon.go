package tiles

import (
	"fmt"
	"math"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/paulmach/orb/project"

	"github.com/vikalp/vikalp/geo"
)

// The hotspot layer draws each cell's hexagon from its id: hex_stats holds
// no geometry (migration 00051), since writing a million hexagons was more
// than half of every analysis run's output. A hexagon costs one H3 call
// (cgo) and six projections, so the hexagons of recently drawn cells are
// remembered: a map shows the same places to many users all day.
var hexagons = func() *lru.Cache[int64, []float64] {
	c, _ := lru.New[int64, []float64](maxHexagons) // fails only for a size ≤ 0
	return c
}()

// maxHexagons bounds the remembered hexagons: ~200 bytes each with the
// cache's bookkeeping, so about 25 MB, the cells of a few thousand tiles.
const maxHexagons = 1 << 17

// hexagon3857 returns cell's hexagon in EPSG:3857 as x, y pairs in H3's
// vertex order, without the closing vertex, projected as the analysis
// projected the stored hexagons before (orb's WGS84.ToMercator), or nil
// for an invalid cell. The slice is shared: read only.
func hexagon3857(cell int64) []float64 {
	if v, ok := hexagons.Get(cell); ok {
		return v
	}
	poly := geo.HexPolygon(cell)
	if poly == nil {
		return nil
	}
	ring := poly[0][:len(poly[0])-1] // H3's vertices; the last closes the ring
	v := make([]float64, 0, 2*len(ring))
	for _, p := range ring {
		m := project.WGS84.ToMercator(p)
		v = append(v, m[0], m[1])
	}
	hexagons.Add(cell, v)
	return v
}

// box32 is a bounding box as PostGIS's && compares two geometries: in
// float32, each edge rounded outward (BOX2DF), touching boxes overlapping.
type box32 struct{ minX, minY, maxX, maxY float32 }

// newBox32 rounds the box [minX, maxX] × [minY, maxY] outward to float32.
func newBox32(minX, minY, maxX, maxY float64) box32 {
	return box32{down32(minX), down32(minY), up32(maxX), up32(maxY)}
}

func down32(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up32(v float64) float32 {
	f := float32(v)
	if float64(f) < v {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

func (b box32) overlaps(o box32) bool {
	return b.minX <= o.maxX && o.minX <= b.maxX && b.minY <= o.maxY && o.minY <= b.maxY
}

// tileEnvelope32 is ST_TileEnvelope(z, x, y) of a as && sees it.
func tileEnvelope32(a Address) box32 {
	size := 2 * worldHalf / float64(int(1)<<a.Z)
	x, y := float64(a.X), float64(a.Y)
	return newBox32(-worldHalf+size*x, worldHalf-size*(y+1), -worldHalf+size*(x+1), worldHalf-size*y)
}

// hexagonRing puts cell's hexagon into ring as tile units of f (no closing
// vertex) when its bounding box overlaps env, the tile's envelope, as
// PostGIS's && decided when the statement filtered hexagons: a hexagon
// just outside the tile is not drawn into its buffer. ok is false when it
// misses the tile.
func hexagonRing(cell int64, env box32, f tileFrame, ring []point) (_ []point, ok bool, _ error) {
	v := hexagon3857(cell)
	if v == nil {
		return ring, false, fmt.Errorf("cell %x is not a valid H3 cell", cell)
	}
	minX, minY, maxX, maxY := v[0], v[1], v[0], v[1]
	for k := 2; k < len(v); k += 2 {
		minX, maxX = min(minX, v[k]), max(maxX, v[k])
		minY, maxY = min(minY, v[k+1]), max(maxY, v[k+1])
	}
	if !newBox32(minX, minY, maxX, maxY).overlaps(env) {
		return ring, false, nil
	}
	ring = ring[:0]
	for k := 0; k < len(v); k += 2 {
		ring = append(ring, f.at(v[k], v[k+1]))
	}
	return ring, true, nil
}
