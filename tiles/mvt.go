package tiles

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The hotspots layer and the report points are encoded here rather than
// by ST_AsMVT: a hotspot tile is up to a thousand hexagons, and PostGIS
// spent two thirds of such a tile's statement clipping them (ST_AsMVTGeom:
// a GEOS round trip per feature) and encoding them (ST_AsMVT) — work that
// is a few affine operations per vertex for a convex hexagon; a point tile
// cost it ten microseconds a point. PostgreSQL now only finds the rows
// (bench/NOTES.md, "Hotspot tiles encoded in Go", "Report point tiles
// encoded in Go").
//
// What it writes is what ST_AsMVT(ST_AsMVTGeom(geom, envelope, 4096, 64,
// true)) wrote for the same rows, feature for feature (TestHotspotEncoding
// and TestReportPointEncoding compare the two on thousands of features,
// clipped ones included, vertex for vertex): version 2, extent 4096, one
// feature per row in row order; vertices snapped to the integer grid (half to even, PostGIS's
// rint), then clipped to the tile grown by 64 units, the new vertices
// truncated toward zero (as PostGIS writes them); no repeated points;
// exterior ring clockwise with y down; a hexagon that degenerates to less
// than a triangle, or a point outside the buffer, is left out. Integer attributes are uint_value (sint
// when negative), floats double_value, text string_value, as PostGIS encodes
// them; a NULL attribute is left out.

// mvtBuffer is the clip margin around the tile, in tile units.
const mvtBuffer = 64

// worldHalf is half the width of the Web Mercator square (EPSG:3857), the
// bounds ST_TileEnvelope divides by default.
const worldHalf = 20037508.342789244

// tileFrame maps EPSG:3857 into one tile's units (0…Extent, y down): the
// tile's north-west corner, as ST_TileEnvelope places it, and the size of
// one unit.
type tileFrame struct{ minX, maxY, unit float64 }

func newTileFrame(a Address) tileFrame {
	size := 2 * worldHalf / float64(int(1)<<a.Z)
	return tileFrame{minX: -worldHalf + float64(a.X)*size, maxY: worldHalf - float64(a.Y)*size, unit: size / Extent}
}

// at returns EPSG:3857 x, y in tile units.
func (f tileFrame) at(x, y float64) point { return point{(x - f.minX) / f.unit, (f.maxY - y) / f.unit} }

// earthRadius is EPSG:3857's sphere radius, the WGS 84 semi-major axis.
const earthRadius = 6378137.0

// mercator projects lon, lat (degrees) to EPSG:3857, as ST_Transform.
func mercator(lon, lat float64) (x, y float64) {
	return earthRadius * lon * math.Pi / 180, earthRadius * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
}

// mvtNumber is a numeric attribute value: an MVT Value field (5 uint, 6
// sint, 3 double) and its bits (zigzag for sint, IEEE for double).
type mvtNumber struct {
	field protowire.Number
	bits  uint64
}

// mvtLayer builds one MVT layer of polygon or point features. Keys and
// values are stored once per layer, so equal values share an index; the
// string and number indexes are separate maps because hashing one struct
// of both was a fifth of a point tile's CPU.
type mvtLayer struct {
	name     string
	keys     []string
	values   []byte // encoded Value messages, each with its field tag
	nValues  uint64
	strings  map[string]uint64
	numbers  map[mvtNumber]uint64
	features []byte // encoded Feature messages, each with its field tag
	n        int

	buf      []byte   // scratch: the current feature's encoding
	tags     []uint64 // scratch: the current feature's key, value pairs
	geom     []uint64 // scratch: the current feature's commands
	geomType uint64   // the current feature's geometry type
	ring     []point  // scratch: the clipped ring
	tmp      []point  // scratch: the clipper's other buffer
}

func newMVTLayer(name string) *mvtLayer {
	return &mvtLayer{name: name, strings: map[string]uint64{}, numbers: map[mvtNumber]uint64{}}
}

// key returns the index of key (a layer has a handful: a linear search).
func (l *mvtLayer) key(key string) uint64 {
	for i, k := range l.keys {
		if k == key {
			return uint64(i)
		}
	}
	l.keys = append(l.keys, key)
	return uint64(len(l.keys) - 1)
}

