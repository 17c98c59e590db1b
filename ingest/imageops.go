package ingest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"

	"github.com/disintegration/imaging"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/vikalp/vikalp"
)

// orient turns img upright according to its EXIF orientation (1–8), as a
// camera that did not rotate the pixels asks viewers to.
func orient(img image.Image, orientation int) image.Image {
	switch orientation {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// fitWithin scales img down so its longest side is at most side; smaller
// images are returned unchanged. A reduction by half or more averages
// boxes of pixels (as good as Lanczos for downscaling, and a third of the
// time in the photo benchmark); a milder one interpolates linearly.
func fitWithin(img image.Image, side int) image.Image {
	b := img.Bounds()
	if b.Dx() <= side && b.Dy() <= side {
		return img
	}
	filter := imaging.Linear
	if max(b.Dx(), b.Dy()) >= 2*side {
		filter = imaging.Box
	}
	return imaging.Fit(img, side, side, filter)
}

// encodeJPEG encodes img as a baseline JPEG. Transparent pixels are laid on
// white first. Go's encoder writes no EXIF, XMP, ICC or comment segments, so
// the result carries no metadata at all.
//
// A decoded JPEG (YCbCr, always opaque) goes to the encoder as it is: its
// fast path skips two colour conversions.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	src := img
	if _, ycc := img.(*image.YCbCr); !ycc {
		b := img.Bounds()
		flat := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(flat, flat.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(flat, flat.Bounds(), img, b.Min, draw.Over)
		src = flat
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// Rect is a rectangle on a photo in fractions of its width and height
// (0 ≤ X, Y and X+W, Y+H ≤ 1), so it means the same area on the derivative
// and on the thumbnail.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Validate returns a user-safe error unless r lies within the photo and has
// an area.
func (r Rect) Validate() error {
	ok := r.X >= 0 && r.Y >= 0 && r.W > 0 && r.H > 0 && r.X+r.W <= 1.000001 && r.Y+r.H <= 1.000001
	if !ok || math.IsNaN(r.X+r.Y+r.W+r.H) {
		return vikalp.InvalidField("rects", "bad_rect",
			"each rectangle needs x, y, w, h as fractions of the photo (0–1) with w and h above 0")
	}
	return nil
}

// pixels returns r on an image of bounds b, at least one pixel each way.
func (r Rect) pixels(b image.Rectangle) image.Rectangle {
	x0 := b.Min.X + int(math.Floor(r.X*float64(b.Dx())))
	y0 := b.Min.Y + int(math.Floor(r.Y*float64(b.Dy())))
	x1 := b.Min.X + int(math.Ceil((r.X+r.W)*float64(b.Dx())))
	y1 := b.Min.Y + int(math.Ceil((r.Y+r.H)*float64(b.Dy())))
	return image.Rect(x0, y0, max(x1, x0+1), max(y1, y0+1)).Intersect(b)
}

// redact hides each rectangle of img beyond recognition: the area is
// pixelated to blocks of about 1/12 of its longest side (or 16 px) and then
// blurred, which no deblurring filter undoes because the detail is gone.
func redact(img image.Image, rects []Rect) *image.NRGBA {
	out := imaging.Clone(img)
	for _, r := range rects {
		area := r.pixels(out.Bounds())
		if area.Empty() {
			continue
		}
		block := max(16, max(area.Dx(), area.Dy())/12)
		patch := imaging.Crop(out, area)
		small := imaging.Resize(patch, max(1, area.Dx()/block), max(1, area.Dy()/block), imaging.Box)
		coarse := imaging.Resize(small, area.Dx(), area.Dy(), imaging.NearestNeighbor)
		out = imaging.Paste(out, imaging.Blur(coarse, float64(block)/2), area.Min)
	}
	return out
}

// watermark draws text across img in rows, light with a dark shadow so it
// shows on any photo. The glyphs are a bitmap font scaled to the image, so a
// viewer's name and the time are legible on every copy that leaves Vikalp.
func watermark(img image.Image, text string) *image.NRGBA {
	out := imaging.Clone(img)
	b := out.Bounds()
	line := textImage(text)
	scale := max(1, b.Dx()/(line.Bounds().Dx()*2))
	big := imaging.Resize(line, line.Bounds().Dx()*scale, line.Bounds().Dy()*scale, imaging.NearestNeighbor)
	step := big.Bounds().Dy() * 4
	for y, row := step/2, 0; y < b.Dy(); y, row = y+step, row+1 {
		x := (row % 2) * b.Dx() / 4
		out = imaging.Overlay(out, big, image.Pt(x, y), 0.55)
	}
	return out
}

// textImage renders text in the 7×13 basic font, white on a transparent
// background with a one-pixel black shadow.
func textImage(text string) *image.NRGBA {
	face := basicfont.Face7x13
	w := font.MeasureString(face, text).Ceil() + 2
	img := image.NewNRGBA(image.Rect(0, 0, w, 15))
	d := &font.Drawer{Dst: img, Face: face}
	for _, pass := range []struct {
		c      color.Color
		dx, dy int
	}{{color.Black, 2, 13}, {color.White, 1, 12}} {
		d.Src = image.NewUniform(pass.c)
		d.Dot = fixed.P(pass.dx, pass.dy)
		d.DrawString(text)
	}
	return img
}
