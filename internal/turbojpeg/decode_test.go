package turbojpeg_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/vikalp/vikalp/internal/turbojpeg"
)

// TestDecodeMatchesImageJPEG decodes every subsampling Go's decoder and
// TurboJPEG share, at even and odd sizes, and compares the planes sample by
// sample with image/jpeg's (an independent decoder of the same file).
func TestDecodeMatchesImageJPEG(t *testing.T) {
	t.Parallel()
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411,
	} {
		for _, size := range []image.Point{{96, 64}, {101, 77}, {1, 1}, {17, 3}} {
			t.Run(fmt.Sprintf("%v/%dx%d", ratio, size.X, size.Y), func(t *testing.T) {
				t.Parallel()
				data := encode(t, toYCbCr(photo(size.X, size.Y), ratio), 90)
				got := decode(t, data, turbojpeg.DecodeOptions{})
				ycc, ok := got.(*image.YCbCr)
				if !ok || ycc.SubsampleRatio != ratio || ycc.Rect != image.Rect(0, 0, size.X, size.Y) {
					t.Fatalf("decoded %T %v, want %v YCbCr of %v", got, got.Bounds(), ratio, size)
				}
				want, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if d := maxPlaneDiff(ycc, want.(*image.YCbCr)); d > 2 {
					t.Errorf("planes differ from image/jpeg's by up to %d", d)
				}
			})
		}
	}
}

// TestDecodeScaled: the DCT scaling factor is the smallest that keeps the
// longest side at least MinSide, and the scaled picture is the picture.
func TestDecodeScaled(t *testing.T) {
	t.Parallel()
	data := encode(t, photo(1632, 1224), 88)
	full := decode(t, data, turbojpeg.DecodeOptions{}).(*image.YCbCr)
	for _, tc := range []struct {
		minSide, w, h int
	}{
		{0, 1632, 1224}, {2048, 1632, 1224}, {1632, 1632, 1224}, {1500, 1632, 1224},
		{1400, 1428, 1071}, {1000, 1020, 765}, {800, 816, 612}, {320, 408, 306}, {204, 204, 153}, {1, 204, 153},
	} {
		t.Run(fmt.Sprint(tc.minSide), func(t *testing.T) {
			t.Parallel()
			img := decode(t, data, turbojpeg.DecodeOptions{MinSide: tc.minSide}).(*image.YCbCr)
			if img.Rect.Dx() != tc.w || img.Rect.Dy() != tc.h {
				t.Fatalf("MinSide %d decoded %v, want %dx%d", tc.minSide, img.Rect, tc.w, tc.h)
			}
			if f := 1632 / tc.w; 1632%tc.w == 0 && f > 1 {
				if d := meanLumaDiff(img, full, f); d > 3 {
					t.Errorf("1/%d scale differs from a box average of the full decode by %.1f on average", f, d)
				}
			}
		})
	}
}

// TestDecodeKinds covers the JPEG kinds a phone or an editor may send.
func TestDecodeKinds(t *testing.T) {
	t.Parallel()
	gray := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 7)
	}
	var grayJPEG bytes.Buffer
	if err := jpeg.Encode(&grayJPEG, gray, nil); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data []byte
		want string // the decoded type, or "unsupported"
	}{
		"Gray":            {grayJPEG.Bytes(), "*image.Gray"},
		"Progressive":     {testdata(t, "progressive.jpg"), "*image.YCbCr"},
		"ProgressiveGray": {testdata(t, "progressive-gray.jpg"), "*image.Gray"},
		"CMYK":            {testdata(t, "cmyk.jpg"), "unsupported"},
		"RGB":             {testdata(t, "rgb.jpg"), "unsupported"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			img, err := turbojpeg.Decode(tc.data, turbojpeg.DecodeOptions{})
			if tc.want == "unsupported" {
				if !errors.Is(err, turbojpeg.ErrUnsupported) {
					t.Fatalf("Decode = %T, %v; want ErrUnsupported", img, err)
				}
				return
			}
			if err != nil || fmt.Sprintf("%T", img) != tc.want {
				t.Fatalf("Decode = %T, %v; want %s", img, err, tc.want)
			}
			ref, err := jpeg.Decode(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if d := maxPixelDiff(img, ref); d > 3 {
				t.Errorf("pixels differ from image/jpeg's by up to %d", d)
			}
		})
	}
}

