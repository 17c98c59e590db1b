package turbojpeg_test

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/vikalp/vikalp/internal/turbojpeg"
)

// FuzzDecode feeds arbitrary bytes to Decode, at full size and scaled. It
// must not crash; a decoded image has the size its header declares (or
// the scaled size) and encodes again.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, photo(40, 30), 90), 0)
	f.Add(encode(f, toYCbCr(photo(33, 17), image.YCbCrSubsampleRatio422), 70), 9)
	f.Add([]byte("\xff\xd8\xff\xc0\x00\x0b\x08\xff\xff\xff\xff\x01\x01\x11\x00\xff\xd9"), 0)
	files, _ := filepath.Glob("testdata/*.jpg")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, 20)
	}
	f.Fuzz(func(t *testing.T, data []byte, minSide int) {
		img, err := turbojpeg.Decode(data, turbojpeg.DecodeOptions{MinSide: minSide, MaxPixels: 1 << 20})
		if err != nil {
			return
		}
		h, err := turbojpeg.ReadHeader(data)
		if err != nil {
			t.Fatalf("decoded, but the header does not read: %v", err)
		}
		b := img.Bounds()
		if b.Min != (image.Point{}) || b.Dx() > h.Width || b.Dy() > h.Height || b.Empty() {
			t.Fatalf("decoded %v from a %dx%d header", b, h.Width, h.Height)
		}
		if minSide > 0 && max(b.Dx(), b.Dy()) < min(minSide, max(h.Width, h.Height)) {
			t.Fatalf("scaled to %v, below MinSide %d", b, minSide)
		}
		if _, err := turbojpeg.Encode(img, 80); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}
