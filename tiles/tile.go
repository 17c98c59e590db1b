package tiles

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Tile is one rendered tile and how HTTP may cache it. It is immutable once
// made, so cached tiles are shared between requests.
type Tile struct {
	// Data is the MVT, uncompressed; empty for an empty tile.
	Data []byte
	// ETag is a strong entity tag (quoted) of Data and the layer parameters
	// (layer, window, scope), for the identity encoding.
	ETag string
	// Public tiles look the same to every caller and may be kept by shared
	// caches for MaxAge; other tiles are private to their caller's scope.
	Public bool
	MaxAge time.Duration
	// PerCaller means the same URL serves different callers differently (a
	// public and a staff view), so caches must vary on the credentials.
	PerCaller bool

	gzipOnce sync.Once
	gzipped  []byte
}

// tileMeta is what a tile's headers are made from besides its bytes.
type tileMeta struct {
	layer  Layer
	view   view
	params string // layer|window|scope key
}

func newTile(data []byte, m tileMeta) *Tile {
	h := sha256.New()
	h.Write([]byte(m.params))
	h.Write([]byte{0})
	h.Write(data)
	return &Tile{
		Data:      data,
		ETag:      `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`,
		Public:    m.view.public,
		MaxAge:    m.layer.MaxAge,
		PerCaller: m.layer.Access == AccessPublicDetail,
	}
}

// Empty reports whether the tile has no features (HTTP 204).
func (t *Tile) Empty() bool { return len(t.Data) == 0 }

// Gzipped returns Data gzip-compressed, computed once per tile so a cached
// tile is compressed only the first time it is served.
func (t *Tile) Gzipped() []byte {
	t.gzipOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(t.Data)/2 + 64)
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		_, _ = zw.Write(t.Data) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		zw.Reset(nil) // let go of buf
		gzipWriters.Put(zw)
		t.gzipped = buf.Bytes()
	})
	return t.gzipped
}

// gzipWriters are reused gzip writers at BestSpeed. A new writer allocates
// its compressor's ~800 KB of tables; staff tiles are compressed on every
// request (they are never cached), where that allocation and the
// collections it caused were a third of the server's CPU on point tiles
// at z14 (bench/NOTES.md). Reset writers produce the same bytes. The
// compressor is klauspost/compress's: on a 70 KB hotspot tile it takes
// half the time of the standard library's for 2 % more bytes.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // the level is valid
	return zw
}}

// GzipETag is the entity tag of the gzip encoding: a strong ETag names one
// exact byte sequence, so the two encodings need different tags.
func (t *Tile) GzipETag() string {
	return t.ETag[:len(t.ETag)-1] + `-gz"`
}
