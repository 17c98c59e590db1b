package ingest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/disintegration/imaging"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/turbojpeg"
)

// orient turns img upright according to its EXIF orientation (1–8), as a
// camera that did not rotate the pixels asks viewers to.
func orient(img image.Image, orientation int) image.Image {
	if ycc, ok := img.(*image.YCbCr); ok && orientation >= 2 && orientation <= 8 {
		if out, ok := orientPlanes(ycc, orientation); ok {
			return out
		}
	}
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

// orientPlanes turns a decoded JPEG upright sample by sample, plane by
// plane, with no colour conversion, so it reaches the encoder as planes
// too (a portrait phone photo is stored sideways with orientation 6).
// Orientations 5–8 transpose, which turns 4:2:2 into 4:4:0 and back; it
// declines what has no transposed form (4:1:1, 4:1:0) or does not start at
// the origin. For an odd size, chroma may move by half a chroma sample.
func orientPlanes(src *image.YCbCr, orientation int) (*image.YCbCr, bool) {
	ratio, transpose := src.SubsampleRatio, orientation >= 5
	if transpose {
		switch ratio {
		case image.YCbCrSubsampleRatio422:
			ratio = image.YCbCrSubsampleRatio440
		case image.YCbCrSubsampleRatio440:
			ratio = image.YCbCrSubsampleRatio422
		case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		default:
			return nil, false
		}
	}
	if src.Rect.Min != (image.Point{}) {
		return nil, false
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if transpose {
		w, h = h, w
	}
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	movePlane(dst.Y, dst.YStride, w, h, src.Y, src.YStride, orientation)
	cw, ch := dst.CStride, len(dst.Cb)/max(1, dst.CStride)
	movePlane(dst.Cb, dst.CStride, cw, ch, src.Cb, src.CStride, orientation)
	movePlane(dst.Cr, dst.CStride, cw, ch, src.Cr, src.CStride, orientation)
	return dst, true
}

// movePlane fills the w×h plane dst with the samples of src (w×h, or h×w
// when orientation transposes) in upright order. Each destination row is
// one walk through src: along a row for 2–4, down a column for 5–8.
func movePlane(dst []byte, dstStride, w, h int, src []byte, srcStride, orientation int) {
	sw, sh := w, h
	if orientation >= 5 {
		sw, sh = h, w
	}
	for y := range h {
		var j, step int
		switch orientation {
		case 2:
			j, step = y*srcStride+sw-1, -1
		case 3:
			j, step = (sh-1-y)*srcStride+sw-1, -1
		case 4:
			j, step = (sh-1-y)*srcStride, 1
		case 5:
			j, step = y, srcStride
		case 6:
			j, step = (sh-1)*srcStride+y, -srcStride
		case 7:
			j, step = (sh-1)*srcStride+sw-1-y, -srcStride
		case 8:
			j, step = sw-1-y, srcStride
		}
		row := dst[y*dstStride : y*dstStride+w]
		for x := range row {
			row[x] = src[j]
			j += step
		}
	}
}

// shrinkPlanes scales a YCbCr image at the origin down by the whole
// factor k, each sample the mean of a k×k box of its plane (a box at the
// right or bottom edge may be partial), with no colour conversion.
func shrinkPlanes(src *image.YCbCr, k int) *image.YCbCr {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewYCbCr(image.Rect(0, 0, (w+k-1)/k, (h+k-1)/k), src.SubsampleRatio)
	boxPlane(dst.Y, dst.YStride, dst.Rect.Dx(), dst.Rect.Dy(), src.Y, src.YStride, w, h, k)
	// The chroma planes shrink by k too: a chroma sample of dst covers k×k
	// chroma samples of src whatever the subsampling.
	cw, ch := dst.CStride, len(dst.Cb)/max(1, dst.CStride)
	scw, sch := src.COffset(w-1, 0)+1, src.COffset(0, h-1)/src.CStride+1
	boxPlane(dst.Cb, dst.CStride, cw, ch, src.Cb, src.CStride, scw, sch, k)
	boxPlane(dst.Cr, dst.CStride, cw, ch, src.Cr, src.CStride, scw, sch, k)
	return dst
}

// boxPlane fills the w×h plane dst with the means of k×k boxes of the
// sw×sh plane src, clipped to src.
func boxPlane(dst []byte, dstStride, w, h int, src []byte, srcStride, sw, sh, k int) {
	sums := make([]int, w)
	for y := range h {
		clear(sums)
		y0, y1 := min(y*k, sh), min((y+1)*k, sh)
		for sy := y0; sy < y1; sy++ {
			row := src[sy*srcStride : sy*srcStride+sw]
			for x := range sums {
				for _, v := range row[min(x*k, sw):min((x+1)*k, sw)] {
					sums[x] += int(v)
				}
			}
		}
		for x, sum := range sums {
			n := (min((x+1)*k, sw) - min(x*k, sw)) * (y1 - y0)
			if n > 0 {
				dst[y*dstStride+x] = uint8((sum + n/2) / n)
			}
		}
	}
}

// resamplePlanes resizes a YCbCr image at the origin down to w×h plane by
// plane, with the tent filter imaging.Linear uses (as wide as the
// reduction, so every source sample counts).
func resamplePlanes(src *image.YCbCr, w, h int) *image.YCbCr {
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), src.SubsampleRatio)
	resamplePlane(dst.Y, dst.YStride, w, h, src.Y, src.YStride, src.Rect.Dx(), src.Rect.Dy())
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	scw, sch := src.COffset(sw-1, 0)+1, src.COffset(0, sh-1)/src.CStride+1
	cw, ch := dst.CStride, len(dst.Cb)/max(1, dst.CStride)
	resamplePlane(dst.Cb, dst.CStride, cw, ch, src.Cb, src.CStride, scw, sch)
	resamplePlane(dst.Cr, dst.CStride, cw, ch, src.Cr, src.CStride, scw, sch)
	return dst
}

