package tiles

import (
	"encoding/binary"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The hotspots layer is encoded here rather than by ST_AsMVT: a hotspot
// tile is up to a thousand hexagons, and PostGIS spent two thirds of such a
// tile's statement clipping them (ST_AsMVTGeom: a GEOS round trip per
// feature) and encoding them (ST_AsMVT) — work that is a few affine
// operations per vertex for a convex hexagon. PostgreSQL now only finds
// the rows (bench/NOTES.md, "Hotspot tiles encoded in Go").
//
// What it writes is what ST_AsMVT(ST_AsMVTGeom(geom, envelope, 4096, 64,
// true)) wrote for the same rows, feature for feature (TestHotspotEncoding
// compares the two on thousands of hexagons, clipped ones included, vertex
// for vertex): version 2, extent 4096, one polygon feature per row in row
// order; vertices snapped to the integer grid (half to even, PostGIS's
// rint), then clipped to the tile grown by 64 units, the new vertices
// truncated toward zero (as PostGIS writes them); no repeated points;
// exterior ring clockwise with y down; a hexagon that degenerates to less
// than a triangle is left out. Integer attributes are uint_value (sint
// when negative), floats double_value, text string_value, as PostGIS encodes
// them; a NULL attribute is left out.

// mvtBuffer is the clip margin around the tile, in tile units.
const mvtBuffer = 64

// worldHalf is half the width of the Web Mercator square (EPSG:3857), the
// bounds ST_TileEnvelope divides by default.
const worldHalf = 20037508.342789244

// tileEnvelope returns the tile's extent in EPSG:3857, as ST_TileEnvelope.
func tileEnvelope(a Address) (minX, minY, maxX, maxY float64) {
	size := 2 * worldHalf / float64(int(1)<<a.Z)
	minX = -worldHalf + float64(a.X)*size
	maxY = worldHalf - float64(a.Y)*size
	return minX, maxY - size, minX + size, maxY
}

// mvtValue is one attribute value of a layer; values are stored once per
// layer, so equal values share an index.
type mvtValue struct {
	kind byte // 's' string, 'u' uint, 'i' sint, 'd' double
	s    string
	u    uint64
	d    float64
}

func mvtString(s string) mvtValue  { return mvtValue{kind: 's', s: s} }
func mvtDouble(f float64) mvtValue { return mvtValue{kind: 'd', d: f} }
func mvtInt(i int64) mvtValue {
	if i < 0 {
		return mvtValue{kind: 'i', u: protowire.EncodeZigZag(i)}
	}
	return mvtValue{kind: 'u', u: uint64(i)}
}

// append encodes v as an MVT Value message body.
func (v mvtValue) append(b []byte) []byte {
	switch v.kind {
	case 's':
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		return protowire.AppendString(b, v.s)
	case 'd':
		b = protowire.AppendTag(b, 3, protowire.Fixed64Type)
		return protowire.AppendFixed64(b, math.Float64bits(v.d))
	case 'u':
		b = protowire.AppendTag(b, 5, protowire.VarintType)
		return protowire.AppendVarint(b, v.u)
	}
	b = protowire.AppendTag(b, 6, protowire.VarintType)
	return protowire.AppendVarint(b, v.u)
}

// mvtLayer builds one MVT layer of polygon features.
type mvtLayer struct {
	name     string
	keys     []string
	keyIndex map[string]uint64
	values   []mvtValue
	valIndex map[mvtValue]uint64
	features []byte // encoded Feature messages, each with its field tag
	n        int

	tags []uint64 // scratch: the current feature's key, value pairs
	geom []uint64 // scratch: the current feature's commands
	ring []point  // scratch: the clipped ring
	tmp  []point  // scratch: the clipper's other buffer
}

func newMVTLayer(name string) *mvtLayer {
	return &mvtLayer{name: name, keyIndex: map[string]uint64{}, valIndex: map[mvtValue]uint64{}}
}

// attr adds one attribute to the feature being built.
func (l *mvtLayer) attr(key string, v mvtValue) {
	k, ok := l.keyIndex[key]
	if !ok {
		k = uint64(len(l.keys))
		l.keys = append(l.keys, key)
		l.keyIndex[key] = k
	}
	vi, ok := l.valIndex[v]
	if !ok {
		vi = uint64(len(l.values))
		l.values = append(l.values, v)
		l.valIndex[v] = vi
	}
	l.tags = append(l.tags, k, vi)
}

// point is a vertex in tile units (x right, y down).
type point struct{ x, y float64 }

// polygon ends the feature being built with the convex polygon ring (in
// tile units, not closed), clipped and snapped; it reports false, and
// drops the feature's attributes, when nothing of it is left to draw.
func (l *mvtLayer) polygon(ring []point) bool {
	defer func() { l.tags = l.tags[:0] }()
	lo, hi := float64(-mvtBuffer), float64(Extent+mvtBuffer)
	for i, p := range ring { // snapped before clipping, as PostGIS does
		ring[i] = point{math.RoundToEven(p.x), math.RoundToEven(p.y)}
	}
	ring, l.tmp = clipConvex(ring, l.tmp, lo, hi)
	l.ring = l.ring[:0]
	for _, p := range ring {
		q := point{math.Trunc(p.x), math.Trunc(p.y)} // only clipping made fractions
		if n := len(l.ring); n > 0 && l.ring[n-1] == q {
			continue
		}
		l.ring = append(l.ring, q)
	}
	for len(l.ring) > 1 && l.ring[len(l.ring)-1] == l.ring[0] {
		l.ring = l.ring[:len(l.ring)-1]
	}
	if len(l.ring) < 3 {
		return false
	}
	area := 0.0 // twice the signed area, positive clockwise with y down
	for i, p := range l.ring {
		q := l.ring[(i+1)%len(l.ring)]
		area += p.x*q.y - q.x*p.y
	}
	if area == 0 {
		return false
	}
	if area < 0 {
		for i, j := 0, len(l.ring)-1; i < j; i, j = i+1, j-1 {
			l.ring[i], l.ring[j] = l.ring[j], l.ring[i]
		}
	}
	l.geom = l.geom[:0]
	var cx, cy int64
	for i, p := range l.ring {
		switch i {
		case 0:
			l.geom = append(l.geom, 1|1<<3) // MoveTo, one point
		case 1:
			l.geom = append(l.geom, 2|uint64(len(l.ring)-1)<<3) // LineTo the rest
		}
		x, y := int64(p.x), int64(p.y)
		l.geom = append(l.geom, protowire.EncodeZigZag(x-cx), protowire.EncodeZigZag(y-cy))
		cx, cy = x, y
	}
	l.geom = append(l.geom, 7|1<<3) // ClosePath

	var f []byte
	f = appendPacked(f, 2, l.tags)
	f = protowire.AppendTag(f, 3, protowire.VarintType)
	f = protowire.AppendVarint(f, 3) // POLYGON
	f = appendPacked(f, 4, l.geom)
	l.features = protowire.AppendTag(l.features, 2, protowire.BytesType)
	l.features = protowire.AppendBytes(l.features, f)
	l.n++
	return true
}

// bytes returns the tile: nil when the layer has no feature (an empty
// tile, as ST_AsMVT over no rows).
func (l *mvtLayer) bytes() []byte {
	if l.n == 0 {
		return nil
	}
	var b []byte
	b = protowire.AppendTag(b, 15, protowire.VarintType)
	b = protowire.AppendVarint(b, 2)
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, l.name)
	b = append(b, l.features...)
	for _, k := range l.keys {
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendString(b, k)
	}
	var v []byte
	for _, val := range l.values {
		v = val.append(v[:0])
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendBytes(b, v)
	}
	b = protowire.AppendTag(b, 5, protowire.VarintType)
	b = protowire.AppendVarint(b, Extent)
	tile := protowire.AppendTag(nil, 3, protowire.BytesType)
	return protowire.AppendBytes(tile, b)
}

