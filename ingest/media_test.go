package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/turbojpeg"
)

func TestPipelineReadsEXIFAndStripsIt(t *testing.T) {
	t.Parallel()
	taken := time.Date(2024, 3, 9, 21, 15, 4, 0, time.FixedZone("", 5*3600+1800))
	data := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 40,
		GPS: &[2]float64{26.8467, 80.9462}, Orientation: 6, TakenAt: taken})
	if !ingesttest.HasEXIF(data) {
		t.Fatal("generated JPEG lacks its EXIF block")
	}
	p, err := ingest.NewPipeline(ingest.MediaConfig{}).Process(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentType != ingest.TypeJPEG || p.Width != 80 || p.Height != 40 || p.Bytes != len(data) {
		t.Errorf("facts = %s %dx%d %d bytes", p.ContentType, p.Width, p.Height, p.Bytes)
	}
	gps := p.EXIF.GPS
	if gps == nil || math.Abs(gps.Lat-26.8467) > 1e-5 || math.Abs(gps.Lon-80.9462) > 1e-5 {
		t.Errorf("EXIF GPS = %+v, want 26.8467, 80.9462", gps)
	}
	if p.EXIF.TakenAt == nil || !p.EXIF.TakenAt.Equal(taken) {
		t.Errorf("EXIF time = %v, want %v", p.EXIF.TakenAt, taken)
	}
	if p.EXIF.Orientation != 6 {
		t.Errorf("orientation = %d, want 6", p.EXIF.Orientation)
	}
	// Orientation 6 means "rotate 90° clockwise": 80×40 becomes 40×80.
	if p.DerivativeWidth != 40 || p.DerivativeHeight != 80 {
		t.Errorf("derivative %dx%d, want 40x80 (upright)", p.DerivativeWidth, p.DerivativeHeight)
	}
	for name, b := range map[string][]byte{"derivative": p.Derivative, "thumbnail": p.Thumbnail} {
		if ingesttest.HasEXIF(b) {
			t.Errorf("%s carries EXIF/APP1 metadata", name)
		}
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s is not a JPEG: %v", name, err)
		}
	}
	if !bytes.Equal(p.Original, data) {
		t.Error("original bytes were altered")
	}
}

// TestPipelineOrients: for every EXIF orientation, at even and odd sizes
// and in each chroma subsampling a camera writes, the derivative is the
// picture turned upright, as imaging turns it.
func TestPipelineOrients(t *testing.T) {
	t.Parallel()
	pl := ingest.NewPipeline(ingest.MediaConfig{})
	turn := map[int]func(image.Image) *image.NRGBA{
		1: imaging.Clone, 2: imaging.FlipH, 3: imaging.Rotate180, 4: imaging.FlipV,
		5: imaging.Transpose, 6: imaging.Rotate270, 7: imaging.Transverse, 8: imaging.Rotate90,
	}
	for o := 1; o <= 8; o++ {
		for _, ratio := range []image.YCbCrSubsampleRatio{
			image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio444,
		} {
			for _, size := range []image.Point{{64, 48}, {65, 47}} {
				t.Run(fmt.Sprintf("%d/%v/%dx%d", o, ratio, size.X, size.Y), func(t *testing.T) {
					t.Parallel()
					data := orientedJPEG(t, size, ratio, o)
					p, err := pl.Process(context.Background(), data)
					if err != nil {
						t.Fatal(err)
					}
					src, err := jpeg.Decode(bytes.NewReader(data))
					if err != nil {
						t.Fatal(err)
					}
					want := turn[o](src)
					got, err := jpeg.Decode(bytes.NewReader(p.Derivative))
					if err != nil {
						t.Fatal(err)
					}
					if got.Bounds() != want.Bounds() {
						t.Fatalf("derivative %v, want %v", got.Bounds(), want.Bounds())
					}
					// Re-encoding costs about 1.3; at an odd size chroma blocks
					// realign, which costs up to 4. A wrong turn costs over 20.
					if d := meanDiff(got, want); d > 5 {
						t.Errorf("derivative differs from the upright picture by %.1f on average", d)
					}
				})
			}
		}
	}
}

// orientedJPEG is ingesttest's picture of size as a JPEG with chroma
// subsampling ratio and an EXIF block giving orientation.
func orientedJPEG(t *testing.T, size image.Point, ratio image.YCbCrSubsampleRatio, orientation int) []byte {
	t.Helper()
	pic := ingesttest.Image(size.X, size.Y)
	ycc := image.NewYCbCr(pic.Rect, ratio)
	for y := range size.Y {
		for x := range size.X {
			c := pic.NRGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)], ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = yy, cb, cr
		}
	}
	data, err := turbojpeg.Encode(ycc, 90)
	if err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), ingesttest.EXIF(ingesttest.PhotoOpts{Orientation: orientation})...)
	app1 := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	return slices.Concat(data[:2], app1, payload, data[2:])
}

