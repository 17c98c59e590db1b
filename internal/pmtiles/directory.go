package pmtiles

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
)

// maxDirectoryBytes bounds a decompressed directory or metadata document,
// so a corrupt or hostile archive cannot make a reader inflate gigabytes.
// Protomaps' planet builds have leaf directories well under 1 MiB.
const maxDirectoryBytes = 64 << 20

// entry is one directory entry. RunLength 0 marks a leaf directory at
// LeafOffset+Offset; otherwise the tile's bytes are at
// TileDataOffset+Offset and the next RunLength-1 tile IDs repeat them.
type entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// entryBytes is an entry's size in memory, for the cache's byte budget.
const entryBytes = 24

// decompress inflates internally compressed bytes (a directory or the
// metadata), refusing more than maxDirectoryBytes.
func decompress(b []byte, c Compression) ([]byte, error) {
	switch c {
	case NoCompression:
		return b, nil
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, maxDirectoryBytes+1))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		if len(out) > maxDirectoryBytes {
			return nil, fmt.Errorf("gunzip: more than %d bytes", maxDirectoryBytes)
		}
		return out, nil
	}
	return nil, fmt.Errorf("internal compression %s is not supported", c)
}

// parseDirectory decodes a decompressed directory: the entry count, then
// four columns of varints (tile ID deltas, run lengths, lengths, offsets),
// where an offset of 0 after the first entry means "right after the
// previous entry's bytes" and any other offset is stored plus one.
func parseDirectory(b []byte) ([]entry, error) {
	r := bufio.NewReader(bytes.NewReader(b))
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("read directory: entry count: %w", err)
	}
	// Each entry takes at least four bytes (one varint a column), which
	// bounds the allocation a corrupt count can ask for.
	if n > uint64(len(b))/4 {
		return nil, fmt.Errorf("read directory: %d entries cannot fit in %d bytes", n, len(b))
	}
	entries := make([]entry, n)
	var id uint64
	for i := range entries {
		delta, err := readVarint(r, "tile id")
		if err != nil {
			return nil, err
		}
		id += delta
		entries[i].TileID = id
	}
	for i := range entries {
		v, err := readUint32(r, "run length")
		if err != nil {
			return nil, err
		}
		entries[i].RunLength = v
	}
	for i := range entries {
		v, err := readUint32(r, "length")
		if err != nil {
			return nil, err
		}
		entries[i].Length = v
	}
	for i := range entries {
		v, err := readVarint(r, "offset")
		if err != nil {
			return nil, err
		}
		switch {
		case v == 0 && i > 0:
			entries[i].Offset = entries[i-1].Offset + uint64(entries[i-1].Length)
		case v == 0:
			return nil, errors.New("read directory: the first entry's offset is 0 (follows nothing)")
		default:
			entries[i].Offset = v - 1
		}
	}
	return entries, nil
}

// readVarint reads one varint of the column named what.
func readVarint(r io.ByteReader, what string) (uint64, error) {
	v, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, fmt.Errorf("read directory: %s: %w", what, err)
	}
	return v, nil
}

// readUint32 reads one varint that must fit in 32 bits.
func readUint32(r io.ByteReader, what string) (uint32, error) {
	v, err := readVarint(r, what)
	if err == nil && v > math.MaxUint32 {
		err = fmt.Errorf("read directory: %s %d does not fit in 32 bits", what, v)
	}
	return uint32(v), err
}

// findEntry returns the entry covering tile id: an exact match, or the
// last entry before id when it is a leaf (run length 0) or its run reaches
// id. Entries are sorted by TileID.
func findEntry(entries []entry, id uint64) (entry, bool) {
	i := sort.Search(len(entries), func(i int) bool { return entries[i].TileID > id }) - 1
	if i < 0 {
		return entry{}, false
	}
	e := entries[i]
	if e.TileID == id || e.RunLength == 0 || id-e.TileID < uint64(e.RunLength) {
		return e, true
	}
	return entry{}, false
}

// maxTileZoom is the deepest zoom whose tile IDs fit in 64 bits.
const maxTileZoom = 31

// tileID is the Hilbert tile ID of z/x/y: the count of tiles at all
// shallower zooms plus the tile's position on the Hilbert curve of zoom z.
// ok is false for an address outside the zoom's grid.
func tileID(z uint8, x, y uint32) (uint64, bool) {
	if z > maxTileZoom || uint64(x) >= 1<<z || uint64(y) >= 1<<z {
		return 0, false
	}
	acc := (uint64(1)<<(2*uint(z)) - 1) / 3
	for s := uint32(1) << z >> 1; s > 0; s >>= 1 {
		rx, ry := x&s, y&s
		var d uint64
		if rx != 0 {
			d = 3
		}
		if ry != 0 {
			d ^= 1
		}
		acc += d * uint64(s) * uint64(s)
		// Rotate the quadrant so the curve's orientation carries on.
		if ry == 0 {
			if rx != 0 {
				x, y = s-1-x, s-1-y
			}
			x, y = y, x
		}
	}
	return acc, true
}
