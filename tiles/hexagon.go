package tiles

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/paulmach/orb/project"

	"github.com/vikalp/vikalp/geo"
)

// The hotspot layer draws each cell's hexagon from its id: hex_stats holds
// no geometry (migration 00051), since writing a million hexagons was more
// than half of every analysis run's output. A hexagon costs one H3 call
// (cgo) and six projections, so the hexagons of recently drawn cells are
// remembered: a map shows the same places to many users all day.
//
// The memory is direct-mapped: a cell has one slot, chosen by a hash of its
// id, and a newer hexagon simply replaces whatever the slot held. Every
// tile reads hundreds of hexagons at once on several goroutines, and an
// LRU's lock and list moves were 4 % of a hotspot tile server's CPU; a slot
// is an atomic pointer to an immutable entry, read without a lock. Slots
// outnumber the cells a busy map draws many times over, so that two of them
// rarely take turns in one slot: with 131,072 slots (the LRU's size) the
// bench's tiles were 6–10 % slower than with the LRU, with 1,048,576 2–9 %
// faster (bench/NOTES.md).
var hexagons [1 << hexagonSlotBits]atomic.Pointer[hexagon]

// hexagonSlotBits sizes the memory: 1,048,576 slots, 8 MB of pointers,
// plus ~160 bytes for each hexagon held (entry and vertices).
const hexagonSlotBits = 20

// hexagon is a remembered cell's hexagon: its EPSG:3857 vertices and their
// bounding box as PostGIS's && sees it. Never modified once stored.
type hexagon struct {
	cell int64
	v    []float64 // x, y pairs in H3's vertex order, no closing vertex
	box  box32
}

// hexagonSlot is the slot of cell: the top bits of a multiplicative
// (Fibonacci) hash, so neighbouring ids spread over the table.
func hexagonSlot(cell int64) uint64 {
	return (uint64(cell) * 0x9E3779B97F4A7C15) >> (64 - hexagonSlotBits)
}

// hexagon3857 returns cell's hexagon in EPSG:3857, projected as the
// analysis projected the stored hexagons before (orb's WGS84.ToMercator),
// or nil for an invalid cell. The result is shared: read only.
func hexagon3857(cell int64) *hexagon {
	slot := &hexagons[hexagonSlot(cell)]
	if h := slot.Load(); h != nil && h.cell == cell {
		return h
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
	minX, minY, maxX, maxY := v[0], v[1], v[0], v[1]
	for k := 2; k < len(v); k += 2 {
		minX, maxX = min(minX, v[k]), max(maxX, v[k])
		minY, maxY = min(minY, v[k+1]), max(maxY, v[k+1])
	}
	h := &hexagon{cell: cell, v: v, box: newBox32(minX, minY, maxX, maxY)}
	slot.Store(h)
	return h
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
	h := hexagon3857(cell)
	if h == nil {
		return ring, false, fmt.Errorf("cell %x is not a valid H3 cell", cell)
	}
	if !h.box.overlaps(env) {
		return ring, false, nil
	}
	v := h.v
	ring = ring[:0]
	for k := 0; k < len(v); k += 2 {
		ring = append(ring, f.at(v[k], v[k+1]))
	}
	return ring, true, nil
}
