package pmtiles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

// maxDepth is how many directories a lookup may read: the root and three
// levels of leaves, as the spec bounds it.
const maxDepth = 4

// Options tune an Archive; the zero value has defaults.
type Options struct {
	// CacheBytes bounds the decompressed leaf directories kept in memory;
	// 0 is 64 MiB.
	CacheBytes int64
}

// Archive is an open PMTiles v3 archive. It is safe for concurrent use.
type Archive struct {
	src   source
	cache *dirCache
	state atomic.Pointer[state]
	// reload serialises re-reading the header after the archive changed.
	reload sync.Mutex
}

// state is what Open reads, replaced whole when a remote archive changes.
type state struct {
	header  Header
	root    []entry
	version string // the source's ETag, "" for a local file
	tag     string // hash of version and header bytes, the prefix of tile ETags
}

// Open opens the archive at location: a path, a file:// URL, an http(s)://
// URL (read with Range requests) or s3://bucket/key?region=… (ranged
// GetObject with the default AWS credential chain). It reads the header and
// root directory.
func Open(ctx context.Context, location string, opts Options) (*Archive, error) {
	src, err := openSource(ctx, location)
	if err != nil {
		return nil, err
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 64 << 20
	}
	a := &Archive{src: src, cache: newDirCache(opts.CacheBytes)}
	st, err := a.load(ctx)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("open archive %s: %w", src, err)
	}
	a.state.Store(st)
	return a, nil
}

// load reads the header and root directory in one read of the first 16 KiB.
func (a *Archive) load(ctx context.Context) (*state, error) {
	b, version, err := a.src.readRange(ctx, 0, firstRead, "")
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if uint64(len(b)) < h.RootOffset+h.RootLength {
		return nil, fmt.Errorf("read root directory: the archive ends at %d bytes, before the root's end at %d",
			len(b), h.RootOffset+h.RootLength)
	}
	root, err := decodeDirectory(b[h.RootOffset:h.RootOffset+h.RootLength], h.InternalCompression)
	if err != nil {
		return nil, fmt.Errorf("root directory: %w", err)
	}
	sum := sha256.Sum256(append([]byte(version+"\x00"), b[:headerLen]...))
	return &state{header: h, root: root, version: version, tag: hex.EncodeToString(sum[:8])}, nil
}

// decodeDirectory decompresses and parses one directory.
func decodeDirectory(b []byte, c Compression) ([]entry, error) {
	raw, err := decompress(b, c)
	if err != nil {
		return nil, fmt.Errorf("read directory: %w", err)
	}
	return parseDirectory(raw)
}

// Header returns the archive's header.
func (a *Archive) Header() Header { return a.state.Load().header }

// Close releases the archive's file, if it has one.
func (a *Archive) Close() error { return a.src.Close() }

// Metadata reads the archive's JSON metadata (name, attribution,
// vector_layers, …).
func (a *Archive) Metadata(ctx context.Context) (map[string]any, error) {
	var meta map[string]any
	err := a.retry(ctx, func(st *state) error {
		h := st.header
		b, err := a.readExact(ctx, st, h.MetadataOffset, h.MetadataLength)
		if err != nil {
			return fmt.Errorf("read metadata: %w", err)
		}
		raw, err := decompress(b, h.InternalCompression)
		if err != nil {
			return fmt.Errorf("read metadata: %w", err)
		}
		meta = map[string]any{}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return fmt.Errorf("read metadata: %w", err)
		}
		return nil
	})
	return meta, err
}

// TileRef locates one stored tile; Read fetches its bytes.
type TileRef struct {
	// ETag identifies the tile's bytes: a hash of the archive's header and
	// remote ETag, with the tile's offset and length. Tiles with the same
	// content share an offset in a deduplicated archive and so an ETag; a
	// rebuilt or replaced archive has another header or ETag, so the tag
	// changes with it. It is quoted, ready for an HTTP ETag header.
	ETag   string
	st     *state
	offset uint64
	length uint64
}

// Find looks tile z/x/y up in the directories without reading its bytes;
// ok is false when the archive has no such tile (outside its zooms or
// area). A tile lookup reads at most one leaf directory a level that the
// cache lacks.
func (a *Archive) Find(ctx context.Context, z uint8, x, y uint32) (ref TileRef, ok bool, err error) {
	err = a.retry(ctx, func(st *state) error {
		ref, ok, err = a.find(ctx, st, z, x, y)
		return err
	})
	return ref, ok, err
}