// resamplePlane resizes the sw×sh plane src into the w×h plane dst, rows
// first into an 8-bit intermediate (as imaging does), then columns.
func resamplePlane(dst []byte, dstStride, w, h int, src []byte, srcStride, sw, sh int) {
	tmp := make([]byte, w*sh)
	xs := tentTaps(sw, w)
	for y := range sh {
		row, out := src[y*srcStride:y*srcStride+sw], tmp[y*w:(y+1)*w]
		for x, t := range xs {
			var sum int32
			for i, wt := range t.weights {
				sum += wt * int32(row[t.start+i])
			}
			out[x] = uint8(min(255, (sum+1<<13)>>14))
		}
	}
	acc := make([]int32, w)
	for y, t := range tentTaps(sh, h) {
		clear(acc)
		for i, wt := range t.weights {
			for x, v := range tmp[(t.start+i)*w : (t.start+i+1)*w] {
				acc[x] += wt * int32(v)
			}
		}
		out := dst[y*dstStride : y*dstStride+w]
		for x, sum := range acc {
			out[x] = uint8(min(255, (sum+1<<13)>>14))
		}
	}
}

// taps are the source samples one output sample mixes: weights in 1/16384
// summing to 16384, for the samples from start on.
type taps struct {
	start   int
	weights []int32
}

// tentTaps computes, for scaling n samples down to m, each output's taps
// under a tent filter of radius n/m (at least 1) centred on it.
func tentTaps(n, m int) []taps {
	scale := float64(n) / float64(m)
	radius := max(1, scale)
	out := make([]taps, m)
	for i := range out {
		c := (float64(i)+0.5)*scale - 0.5
		lo, hi := max(0, int(math.Ceil(c-radius))), min(n-1, int(math.Floor(c+radius)))
		ws := make([]float64, hi-lo+1)
		var total float64
		for j := range ws {
			ws[j] = max(0, 1-math.Abs(float64(lo+j)-c)/radius)
			total += ws[j]
		}
		t := taps{start: lo, weights: make([]int32, len(ws))}
		var sum, top int32
		for j, wt := range ws {
			t.weights[j] = int32(wt / total * (1 << 14))
			sum += t.weights[j]
			if t.weights[j] > t.weights[top] {
				top = int32(j)
			}
		}
		t.weights[top] += 1<<14 - sum // rounding: the weights sum to one exactly
		out[i] = t
	}
	return out
}

// fitWithin scales img down so its longest side is at most side; smaller
// images are returned unchanged.
func fitWithin(img image.Image, side int) image.Image {
	b := img.Bounds()
	if b.Dx() <= side && b.Dy() <= side {
		return img
	}
	w, h := fitSize(b, side)
	return scaleDown(img, w, h)
}

// scaleDown scales img down to w×h. A reduction by half or more averages
// boxes of pixels (as good as Lanczos for downscaling, and a third of the
// time in the photo benchmark); a milder one interpolates linearly. A
// decoded JPEG is scaled in its planes (shrinkPlanes, resamplePlanes) with
// no colour conversion, in a fifth of the time imaging takes.
func scaleDown(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	// The smaller whole ratio, so shrinking by it leaves both sides at
	// least w and h.
	reduction := min(b.Dx()/max(1, w), b.Dy()/max(1, h))
	if ycc, ok := img.(*image.YCbCr); ok && b.Min == (image.Point{}) {
		if reduction >= 2 {
			ycc = shrinkPlanes(ycc, reduction)
		}
		return resamplePlanes(ycc, w, h)
	}
	filter := imaging.Linear
	if reduction >= 2 {
		filter = imaging.Box
	}
	return imaging.Resize(img, w, h, filter)
}

// fitSize is the size imaging.Fit gives an image of bounds b fitted within
// side×side: the longest side becomes side, the other keeps the aspect
// ratio, rounded down, at least 1.
func fitSize(b image.Rectangle, side int) (w, h int) {
	ratio := float64(b.Dx()) / float64(b.Dy())
	if ratio > 1 {
		return side, max(1, int(float64(side)/ratio))
	}
	return max(1, int(float64(side)*ratio)), side
}

// encodeJPEG encodes img as a baseline JPEG with libjpeg-turbo (package
// turbojpeg), which writes a JFIF header and no EXIF, XMP, ICC or comment
// segments, so the result carries no metadata at all. Translucent pixels
// are laid on white first.
//
// A decoded JPEG (YCbCr planes) goes to the encoder as it is, with no
// colour conversion on either side; so does any opaque image.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	src := img
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		b := img.Bounds()
		flat := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(flat, flat.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(flat, flat.Bounds(), img, b.Min, draw.Over)
		src = flat
	}
	data, err := turbojpeg.Encode(src, quality)
	if err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return data, nil
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
