// Package ingesttest builds test inputs for package ingest and its callers:
// photos with hand-made EXIF blocks (GPS, time, orientation), hostile files
// (decompression-bomb headers, PDFs, truncated JPEGs), report CSVs and an
// in-memory media bucket. It is imported only by tests; the factories every
// package shares (jurisdictions, points, users, keyrings, River) are in
// package testkit.
package ingesttest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
	"time"
)

// PhotoOpts describes a generated photo. Zero values give a 64×48 image
// with no EXIF block.
type PhotoOpts struct {
	Width, Height int
	// GPS, when set, is written as EXIF GPSLatitude/GPSLongitude.
	GPS *[2]float64 // lat, lon
	// Orientation, when 1–8, is written as the EXIF orientation.
	Orientation int
	// TakenAt, when set, is written as DateTimeOriginal with its offset.
	TakenAt time.Time
}

// Image returns a w×h test picture: a colour gradient with a dark
// rectangle in the top-left quarter, so orientation changes are visible.
func Image(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{uint8(255 * x / max(1, w-1)), uint8(255 * y / max(1, h-1)), 160, 255}
			if x < w/4 && y < h/4 {
				c = color.NRGBA{10, 10, 10, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// JPEG returns a JPEG described by o, with an EXIF APP1 segment when o asks
// for GPS, orientation or time.
func JPEG(t testing.TB, o PhotoOpts) []byte {
	t.Helper()
	w, h := o.Width, o.Height
	if w == 0 || h == 0 {
		w, h = 64, 48
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Image(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	tiff := EXIF(o)
	if tiff == nil {
		return data
	}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, data[:2]...) // SOI
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, data[2:]...)
}

// PNG returns a w×h PNG.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Image(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PNGBomb returns a small PNG whose header declares w×h pixels: a
// decompression bomb's calling card. Only a decoder that trusts the header
// would try to allocate it.
func PNGBomb(w, h uint32) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	writePNGChunk(&out, "IHDR", ihdr)
	writePNGChunk(&out, "IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})
	writePNGChunk(&out, "IEND", nil)
	return out.Bytes()
}

func writePNGChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// WebP returns a 1×1 lossless WebP (the well-known feature-detection image).
func WebP() []byte {
	b, _ := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	return b
}

// PDF returns a small PDF document, to be uploaded under a .jpg name.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// TruncatedJPEG returns a JPEG whose header is intact but whose image data
// is cut off: readable dimensions, undecodable pixels.
func TruncatedJPEG(t testing.TB) []byte {
	t.Helper()
	full := JPEG(t, PhotoOpts{Width: 200, Height: 150})
	return full[:len(full)/2]
}

// GarbageJPEG returns bytes that start like a JPEG and then are noise.
func GarbageJPEG() []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0}
	for i := 0; i < 2000; i++ {
		b = append(b, byte(i*31+7))
	}
	return b
}

// HasEXIF reports whether data carries an EXIF block anywhere: the "Exif"
// identifier, or a JPEG APP1 marker.
func HasEXIF(data []byte) bool {
	return bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte{0xFF, 0xE1})
}