// find walks the directories of st from the root.
func (a *Archive) find(ctx context.Context, st *state, z uint8, x, y uint32) (TileRef, bool, error) {
	h := st.header
	id, valid := tileID(z, x, y)
	if !valid || z < h.MinZoom || z > h.MaxZoom {
		return TileRef{}, false, nil
	}
	dir := st.root
	for depth := 0; depth < maxDepth; depth++ {
		e, ok := findEntry(dir, id)
		if !ok {
			return TileRef{}, false, nil
		}
		if e.RunLength > 0 {
			return TileRef{st: st, offset: e.Offset, length: uint64(e.Length),
				ETag: `"` + st.tag + "-" + strconv.FormatUint(e.Offset, 36) + "-" + strconv.FormatUint(uint64(e.Length), 36) + `"`,
			}, true, nil
		}
		var err error
		if dir, err = a.leaf(ctx, st, e); err != nil {
			return TileRef{}, false, fmt.Errorf("find tile %d/%d/%d: %w", z, x, y, err)
		}
	}
	return TileRef{}, false, fmt.Errorf("find tile %d/%d/%d: directories nest deeper than %d", z, x, y, maxDepth)
}

// leaf returns the leaf directory e points to, from the cache or the source.
func (a *Archive) leaf(ctx context.Context, st *state, e entry) ([]entry, error) {
	k := dirKey{version: st.tag, offset: st.header.LeafOffset + e.Offset, size: uint64(e.Length)}
	if dir, ok := a.cache.get(k); ok {
		return dir, nil
	}
	b, err := a.readExact(ctx, st, k.offset, k.size)
	if err != nil {
		return nil, fmt.Errorf("read leaf directory: %w", err)
	}
	dir, err := decodeDirectory(b, st.header.InternalCompression)
	if err != nil {
		return nil, fmt.Errorf("leaf directory at %d: %w", k.offset, err)
	}
	a.cache.add(k, dir)
	return dir, nil
}

// Read reads the bytes of a tile Find located, as stored (compressed as
// Header().TileCompression says).
func (a *Archive) Read(ctx context.Context, ref TileRef) ([]byte, error) {
	b, err := a.readExact(ctx, ref.st, ref.st.header.TileDataOffset+ref.offset, ref.length)
	if errors.Is(err, ErrChanged) {
		a.reloadFrom(ctx, ref.st) // the next Find sees the new archive
	}
	if err != nil {
		return nil, fmt.Errorf("read tile: %w", err)
	}
	return b, nil
}

// Tile finds and reads tile z/x/y; ok is false when the archive lacks it.
func (a *Archive) Tile(ctx context.Context, z uint8, x, y uint32) (data []byte, ok bool, err error) {
	for attempt := 0; ; attempt++ {
		ref, ok, err := a.Find(ctx, z, x, y)
		if err != nil || !ok {
			return nil, ok, err
		}
		data, err = a.Read(ctx, ref)
		if errors.Is(err, ErrChanged) && attempt == 0 {
			continue
		}
		return data, err == nil, err
	}
}

// readExact reads exactly n bytes at off from st's version of the archive.
func (a *Archive) readExact(ctx context.Context, st *state, off, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	b, _, err := a.src.readRange(ctx, int64(off), int64(n), st.version)
	if err != nil {
		return nil, err
	}
	if uint64(len(b)) != n {
		return nil, fmt.Errorf("short read at %d: %d of %d bytes (archive truncated?)", off, len(b), n)
	}
	return b, nil
}

// retry runs f on the current state and, when the archive changed under
// it, once more on the reloaded state.
func (a *Archive) retry(ctx context.Context, f func(*state) error) error {
	st := a.state.Load()
	err := f(st)
	if !errors.Is(err, ErrChanged) {
		return err
	}
	if rerr := a.reloadFrom(ctx, st); rerr != nil {
		return errors.Join(err, rerr)
	}
	return f(a.state.Load())
}

// reloadFrom re-reads the header and root after old was found stale,
// unless another goroutine already has.
func (a *Archive) reloadFrom(ctx context.Context, old *state) error {
	a.reload.Lock()
	defer a.reload.Unlock()
	if a.state.Load() != old {
		return nil
	}
	st, err := a.load(ctx)
	if err != nil {
		return fmt.Errorf("reopen changed archive %s: %w", a.src, err)
	}
	a.state.Store(st)
	return nil
}