// TestPipelineWritesNoMetadata: an upload carrying EXIF, XMP, an ICC
// profile, a Photoshop block and a comment yields a derivative and a
// thumbnail with nothing but the JFIF header and image data.
func TestPipelineWritesNoMetadata(t *testing.T) {
	t.Parallel()
	data := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 640, Height: 480, GPS: &[2]float64{26.85, 80.95}})
	var segs []byte
	for _, seg := range []struct {
		marker  byte
		payload string
	}{
		{0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Lucknow</x:xmpmeta>"},
		{0xE2, "ICC_PROFILE\x00\x01\x01" + strings.Repeat("p", 64)},
		{0xED, "Photoshop 3.0\x008BIM"},
		{0xFE, "taken near the market"},
	} {
		n := len(seg.payload) + 2
		segs = append(append(segs, 0xFF, seg.marker, byte(n>>8), byte(n)), seg.payload...)
	}
	data = slices.Concat(data[:2], segs, data[2:])
	p, err := ingest.NewPipeline(ingest.MediaConfig{}).Process(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"derivative": p.Derivative, "thumbnail": p.Thumbnail} {
		for _, m := range segmentMarkers(t, b) {
			// SOF0–2, DHT, SOS, DQT, DRI and APP0 (JFIF) only.
			if !(m >= 0xC0 && m <= 0xC2 || m == 0xC4 || m == 0xDA || m == 0xDB || m == 0xDD || m == 0xE0) {
				t.Errorf("%s carries segment FF%02X", name, m)
			}
		}
		for _, text := range []string{"Exif", "xmpmeta", "ICC_PROFILE", "8BIM", "market"} {
			if bytes.Contains(b, []byte(text)) {
				t.Errorf("%s carries %q", name, text)
			}
		}
	}
}

// segmentMarkers lists the markers of a JPEG's segments between SOI and
// the first SOS, where every metadata segment must be.
func segmentMarkers(t *testing.T, data []byte) []byte {
	t.Helper()
	var out []byte
	for i := 2; ; {
		if i+4 > len(data) || data[i] != 0xFF {
			t.Fatalf("no segment at byte %d", i)
		}
		m := data[i+1]
		out = append(out, m)
		if m == 0xDA {
			return out
		}
		i += 2 + int(data[i+2])<<8 + int(data[i+3])
	}
}

// TestPipelineScales: the derivative is the upload scaled to fit 2048
// pixels and the thumbnail the derivative scaled to fit 320, as imaging
// would scale them, whichever way the pipeline took.
func TestPipelineScales(t *testing.T) {
	t.Parallel()
	pl := ingest.NewPipeline(ingest.MediaConfig{})
	for name, tc := range map[string]struct {
		data    []byte
		upright bool // the upload is upright, so the derivative can be checked against it
	}{
		"420":        {ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 1632, Height: 1224}), true},
		"OddSize":    {ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 1001, Height: 667}), true},
		"422Rotated": {orientedJPEG(t, image.Pt(900, 700), image.YCbCrSubsampleRatio422, 6), false},
		"444":        {orientedJPEG(t, image.Pt(700, 300), image.YCbCrSubsampleRatio444, 1), true},
		"Large":      {ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 4000, Height: 3000}), true},
		"Wide":       {ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 5003, Height: 1001}), true},
		"PNG":        {ingesttest.PNG(t, 800, 600), true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := pl.Process(context.Background(), tc.data)
			if err != nil {
				t.Fatal(err)
			}
			deriv := decodeImage(t, p.Derivative)
			if tc.upright {
				wantScaled(t, "derivative", deriv, imaging.Fit(decodeImage(t, tc.data), 2048, 2048, imaging.Linear))
			}
			wantScaled(t, "thumbnail", decodeImage(t, p.Thumbnail), imaging.Fit(deriv, 320, 320, imaging.Box))
		})
	}
}

func decodeImage(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// wantScaled fails unless got has want's bounds and, but for re-encoding,
// its pixels.
func wantScaled(t *testing.T, name string, got, want image.Image) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("%s %v, want %v", name, got.Bounds(), want.Bounds())
	}
	if d := meanDiff(got, want); d > 3 {
		t.Errorf("%s differs from imaging's scaling by %.1f on average", name, d)
	}
}