// value appends one Value message (its body made by body) and returns its
// index.
func (l *mvtLayer) value(body []byte) uint64 {
	l.values = protowire.AppendTag(l.values, 4, protowire.BytesType)
	l.values = protowire.AppendBytes(l.values, body)
	l.nValues++
	return l.nValues - 1
}

// attrString adds a text attribute to the feature being built.
func (l *mvtLayer) attrString(key string, v string) {
	vi, ok := l.strings[v]
	if !ok {
		vi = l.newString(v)
	}
	l.tags = append(l.tags, l.key(key), vi)
}

// attrBytes adds a text attribute, given as bytes, to the feature being
// built (looked up without copying them).
func (l *mvtLayer) attrBytes(key string, v []byte) {
	vi, ok := l.strings[string(v)]
	if !ok {
		vi = l.newString(string(v))
	}
	l.tags = append(l.tags, l.key(key), vi)
}

// newString stores the string value v and returns its index.
func (l *mvtLayer) newString(v string) uint64 {
	b := protowire.AppendTag(l.buf[:0], 1, protowire.BytesType)
	l.buf = protowire.AppendString(b, v)
	vi := l.value(l.buf)
	l.strings[v] = vi
	return vi
}

// attrInt adds an integer attribute: uint_value, sint_value when negative.
func (l *mvtLayer) attrInt(key string, v int64) {
	if v < 0 {
		l.attrNumber(key, mvtNumber{6, protowire.EncodeZigZag(v)})
		return
	}
	l.attrNumber(key, mvtNumber{5, uint64(v)})
}

// attrDouble adds a double_value attribute.
func (l *mvtLayer) attrDouble(key string, v float64) {
	l.attrNumber(key, mvtNumber{3, math.Float64bits(v)})
}

func (l *mvtLayer) attrNumber(key string, v mvtNumber) {
	vi, ok := l.numbers[v]
	if !ok {
		b := l.buf[:0]
		if v.field == 3 {
			b = protowire.AppendTag(b, 3, protowire.Fixed64Type)
			b = protowire.AppendFixed64(b, v.bits)
		} else {
			b = protowire.AppendTag(b, v.field, protowire.VarintType)
			b = protowire.AppendVarint(b, v.bits)
		}
		l.buf = b
		vi = l.value(b)
		l.numbers[v] = vi
	}
	l.tags = append(l.tags, l.key(key), vi)
}

// point is a vertex in tile units (x right, y down).
type point struct{ x, y float64 }

// polygon sets the geometry of the next feature to the convex polygon
// ring (tile units, not closed), snapped and clipped; it reports false when
// nothing of it is left to draw. Check it before adding the feature's
// attributes, so that a feature left out leaves no values in the layer.
func (l *mvtLayer) polygon(ring []point) bool {
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

	l.geomType = 3 // POLYGON
	return true
}

// point sets the geometry of the next feature to the point p (tile
// units), snapped; it reports false when p lies outside the tile grown by
// the buffer. Check it before adding the feature's attributes.
func (l *mvtLayer) point(p point) bool {
	x, y := math.RoundToEven(p.x), math.RoundToEven(p.y)
	lo, hi := float64(-mvtBuffer), float64(Extent+mvtBuffer)
	if x < lo || x > hi || y < lo || y > hi {
		return false
	}
	l.geom = append(l.geom[:0], 1|1<<3, // MoveTo, one point
		protowire.EncodeZigZag(int64(x)), protowire.EncodeZigZag(int64(y)))
	l.geomType = 1 // POINT
	return true
}

// add appends the feature of the attributes added since the last one and
// the geometry polygon or point set, with feature id id when not nil.
func (l *mvtLayer) add(id *uint64) {
	f := l.buf[:0]
	if id != nil {
		f = protowire.AppendTag(f, 1, protowire.VarintType)
		f = protowire.AppendVarint(f, *id)
	}
	f = appendPacked(f, 2, l.tags)
	f = protowire.AppendTag(f, 3, protowire.VarintType)
	f = protowire.AppendVarint(f, l.geomType)
	f = appendPacked(f, 4, l.geom)
	l.features = protowire.AppendTag(l.features, 2, protowire.BytesType)
	l.features = protowire.AppendBytes(l.features, f)
	l.buf = f
	l.tags = l.tags[:0]
	l.n++
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
	b = append(b, l.values...)
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
