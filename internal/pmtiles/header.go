package pmtiles

import (
	"encoding/binary"
	"fmt"
)

// headerLen is the fixed size of a v3 header.
const headerLen = 127

// firstRead is how much Open reads at offset 0: the spec requires the
// header and the root directory to fit in the first 16 KiB, so one read
// fetches both.
const firstRead = 16384

// Compression is how an archive compresses its directories and metadata
// (internal compression) or its tiles.
type Compression uint8

// The compressions the spec defines.
const (
	UnknownCompression Compression = 0
	NoCompression      Compression = 1
	Gzip               Compression = 2
	Brotli             Compression = 3
	Zstd               Compression = 4
)

// ContentEncoding is the HTTP Content-Encoding of tiles stored with c
// ("gzip", "br", "zstd"), or "" for none or unknown.
func (c Compression) ContentEncoding() string {
	switch c {
	case Gzip:
		return "gzip"
	case Brotli:
		return "br"
	case Zstd:
		return "zstd"
	}
	return ""
}

// String names c as the pmtiles tool does.
func (c Compression) String() string {
	switch c {
	case NoCompression:
		return "none"
	case Gzip, Brotli, Zstd:
		return c.ContentEncoding()
	}
	return fmt.Sprintf("unknown(%d)", uint8(c))
}

// TileType is the format of an archive's tiles.
type TileType uint8

// The tile types the spec defines.
const (
	UnknownTileType TileType = 0
	MVT             TileType = 1
	PNG             TileType = 2
	JPEG            TileType = 3
	WebP            TileType = 4
	AVIF            TileType = 5
	MLT             TileType = 6
)

// Header is the decoded fixed header of a v3 archive. Bounds and Center
// are in degrees (the archive stores them as E7 integers).
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	TileDataOffset, TileDataLength uint64
	AddressedTiles, TileEntries    uint64
	TileContents                   uint64
	Clustered                      bool
	InternalCompression            Compression
	TileCompression                Compression
	TileType                       TileType
	MinZoom, MaxZoom               uint8
	// Bounds is min lon, min lat, max lon, max lat.
	Bounds [4]float64
	// Center is lon, lat; CenterZoom its zoom.
	Center     [2]float64
	CenterZoom uint8
}

// parseHeader decodes the first 127 bytes of an archive.
func parseHeader(b []byte) (Header, error) {
	if len(b) < headerLen {
		return Header{}, fmt.Errorf("read header: %d bytes, a PMTiles v3 header is %d", len(b), headerLen)
	}
	if string(b[0:7]) != "PMTiles" {
		return Header{}, fmt.Errorf("read header: no PMTiles magic number: not a PMTiles archive")
	}
	if b[7] != 3 {
		return Header{}, fmt.Errorf("read header: spec version %d, only version 3 is supported", b[7])
	}
	u64 := func(at int) uint64 { return binary.LittleEndian.Uint64(b[at:]) }
	e7 := func(at int) float64 { return float64(int32(binary.LittleEndian.Uint32(b[at:]))) / 1e7 }
	h := Header{
		RootOffset: u64(8), RootLength: u64(16), MetadataOffset: u64(24), MetadataLength: u64(32),
		LeafOffset: u64(40), LeafLength: u64(48), TileDataOffset: u64(56), TileDataLength: u64(64),
		AddressedTiles: u64(72), TileEntries: u64(80), TileContents: u64(88),
		Clustered: b[96] == 1, InternalCompression: Compression(b[97]), TileCompression: Compression(b[98]),
		TileType: TileType(b[99]), MinZoom: b[100], MaxZoom: b[101],
		Bounds:     [4]float64{e7(102), e7(106), e7(110), e7(114)},
		CenterZoom: b[118], Center: [2]float64{e7(119), e7(123)},
	}
	if h.InternalCompression != NoCompression && h.InternalCompression != Gzip {
		return Header{}, fmt.Errorf("read header: internal compression %s is not supported (only none and gzip)",
			h.InternalCompression)
	}
	if h.RootLength == 0 || h.RootOffset+h.RootLength > firstRead {
		return Header{}, fmt.Errorf("read header: root directory at %d+%d is not within the first %d bytes",
			h.RootOffset, h.RootLength, firstRead)
	}
	return h, nil
}