func TestPipelineSizes(t *testing.T) {
	t.Parallel()
	pl := ingest.NewPipeline(ingest.MediaConfig{})
	p, err := pl.Process(context.Background(), ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 3000, Height: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	if p.DerivativeWidth != 2048 || p.DerivativeHeight != 682 {
		t.Errorf("derivative %dx%d, want 2048x682", p.DerivativeWidth, p.DerivativeHeight)
	}
	thumb, _, err := image.DecodeConfig(bytes.NewReader(p.Thumbnail))
	if err != nil || thumb.Width != 320 || thumb.Height != 106 {
		t.Errorf("thumbnail %dx%d (%v), want 320x106", thumb.Width, thumb.Height, err)
	}
	if p.EXIF.GPS != nil || p.EXIF.TakenAt != nil || p.EXIF.Orientation != 1 {
		t.Errorf("photo without EXIF has facts %+v", p.EXIF)
	}
}

func TestPipelineAcceptsPNGAndWebP(t *testing.T) {
	t.Parallel()
	pl := ingest.NewPipeline(ingest.MediaConfig{})
	for name, tc := range map[string]struct {
		data []byte
		ct   string
	}{
		"PNG":  {ingesttest.PNG(t, 30, 20), ingest.TypePNG},
		"WebP": {ingesttest.WebP(), ingest.TypeWebP},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := pl.Process(context.Background(), tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.ContentType != tc.ct || ingest.SniffType(p.Derivative) != ingest.TypeJPEG {
				t.Errorf("type %s, derivative %s", p.ContentType, ingest.SniffType(p.Derivative))
			}
		})
	}
}

// TestPipelineAcceptsStrayBytes: stray bytes before a marker, which some
// cameras and editors leave, make libjpeg-turbo warn; such a photo is still
// accepted (image/jpeg decodes it), as it was before libjpeg-turbo.
func TestPipelineAcceptsStrayBytes(t *testing.T) {
	t.Parallel()
	data := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 64, Height: 48})
	for name, marker := range map[string][]byte{"BeforeSOF": {0xFF, 0xC0}, "BeforeEOI": {0xFF, 0xD9}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			i := bytes.Index(data, marker)
			stray := slices.Concat(data[:i], []byte{0x12, 0x34}, data[i:])
			p, err := ingest.NewPipeline(ingest.MediaConfig{}).Process(context.Background(), stray)
			if err != nil {
				t.Fatal(err)
			}
			if p.DerivativeWidth != 64 || p.DerivativeHeight != 48 {
				t.Errorf("derivative %dx%d, want 64x48", p.DerivativeWidth, p.DerivativeHeight)
			}
		})
	}
}

// TestPipelineAcceptsCMYKAndRGBJPEG: JPEGs libjpeg-turbo does not decode
// to planes (CMYK from print workflows, RGB-coded) go to image/jpeg and
// come out as ordinary derivatives.
func TestPipelineAcceptsCMYKAndRGBJPEG(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"cmyk.jpg", "rgb.jpg"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile("../internal/turbojpeg/testdata/" + name) // 48×32
			if err != nil {
				t.Fatal(err)
			}
			p, err := ingest.NewPipeline(ingest.MediaConfig{}).Process(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jpeg.Decode(bytes.NewReader(p.Derivative)); err != nil || p.DerivativeWidth != 48 {
				t.Errorf("derivative %dx%d: %v", p.DerivativeWidth, p.DerivativeHeight, err)
			}
		})
	}
}

func TestPipelineRefusals(t *testing.T) {
	t.Parallel()
	pl := ingest.NewPipeline(ingest.MediaConfig{})
	big := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 10<<20)...)
	for name, tc := range map[string]struct {
		data []byte
		code string
	}{
		"Empty":         {nil, "photo_empty"},
		"Oversized":     {big, "photo_too_large"},
		"PDFRenamedJPG": {ingesttest.PDF(), "photo_type"},
		"GIF":           {[]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "photo_type"},
		"PNGBomb":       {ingesttest.PNGBomb(100000, 100000), "photo_too_many_pixels"},
		"TruncatedJPEG": {ingesttest.TruncatedJPEG(t), "photo_corrupt"},
		"GarbageJPEG":   {ingesttest.GarbageJPEG(), "photo_corrupt"},
		"HeaderOnlyPNG": {ingesttest.PNGBomb(10, 10), "photo_corrupt"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pl.Process(context.Background(), tc.data)
			wantUserError(t, err, tc.code)
		})
	}
}

// wantUserError fails unless err is a user-safe ErrInvalid with code.
func wantUserError(t *testing.T, err error, code string) {
	t.Helper()
	if !errors.Is(err, vikalp.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid %s", err, code)
	}
	ue, ok := vikalp.AsUserError(err)
	if !ok || ue.Code != code {
		t.Fatalf("err = %v, want code %q", err, code)
	}
}

// meanDiff is the mean difference of the colour channels of two images of
// the same bounds, in 8 bits.
func meanDiff(a, b image.Image) float64 {
	r := a.Bounds()
	var sum float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			sum += math.Abs(float64(r1)-float64(r2)) + math.Abs(float64(g1)-float64(g2)) +
				math.Abs(float64(b1)-float64(b2))
		}
	}
	return sum / 257 / float64(3*r.Dx()*r.Dy())
}
