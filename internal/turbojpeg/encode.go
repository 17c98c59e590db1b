package turbojpeg

import (
	"fmt"
	"image"
	"image/draw"
)

// Encode encodes img as a baseline JFIF JPEG at quality (1–100), with no
// other metadata. An *image.YCbCr whose planes TurboJPEG can read in place
// (as Decode returns them) is compressed from its planes, keeping its
// subsampling; *image.Gray is encoded gray; anything else as 4:2:0 colour.
// Alpha is ignored: flatten a translucent image first.
func Encode(img image.Image, quality int) ([]byte, error) {
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("turbojpeg: quality %d outside 1–100", quality)
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("turbojpeg: empty image %v", b)
	}
	c, err := newCompressor()
	if err != nil {
		return nil, err
	}
	defer c.close()
	switch m := img.(type) {
	case *image.YCbCr:
		if sub, ok := subsampling(m.SubsampleRatio); ok {
			if !planesReadable(m, sub) {
				m = padPlanes(m, sub)
			}
			return c.encodePlanes(m.Y, m.Cb, m.Cr, m.YStride, m.CStride, b.Dx(), b.Dy(), sub, quality)
		}
	case *image.Gray:
		if b.Min == (image.Point{}) {
			return c.encodePixels(m.Pix, m.Stride, b.Dx(), b.Dy(), true, quality)
		}
	case *image.NRGBA:
		return c.encodePixels(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), false, quality)
	case *image.RGBA:
		return c.encodePixels(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), false, quality)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	return c.encodePixels(rgba.Pix, rgba.Stride, b.Dx(), b.Dy(), false, quality)
}

// subsampling maps Go's name for a chroma subsampling to TurboJPEG's.
func subsampling(r image.YCbCrSubsampleRatio) (Subsampling, bool) {
	for _, sub := range []Subsampling{Sub444, Sub422, Sub420, Sub440, Sub411} {
		if subsampleRatio(sub) == r {
			return sub, true
		}
	}
	return 0, false
}

// planesReadable reports whether TurboJPEG can read m's planes where they
// are: bounds at the origin and every plane at least as wide and tall as
// TurboJPEG's padded layout (Decode's images and image/jpeg's are;
// image.NewYCbCr of an odd size is not).
func planesReadable(m *image.YCbCr, sub Subsampling) bool {
	if m.Rect.Min != (image.Point{}) {
		return false
	}
	for i, p := range []struct {
		pix    []byte
		stride int
	}{{m.Y, m.YStride}, {m.Cb, m.CStride}, {m.Cr, m.CStride}} {
		pw, ph, err := planeLayout(min(i, 1), m.Rect.Dx(), m.Rect.Dy(), sub)
		if err != nil || p.stride < pw || len(p.pix) < p.stride*(ph-1)+pw {
			return false
		}
	}
	return true
}

// padPlanes copies m into planes of TurboJPEG's layout at the origin,
// repeating the last row and column into the padding.
func padPlanes(m *image.YCbCr, sub Subsampling) *image.YCbCr {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	yw, yh, _ := planeLayout(0, w, h, sub)
	cw, ch, _ := planeLayout(1, w, h, sub)
	out := &image.YCbCr{Y: make([]byte, yw*yh), Cb: make([]byte, cw*ch), Cr: make([]byte, cw*ch),
		YStride: yw, CStride: cw, SubsampleRatio: m.SubsampleRatio, Rect: image.Rect(0, 0, w, h)}
	// A chroma sample stands for a block of sx×sy pixels; read the block's
	// first pixel, clamped into the image.
	sx, sy := max(1, (yw+cw-1)/cw), max(1, (yh+ch-1)/ch)
	pixel := func(x, y int) (int, int) { return b.Min.X + min(x, w-1), b.Min.Y + min(y, h-1) }
	for y := range yh {
		for x := range yw {
			out.Y[y*yw+x] = m.Y[m.YOffset(pixel(x, y))]
		}
	}
	for y := range ch {
		for x := range cw {
			i := m.COffset(pixel(x*sx, y*sy))
			out.Cb[y*cw+x], out.Cr[y*cw+x] = m.Cb[i], m.Cr[i]
		}
	}
	return out
}
