package turbojpeg_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/internal/turbojpeg"
)

// TestEncodeRoundTrip encodes each kind of image Encode takes and reads it
// back with image/jpeg: same size, same picture, the expected colour model.
func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	src := photo(97, 65)
	rgba := image.NewRGBA(src.Rect)
	copy(rgba.Pix, src.Pix)
	gray := image.NewGray(src.Rect)
	for i := range gray.Pix {
		gray.Pix[i] = src.Pix[4*i+1]
	}
	padded := image.NewNRGBA(image.Rect(0, 0, 120, 90))
	for y := range 65 {
		copy(padded.Pix[(y+10)*padded.Stride+4*10:], src.Pix[y*src.Stride:(y+1)*src.Stride])
	}
	for name, tc := range map[string]struct {
		img  image.Image
		gray bool
	}{
		"NRGBA":      {src, false},
		"RGBA":       {rgba, false},
		"SubImage":   {padded.SubImage(image.Rect(10, 10, 107, 75)), false},
		"YCbCr420":   {toYCbCr(src, image.YCbCrSubsampleRatio420), false},
		"YCbCr410":   {toYCbCr(src, image.YCbCrSubsampleRatio410), false}, // TurboJPEG has no 4:1:0: via RGB
		"Paletted":   {paletted(src), false},
		"Gray":       {gray, true},
		"GraySubImg": {gray.SubImage(image.Rect(0, 0, 97, 65)), true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := encode(t, tc.img, 92)
			got, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds() != image.Rect(0, 0, 97, 65) {
				t.Fatalf("bounds %v, want 97x65", got.Bounds())
			}
			if _, isGray := got.(*image.Gray); isGray != tc.gray {
				t.Fatalf("decoded %T", got)
			}
			if d := meanPixelDiff(got, tc.img); d > 4 {
				t.Errorf("picture differs by %.1f on average", d)
			}
		})
	}
}

// TestEncodeWritesNoMetadata: whatever the source file carried (EXIF, XMP,
// ICC profile, comment), the re-encoded file has only JFIF and image data.
func TestEncodeWritesNoMetadata(t *testing.T) {
	t.Parallel()
	clean := encode(t, photo(64, 48), 90)
	tagged := append([]byte{}, clean[:2]...)
	for _, seg := range []struct {
		marker  byte
		payload string
	}{
		{0xE1, "Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00"},
		{0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"},
		{0xE2, "ICC_PROFILE\x00\x01\x01" + strings.Repeat("p", 40)},
		{0xED, "Photoshop 3.0\x00"},
		{0xFE, "taken by someone at a known place"},
	} {
		tagged = append(tagged, 0xFF, seg.marker, 0, 0)
		binary.BigEndian.PutUint16(tagged[len(tagged)-2:], uint16(len(seg.payload)+2))
		tagged = append(tagged, seg.payload...)
	}
	tagged = append(tagged, clean[2:]...)
	img := decode(t, tagged, turbojpeg.DecodeOptions{})
	for _, data := range [][]byte{encode(t, img, 85), encode(t, photo(30, 20), 85)} {
		for _, m := range markers(t, data) {
			switch {
			case m == 0xE0, m >= 0xC0 && m <= 0xC2, m == 0xC4, m == 0xDA, m == 0xDB, m == 0xD9, m == 0xDD:
			default:
				t.Errorf("output carries marker FF%02X", m)
			}
		}
		if bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte("known place")) {
			t.Error("output carries the source's metadata text")
		}
	}
}

// TestEncodeRefusesBadInput: bad quality and empty images are errors.
func TestEncodeRefusesBadInput(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		img     image.Image
		quality int
	}{
		"Quality0":   {photo(8, 8), 0},
		"Quality101": {photo(8, 8), 101},
		"Empty":      {image.NewNRGBA(image.Rectangle{}), 85},
	} {
		if _, err := turbojpeg.Encode(tc.img, tc.quality); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestNoLeak decodes and encodes (and fails to decode) thousands of times:
// every TurboJPEG handle and C buffer must be freed, so the resident memory
// stays flat once warm.
func TestNoLeak(t *testing.T) {
	data := encode(t, photo(256, 192), 90)
	bad := bytes.Clone(data[:len(data)/2])
	round := func(n int) {
		for range n {
			img := decode(t, data, turbojpeg.DecodeOptions{MinSide: 100 + n%100})
			encode(t, img, 85)
			if _, err := turbojpeg.Decode(bad, turbojpeg.DecodeOptions{}); err == nil {
				t.Fatal("truncated JPEG decoded")
			}
			if _, err := turbojpeg.Encode(img, 0); err == nil {
				t.Fatal("quality 0 encoded")
			}
		}
	}
	round(300)
	before := rss(t)
	round(3000)
	if grown := rss(t) - before; grown > 4<<20 {
		t.Errorf("resident memory grew by %d MiB over 3000 rounds", grown>>20)
	}
}

// rss returns the process's resident memory after a garbage collection.
func rss(t *testing.T) int {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := strconv.Atoi(strings.Fields(string(statm))[1])
	if err != nil {
		t.Fatal(err)
	}
	return pages * os.Getpagesize()
}

// markers lists the segment markers of a JPEG up to EOI, skipping entropy
// coded data.
func markers(t *testing.T, data []byte) []byte {
	t.Helper()
	var out []byte
	for i := 2; i+1 < len(data); {
		if data[i] != 0xFF {
			i++ // entropy-coded data
			continue
		}
		m := data[i+1]
		switch {
		case m == 0x00 || m == 0xFF || (m >= 0xD0 && m <= 0xD7):
			i += 2
			continue
		case m == 0xD9:
			return append(out, m)
		}
		out = append(out, m)
		if i+3 >= len(data) {
			t.Fatalf("segment FF%02X cut off", m)
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return out
}

func paletted(src *image.NRGBA) *image.Paletted {
	var pal color.Palette
	for i := range 256 {
		pal = append(pal, color.NRGBA{uint8(i), uint8(255 - i), uint8(i * 7), 255})
	}
	out := image.NewPaletted(src.Rect, pal)
	for y := range src.Rect.Dy() {
		for x := range src.Rect.Dx() {
			out.Set(x, y, src.At(x, y))
		}
	}
	return out
}

// meanPixelDiff is the mean difference of the colour channels of a and b
// (both with bounds of the same size), in 8 bits.
func meanPixelDiff(a, b image.Image) float64 {
	ab, bb := a.Bounds(), b.Bounds()
	var sum float64
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			if _, gray := a.(*image.Gray); gray {
				r2, b2 = g2, g2 // a gray decode is compared with the green channel
			}
			sum += float64(absDiff(uint8(r1>>8), uint8(r2>>8)) + absDiff(uint8(g1>>8), uint8(g2>>8)) +
				absDiff(uint8(b1>>8), uint8(b2>>8)))
		}
	}
	return sum / float64(3*ab.Dx()*ab.Dy())
}
