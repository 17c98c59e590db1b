package turbojpeg

import (
	"fmt"
	"image"
)

// DefaultMaxPixels bounds the pixels Decode accepts when DecodeOptions sets
// no MaxPixels.
const DefaultMaxPixels = 40_000_000

// DecodeOptions shape a decode. The zero value decodes at full size with
// DefaultMaxPixels.
type DecodeOptions struct {
	// MinSide, when above 0, lets the decoder scale down in the DCT by the
	// smallest of TurboJPEG's factors (7/8, 3/4, … 1/8) that keeps the
	// longest side at least MinSide. The caller resizes the rest of the way.
	MinSide int
	// MaxPixels refuses a JPEG whose header declares more pixels, before
	// any pixel memory is allocated.
	MaxPixels int
}

// ReadHeader reads the frame header of a JPEG without decoding its pixels.
func ReadHeader(data []byte) (Header, error) {
	d, err := newDecompressor()
	if err != nil {
		return Header{}, err
	}
	defer d.close()
	return d.header(data)
}

// Decode decodes a baseline or progressive JPEG into an *image.YCbCr with
// the file's own subsampling, or an *image.Gray for a grayscale file. The
// image's bounds start at (0, 0). A truncated or damaged file is an error;
// a CMYK, YCCK or RGB one is ErrUnsupported.
func Decode(data []byte, o DecodeOptions) (image.Image, error) {
	d, err := newDecompressor()
	if err != nil {
		return nil, err
	}
	defer d.close()
	hdr, err := d.header(data)
	if err != nil {
		return nil, err
	}
	if err := checkDecodable(hdr, o.MaxPixels); err != nil {
		return nil, err
	}
	f := scaleFor(hdr.Width, hdr.Height, o.MinSide)
	w, h := f.scaled(hdr.Width), f.scaled(hdr.Height)
	if hdr.Subsampling == SubGray {
		return decodeGray(d, data, w, h)
	}
	return decodeYCbCr(d, data, w, h, hdr.Subsampling)
}

// checkDecodable refuses what Decode does not turn into planes, and more
// pixels than maxPixels (DefaultMaxPixels when 0).
func checkDecodable(hdr Header, maxPixels int) error {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if hdr.Width <= 0 || hdr.Height <= 0 || int64(hdr.Width)*int64(hdr.Height) > int64(maxPixels) {
		return fmt.Errorf("turbojpeg: %dx%d pixels exceed the limit of %d", hdr.Width, hdr.Height, maxPixels)
	}
	switch hdr.ColorSpace {
	case YCbCr:
		if subsampleRatio(hdr.Subsampling) < 0 {
			return fmt.Errorf("%w: subsampling %d", ErrUnsupported, hdr.Subsampling)
		}
	case Gray:
		if hdr.Subsampling != SubGray {
			return fmt.Errorf("%w: gray with subsampling %d", ErrUnsupported, hdr.Subsampling)
		}
	default:
		return fmt.Errorf("%w: colour space %d", ErrUnsupported, hdr.ColorSpace)
	}
	return nil
}

// scaleFor picks the scaling factor that makes a w×h image smallest while
// its longest side stays at least minSide (1/1 when minSide ≤ 0).
func scaleFor(w, h, minSide int) scalingFactor {
	best := scalingFactor{1, 1}
	if minSide <= 0 {
		return best
	}
	long := max(w, h)
	for _, f := range scalingFactors() {
		if s := f.scaled(long); s >= minSide && s < best.scaled(long) {
			best = f
		}
	}
	return best
}

func decodeGray(d decompressor, data []byte, w, h int) (*image.Gray, error) {
	pw, ph, err := planeLayout(0, w, h, SubGray)
	if err != nil {
		return nil, err
	}
	pix := make([]byte, pw*ph)
	if err := d.decodePlanes(data, pix, nil, nil, pw, 0, w, h); err != nil {
		return nil, err
	}
	return &image.Gray{Pix: pix, Stride: pw, Rect: image.Rect(0, 0, w, h)}, nil
}

// decodeYCbCr decodes into planes laid out as TurboJPEG pads them; Go's
// image.YCbCr reads only within Rect, so the padding is harmless.
func decodeYCbCr(d decompressor, data []byte, w, h int, sub Subsampling) (*image.YCbCr, error) {
	yw, yh, err := planeLayout(0, w, h, sub)
	if err != nil {
		return nil, err
	}
	cw, ch, err := planeLayout(1, w, h, sub)
	if err != nil {
		return nil, err
	}
	img := &image.YCbCr{
		Y: make([]byte, yw*yh), Cb: make([]byte, cw*ch), Cr: make([]byte, cw*ch),
		YStride: yw, CStride: cw, SubsampleRatio: subsampleRatio(sub), Rect: image.Rect(0, 0, w, h),
	}
	if err := d.decodePlanes(data, img.Y, img.Cb, img.Cr, yw, cw, w, h); err != nil {
		return nil, err
	}
	return img, nil
}

// subsampleRatio maps a colour subsampling to Go's name for it, or -1.
func subsampleRatio(s Subsampling) image.YCbCrSubsampleRatio {
	switch s {
	case Sub444:
		return image.YCbCrSubsampleRatio444
	case Sub422:
		return image.YCbCrSubsampleRatio422
	case Sub420:
		return image.YCbCrSubsampleRatio420
	case Sub440:
		return image.YCbCrSubsampleRatio440
	case Sub411:
		return image.YCbCrSubsampleRatio411
	}
	return -1
}