// EXIF returns a little-endian TIFF EXIF block for o, or nil when o asks
// for no metadata. The layout is IFD0 (orientation and pointers), then the
// Exif IFD (DateTimeOriginal, OffsetTimeOriginal), then the GPS IFD.
func EXIF(o PhotoOpts) []byte {
	if o.GPS == nil && o.Orientation == 0 && o.TakenAt.IsZero() {
		return nil
	}
	var ifd0, exifIFD, gps []entry
	if o.Orientation != 0 {
		ifd0 = append(ifd0, short(0x0112, uint16(o.Orientation)))
	}
	if !o.TakenAt.IsZero() {
		exifIFD = append(exifIFD, ascii(0x9003, o.TakenAt.Format("2006:01:02 15:04:05")),
			ascii(0x9011, o.TakenAt.Format("-07:00")))
	}
	if o.GPS != nil {
		lat, lon := o.GPS[0], o.GPS[1]
		gps = append(gps, entry{tag: 0, typ: 1, count: 4, data: []byte{2, 2, 0, 0}},
			ascii(1, hemisphere(lat, "N", "S")), rationalDMS(2, lat),
			ascii(3, hemisphere(lon, "E", "W")), rationalDMS(4, lon))
	}
	// Pointers first with placeholder values; sizes do not depend on them.
	if exifIFD != nil {
		ifd0 = append(ifd0, long(0x8769, 0))
	}
	if gps != nil {
		ifd0 = append(ifd0, long(0x8825, 0))
	}
	start0 := uint32(8)
	startExif := start0 + ifdSize(ifd0)
	startGPS := startExif + ifdSize(exifIFD)
	for i := range ifd0 {
		switch ifd0[i].tag {
		case 0x8769:
			ifd0[i] = long(0x8769, startExif)
		case 0x8825:
			ifd0[i] = long(0x8825, startGPS)
		}
	}
	out := []byte{'I', 'I', 0x2A, 0, 8, 0, 0, 0}
	out = append(out, encodeIFD(ifd0, start0)...)
	out = append(out, encodeIFD(exifIFD, startExif)...)
	return append(out, encodeIFD(gps, startGPS)...)
}

type entry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

func short(tag, v uint16) entry {
	return entry{tag: tag, typ: 3, count: 1, data: binary.LittleEndian.AppendUint16(nil, v)}
}

func long(tag uint16, v uint32) entry {
	return entry{tag: tag, typ: 4, count: 1, data: binary.LittleEndian.AppendUint32(nil, v)}
}

func ascii(tag uint16, s string) entry {
	return entry{tag: tag, typ: 2, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
}

// rationalDMS encodes |deg| as degrees, minutes and seconds (1/10000 s).
func rationalDMS(tag uint16, deg float64) entry {
	deg = math.Abs(deg)
	d := math.Floor(deg)
	m := math.Floor((deg - d) * 60)
	s := ((deg-d)*60 - m) * 60
	var b []byte
	for _, r := range [][2]uint32{{uint32(d), 1}, {uint32(m), 1}, {uint32(math.Round(s * 10000)), 10000}} {
		b = binary.LittleEndian.AppendUint32(b, r[0])
		b = binary.LittleEndian.AppendUint32(b, r[1])
	}
	return entry{tag: tag, typ: 5, count: 3, data: b}
}

func hemisphere(v float64, pos, neg string) string {
	if v < 0 {
		return neg
	}
	return pos
}

// ifdSize is the size of an IFD with its out-of-line values.
func ifdSize(es []entry) uint32 {
	if len(es) == 0 {
		return 0
	}
	n := uint32(2 + 12*len(es) + 4)
	for _, e := range es {
		if len(e.data) > 4 {
			n += uint32(len(e.data) + len(e.data)%2)
		}
	}
	return n
}

// encodeIFD lays out entries at offset start: the directory, then the
// values longer than four bytes.
func encodeIFD(es []entry, start uint32) []byte {
	if len(es) == 0 {
		return nil
	}
	dir := binary.LittleEndian.AppendUint16(nil, uint16(len(es)))
	var extra []byte
	extraAt := start + uint32(2+12*len(es)+4)
	for _, e := range es {
		dir = binary.LittleEndian.AppendUint16(dir, e.tag)
		dir = binary.LittleEndian.AppendUint16(dir, e.typ)
		dir = binary.LittleEndian.AppendUint32(dir, e.count)
		if len(e.data) <= 4 {
			v := make([]byte, 4)
			copy(v, e.data)
			dir = append(dir, v...)
			continue
		}
		dir = binary.LittleEndian.AppendUint32(dir, extraAt+uint32(len(extra)))
		extra = append(extra, e.data...)
		if len(e.data)%2 == 1 {
			extra = append(extra, 0)
		}
	}
	dir = binary.LittleEndian.AppendUint32(dir, 0) // no next IFD
	return append(dir, extra...)
}
