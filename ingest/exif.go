package ingest

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"time"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"

	"github.com/vikalp/vikalp"
)

// EXIFFacts are the facts Vikalp reads from a photo's EXIF block: where and
// when it was taken and how it must be turned upright. They are staff-only
// evidence and are never served or logged.
type EXIFFacts struct {
	Orientation int        // EXIF orientation 1–8; 1 (upright) when absent
	TakenAt     *time.Time // DateTimeOriginal, nil when absent or unreadable
	GPS         *LatLon    // GPS position, nil when absent or unreadable
}

// LatLon is a WGS 84 position in degrees.
type LatLon struct {
	Lat float64
	Lon float64
}

// EXIF tag ids read here (TIFF/EXIF 2.32).
const (
	tagOrientation        = 0x0112
	tagDateTimeOriginal   = 0x9003
	tagOffsetTimeOriginal = 0x9011
)

// readEXIF returns the EXIF facts of a JPEG, PNG or WebP file. A photo with
// no EXIF, or with an EXIF block that cannot be parsed, has zero facts
// (orientation 1): bad metadata never rejects a good image.
func readEXIF(data []byte, contentType string) EXIFFacts {
	facts := EXIFFacts{Orientation: 1}
	tiff := exifBlock(data, contentType)
	if tiff == nil {
		return facts
	}
	index, ok := collectEXIF(tiff)
	if !ok {
		return facts
	}
	facts.Orientation = orientationOf(index.RootIfd)
	if exifIfd, ok := index.Lookup[exifcommon.IfdExifStandardIfdIdentity.String()]; ok {
		facts.TakenAt = takenAt(exifIfd)
	}
	if gpsIfd, ok := index.Lookup[exifcommon.IfdGpsInfoStandardIfdIdentity.String()]; ok {
		facts.GPS = gpsOf(gpsIfd)
	}
	return facts
}

// collectEXIF parses a TIFF-structured EXIF block with go-exif. The library
// reports malformed input by panicking internally; it recovers most of those
// itself, and the deferred recover here catches the rest.
func collectEXIF(tiff []byte) (index exif.IfdIndex, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		return index, false
	}
	_, index, err = exif.Collect(im, exif.NewTagIndex(), tiff)
	return index, err == nil && index.RootIfd != nil && claimsFit(index, len(tiff))
}

// claimsFit reports whether every tag claims no more bytes than the block
// holds. go-exif allocates a value's claimed size before reading it, so a
// 200-byte upload could otherwise make it allocate gigabytes.
func claimsFit(index exif.IfdIndex, n int) bool {
	for _, ifd := range index.Ifds {
		for _, e := range ifd.Entries() {
			size := 8 // the largest unit; unknown types are counted at it
			if t := e.TagType(); t.IsValid() && t != exifcommon.TypeUndefined {
				size = t.Size()
			}
			if uint64(e.UnitCount())*uint64(size) > uint64(n) {
				return false
			}
		}
	}
	return true
}

// orientationOf returns IFD0's orientation, or 1 when absent or invalid.
func orientationOf(ifd *exif.Ifd) int {
	tags, err := ifd.FindTagWithId(tagOrientation)
	if err != nil || len(tags) == 0 {
		return 1
	}
	v, err := tags[0].Value()
	if err != nil {
		return 1
	}
	if vals, ok := v.([]uint16); ok && len(vals) > 0 && vals[0] >= 1 && vals[0] <= 8 {
		return int(vals[0])
	}
	return 1
}

// takenAt reads DateTimeOriginal ("2006:01:02 15:04:05") with its offset
// when given, else in IST.
func takenAt(ifd *exif.Ifd) *time.Time {
	s := asciiTag(ifd, tagDateTimeOriginal)
	if s == "" {
		return nil
	}
	loc := vikalp.IST // EXIF times without an offset are local time in Uttar Pradesh
	if off := asciiTag(ifd, tagOffsetTimeOriginal); off != "" {
		if t, err := time.Parse("-07:00", off); err == nil {
			loc = t.Location()
		}
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", s, loc)
	if err != nil || t.Year() < 1990 {
		return nil
	}
	return &t
}

// asciiTag returns an ASCII tag's trimmed value, or "".
func asciiTag(ifd *exif.Ifd, id uint16) string {
	tags, err := ifd.FindTagWithId(id)
	if err != nil || len(tags) == 0 {
		return ""
	}
	v, err := tags[0].Value()
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return strings.TrimRight(strings.TrimSpace(s), "\x00")
}

// gpsOf returns the GPS position of the GPS IFD, or nil when it is missing
// or not a finite position on Earth.
func gpsOf(ifd *exif.Ifd) (pos *LatLon) {
	defer func() {
		if recover() != nil {
			pos = nil
		}
	}()
	gi, err := ifd.GpsInfo()
	if err != nil {
		return nil
	}
	lat, lon := gi.Latitude.Decimal(), gi.Longitude.Decimal()
	if math.IsNaN(lat) || math.IsNaN(lon) || math.IsInf(lat, 0) || math.IsInf(lon, 0) ||
		math.Abs(lat) > 90 || math.Abs(lon) > 180 || (lat == 0 && lon == 0) {
		return nil
	}
	return &LatLon{Lat: lat, Lon: lon}
}

// exifBlock returns the TIFF-structured EXIF block inside a JPEG (APP1
// "Exif\0\0"), PNG (eXIf chunk) or WebP (EXIF chunk), or nil. Walking the
// container, rather than searching the bytes for a TIFF signature, cannot
// mistake compressed image data for metadata.
func exifBlock(data []byte, contentType string) []byte {
	switch contentType {
	case TypeJPEG:
		return jpegEXIF(data)
	case TypePNG:
		return pngEXIF(data)
	case TypeWebP:
		return webpEXIF(data)
	}
	return nil
}

var exifHeader = []byte("Exif\x00\x00")

// jpegEXIF walks the JPEG marker segments before the image data.
func jpegEXIF(data []byte) []byte {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return nil
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if n < 2 || i+2+n > len(data) {
			return nil
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, exifHeader) {
			return seg[len(exifHeader):]
		}
		i += 2 + n
	}
	return nil
}

// pngEXIF finds the eXIf chunk.
func pngEXIF(data []byte) []byte {
	const sigLen = 8
	for i := sigLen; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i : i+4]))
		typ := string(data[i+4 : i+8])
		if n < 0 || i+12+n > len(data) || typ == "IDAT" || typ == "IEND" {
			return nil
		}
		if typ == "eXIf" {
			return bytes.TrimPrefix(data[i+8:i+8+n], exifHeader)
		}
		i += 12 + n
	}
	return nil
}

// webpEXIF finds the EXIF chunk of an extended (VP8X) WebP.
func webpEXIF(data []byte) []byte {
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4 : i+8]))
		if n < 0 || i+8+n > len(data) {
			return nil
		}
		if string(data[i:i+4]) == "EXIF" {
			return bytes.TrimPrefix(data[i+8:i+8+n], exifHeader)
		}
		i += 8 + n + n%2 // chunks are padded to even sizes
	}
	return nil
}