// appendPacked appends field num as a packed repeated varint.
func appendPacked(b []byte, num protowire.Number, vs []uint64) []byte {
	n := 0
	for _, v := range vs {
		n += protowire.SizeVarint(v)
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n))
	for _, v := range vs {
		b = protowire.AppendVarint(b, v)
	}
	return b
}

// clipConvex clips the convex polygon ring to the square [lo, hi]² by
// Sutherland–Hodgman (exact for a convex polygon and a convex window). It
// returns the clipped ring and the other of its two buffers, both reused.
func clipConvex(ring, buf []point, lo, hi float64) ([]point, []point) {
	inside := func(p point, edge int) bool {
		switch edge {
		case 0:
			return p.x >= lo
		case 1:
			return p.x <= hi
		case 2:
			return p.y >= lo
		}
		return p.y <= hi
	}
	cross := func(p, q point, edge int) point {
		switch edge {
		case 0, 1:
			x := lo
			if edge == 1 {
				x = hi
			}
			return point{x, p.y + (q.y-p.y)*(x-p.x)/(q.x-p.x)}
		}
		y := lo
		if edge == 3 {
			y = hi
		}
		return point{p.x + (q.x-p.x)*(y-p.y)/(q.y-p.y), y}
	}
	in := ring
	for edge := range 4 {
		out := buf[:0]
		for i, q := range in {
			p := in[(i+len(in)-1)%len(in)]
			switch pin, qin := inside(p, edge), inside(q, edge); {
			case pin && qin:
				out = append(out, q)
			case pin:
				out = append(out, cross(p, q, edge))
			case qin:
				out = append(out, cross(p, q, edge), q)
			}
		}
		buf, in = in, out
		if len(in) == 0 {
			break
		}
	}
	return in, buf
}

// wkbRing reads the exterior ring of a little- or big-endian WKB polygon
// (ST_AsBinary) into ring as tile units of the tile whose EPSG:3857 extent
// starts at minX, maxY with size units per tile unit, dropping the closing
// point.
func wkbRing(wkb []byte, ring []point, minX, maxY, unit float64) ([]point, error) {
	if len(wkb) < 13 {
		return nil, fmt.Errorf("hexagon: %d bytes of WKB", len(wkb))
	}
	var order binary.ByteOrder = binary.LittleEndian
	if wkb[0] == 0 {
		order = binary.BigEndian
	}
	if typ, rings := order.Uint32(wkb[1:]), order.Uint32(wkb[5:]); typ != 3 || rings < 1 {
		return nil, fmt.Errorf("hexagon: WKB type %d with %d rings, want a polygon", typ, rings)
	}
	n := int(order.Uint32(wkb[9:]))
	if n < 4 || len(wkb) < 13+16*n {
		return nil, fmt.Errorf("hexagon: ring of %d points in %d bytes", n, len(wkb))
	}
	ring = ring[:0]
	for i := range n - 1 {
		x := math.Float64frombits(order.Uint64(wkb[13+16*i:]))
		y := math.Float64frombits(order.Uint64(wkb[21+16*i:]))
		ring = append(ring, point{(x - minX) / unit, (maxY - y) / unit})
	}
	return ring, nil
}