// TestDecodeRefusesDamage: truncated, corrupted and random inputs are
// errors, never panics, crashes or half-grey pictures.
func TestDecodeRefusesDamage(t *testing.T) {
	t.Parallel()
	data := encode(t, photo(64, 48), 90)
	for n := 0; n < len(data)-1; n++ {
		if img, err := turbojpeg.Decode(data[:n], turbojpeg.DecodeOptions{}); err == nil {
			t.Fatalf("truncated to %d of %d bytes: decoded %v", n, len(data), img.Bounds())
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		bad := bytes.Clone(data)
		for range 1 + rng.IntN(4) {
			bad[rng.IntN(len(bad))] = byte(rng.Uint32())
		}
		_, _ = turbojpeg.Decode(bad, turbojpeg.DecodeOptions{MinSide: rng.IntN(64)})
		noise := make([]byte, rng.IntN(300))
		for i := range noise {
			noise[i] = byte(rng.Uint32())
		}
		if _, err := turbojpeg.Decode(append([]byte{0xFF, 0xD8}, noise...), turbojpeg.DecodeOptions{}); err == nil {
			t.Fatalf("random bytes % x decoded", noise)
		}
	}
}

// TestDecodeMaxPixels refuses a header declaring too many pixels before
// allocating them.
func TestDecodeMaxPixels(t *testing.T) {
	t.Parallel()
	huge := []byte("\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
	if _, err := turbojpeg.Decode(huge, turbojpeg.DecodeOptions{}); err == nil {
		t.Fatal("a 65535x65535 header decoded")
	}
	data := encode(t, photo(64, 48), 90)
	if _, err := turbojpeg.Decode(data, turbojpeg.DecodeOptions{MaxPixels: 64*48 - 1}); err == nil {
		t.Fatal("MaxPixels one below the image's pixels decoded")
	}
	h, err := turbojpeg.ReadHeader(data)
	if err != nil || h.Width != 64 || h.Height != 48 || h.Subsampling != turbojpeg.Sub420 || h.ColorSpace != turbojpeg.YCbCr {
		t.Fatalf("ReadHeader = %+v, %v", h, err)
	}
}

// photo is a w×h test picture: gradients, noise and a dark corner.
func photo(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			n := uint8(rng.IntN(16))
			c := color.NRGBA{uint8(x*200/max(1, w)) + n, uint8(y*180/max(1, h)) + n, uint8((x+y)*120/max(1, w+h)) + n, 255}
			if x < w/4 && y < h/4 {
				c = color.NRGBA{10, 12, 14, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// toYCbCr converts img to planes of ratio, sampling chroma at the top-left
// pixel of each block (good enough for a test picture).
func toYCbCr(img *image.NRGBA, ratio image.YCbCrSubsampleRatio) *image.YCbCr {
	out := image.NewYCbCr(img.Rect, ratio)
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := img.NRGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			out.Y[out.YOffset(x, y)] = yy
			out.Cb[out.COffset(x, y)], out.Cr[out.COffset(x, y)] = cb, cr
		}
	}
	return out
}

func encode(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	data, err := turbojpeg.Encode(img, quality)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decode(t testing.TB, data []byte, o turbojpeg.DecodeOptions) image.Image {
	t.Helper()
	img, err := turbojpeg.Decode(data, o)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// maxPlaneDiff is the largest difference of a sample between a and b.
func maxPlaneDiff(a, b *image.YCbCr) int {
	d := 0
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			d = max(d, absDiff(a.Y[a.YOffset(x, y)], b.Y[b.YOffset(x, y)]),
				absDiff(a.Cb[a.COffset(x, y)], b.Cb[b.COffset(x, y)]),
				absDiff(a.Cr[a.COffset(x, y)], b.Cr[b.COffset(x, y)]))
		}
	}
	return d
}

// maxPixelDiff is the largest difference of a colour channel between a and
// b, in 8 bits.
func maxPixelDiff(a, b image.Image) int {
	d := 0
	for y := range a.Bounds().Dy() {
		for x := range a.Bounds().Dx() {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d = max(d, absDiff(uint8(r1>>8), uint8(r2>>8)), absDiff(uint8(g1>>8), uint8(g2>>8)),
				absDiff(uint8(b1>>8), uint8(b2>>8)))
		}
	}
	return d
}

// meanLumaDiff compares the luma of small with f×f box averages of big.
func meanLumaDiff(small, big *image.YCbCr, f int) float64 {
	var sum float64
	for y := range small.Rect.Dy() {
		for x := range small.Rect.Dx() {
			box := 0
			for dy := range f {
				for dx := range f {
					box += int(big.Y[big.YOffset(x*f+dx, y*f+dy)])
				}
			}
			sum += float64(absDiff(small.Y[small.YOffset(x, y)], uint8(box/(f*f))))
		}
	}
	return sum / float64(small.Rect.Dx()*small.Rect.Dy())
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
