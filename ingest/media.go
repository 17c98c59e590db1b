package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"slices"

	"golang.org/x/image/webp"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/turbojpeg"
)

// Content types accepted for photos. Anything else is refused, whatever the
// file is called: the type is read from the bytes, never from the name.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
)

// MediaConfig bounds uploads and shapes derivatives. Zero fields take the
// defaults.
type MediaConfig struct {
	MaxBytes       int64 // per photo (10 MiB)
	MaxPixels      int   // width × height declared in the header (40 MP)
	DerivativeSide int   // longest side of the served derivative (2048)
	ThumbnailSide  int   // longest side of the thumbnail (320)
	JPEGQuality    int   // derivative and thumbnail quality (85)
	// MaxDecodes bounds concurrent full decodes, each of which may need
	// 4 bytes per pixel of memory (2).
	MaxDecodes int
}

func (c MediaConfig) withDefaults() MediaConfig {
	if c.MaxBytes <= 0 {
		c.MaxBytes = 10 << 20
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = 40_000_000
	}
	if c.DerivativeSide <= 0 {
		c.DerivativeSide = 2048
	}
	if c.ThumbnailSide <= 0 {
		c.ThumbnailSide = 320
	}
	if c.JPEGQuality <= 0 || c.JPEGQuality > 100 {
		c.JPEGQuality = 85
	}
	if c.MaxDecodes <= 0 {
		c.MaxDecodes = 2
	}
	return c
}

// Pipeline turns an uploaded photo into what Vikalp stores: its SHA-256, its
// EXIF facts, an upright metadata-free derivative and a thumbnail. It checks
// the type from the content and the size from the header before decoding.
type Pipeline struct {
	cfg   MediaConfig
	slots chan struct{}
}

// NewPipeline returns a Pipeline with cfg (defaults for zero fields).
func NewPipeline(cfg MediaConfig) *Pipeline {
	cfg = cfg.withDefaults()
	return &Pipeline{cfg: cfg, slots: make(chan struct{}, cfg.MaxDecodes)}
}

// Config returns the pipeline's effective configuration.
func (p *Pipeline) Config() MediaConfig { return p.cfg }

// ProcessedPhoto is what the pipeline made of one upload. Original holds the
// uploaded bytes, to be sealed for evidence and never served.
type ProcessedPhoto struct {
	SHA256           [32]byte
	ContentType      string // TypeJPEG, TypePNG or TypeWebP
	Bytes            int
	Width, Height    int // of the original, as stored (before orientation)
	EXIF             EXIFFacts
	Derivative       []byte // JPEG, upright, longest side ≤ DerivativeSide, no metadata
	DerivativeWidth  int
	DerivativeHeight int
	Thumbnail        []byte // JPEG, longest side ≤ ThumbnailSide, no metadata
	Original         []byte
}

// Process validates data and builds the derivative and thumbnail. Refusals
// are user-safe vikalp.ErrInvalid errors on field "photos": empty, too many
// bytes, not JPEG/PNG/WebP by content, too many pixels by the header (so a
// decompression bomb is never decoded), or undecodable.
func (p *Pipeline) Process(ctx context.Context, data []byte) (ProcessedPhoto, error) {
	ct, cfg, err := p.inspect(data)
	if err != nil {
		return ProcessedPhoto{}, err
	}
	out := ProcessedPhoto{SHA256: sha256.Sum256(data), ContentType: ct, Bytes: len(data),
		Width: cfg.Width, Height: cfg.Height, Original: data, EXIF: readEXIF(data, ct)}
	// A JPEG larger than the derivative is decoded already scaled down in
	// the DCT (shrink-on-load), to no less than the derivative's side.
	img, err := p.decodeAtLeast(ctx, data, ct, p.cfg.DerivativeSide)
	if err != nil {
		return ProcessedPhoto{}, err
	}
	deriv := p.derivative(img, cfg.Width, cfg.Height, out.EXIF.Orientation)
	if out.Derivative, err = encodeJPEG(deriv, p.cfg.JPEGQuality); err != nil {
		return ProcessedPhoto{}, err
	}
	b := deriv.Bounds()
	out.DerivativeWidth, out.DerivativeHeight = b.Dx(), b.Dy()
	if out.Thumbnail, err = p.thumbnail(deriv, out.Derivative); err != nil {
		return ProcessedPhoto{}, err
	}
	return out, nil
}

// derivative turns a decoded upload of w×h pixels upright and fits it
// within DerivativeSide. The size comes from w×h rather than from img,
// whose sides shrink-on-load rounded up: a 5003×1001 photo decoded at half
// size is 2502×501, yet its derivative is 2048×409 as it has always been.
// Should the header's w×h fit while the pixels do not, the pixels decide.
func (p *Pipeline) derivative(img image.Image, w, h, orientation int) image.Image {
	img = orient(img, orientation)
	if orientation >= 5 {
		w, h = h, w
	}
	side, b := p.cfg.DerivativeSide, img.Bounds()
	if b.Dx() <= side && b.Dy() <= side {
		return img
	}
	if w <= side && h <= side {
		w, h = b.Dx(), b.Dy()
	}
	fw, fh := fitSize(image.Rect(0, 0, w, h), side)
	return scaleDown(img, fw, fh)
}

// thumbnail scales the derivative down to ThumbnailSide. A derivative that
// already fits is its own thumbnail: encoding it again would give the same
// bytes.
func (p *Pipeline) thumbnail(deriv image.Image, derivJPEG []byte) ([]byte, error) {
	b := deriv.Bounds()
	if b.Dx() <= p.cfg.ThumbnailSide && b.Dy() <= p.cfg.ThumbnailSide {
		return slices.Clone(derivJPEG), nil
	}
	return encodeJPEG(fitWithin(deriv, p.cfg.ThumbnailSide), p.cfg.JPEGQuality)
}

// inspect checks size, sniffed type and declared pixel count without
// decoding the image data.
func (p *Pipeline) inspect(data []byte) (string, image.Config, error) {
	if len(data) == 0 {
		return "", image.Config{}, photoError("photo_empty", "a photo is empty")
	}
	if int64(len(data)) > p.cfg.MaxBytes {
		return "", image.Config{}, photoError("photo_too_large",
			fmt.Sprintf("each photo may be at most %d MiB", p.cfg.MaxBytes>>20))
	}
	ct := SniffType(data)
	if ct == "" {
		return "", image.Config{}, photoError("photo_type", "photos must be JPEG, PNG or WebP images")
	}
	cfg, err := decodeConfig(data, ct)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return "", image.Config{}, errCorruptPhoto
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(p.cfg.MaxPixels) {
		return "", image.Config{}, photoError("photo_too_many_pixels",
			fmt.Sprintf("a photo may have at most %d megapixels", p.cfg.MaxPixels/1_000_000))
	}
	return ct, cfg, nil
}

// decode fully decodes an inspected image, at most MaxDecodes at a time.
func (p *Pipeline) decode(ctx context.Context, data []byte, ct string) (image.Image, error) {
	return p.decodeAtLeast(ctx, data, ct, 0)
}

// decodeAtLeast decodes an inspected image, at most MaxDecodes at a time.
// A JPEG may come out scaled down, its longest side still at least minSide
// (0: full size); PNG and WebP always come out at full size.
func (p *Pipeline) decodeAtLeast(ctx context.Context, data []byte, ct string, minSide int) (image.Image, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.slots }()
	var img image.Image
	var err error
	switch ct {
	case TypeJPEG:
		img, err = p.decodeJPEG(data, minSide)
	case TypePNG:
		img, err = png.Decode(bytes.NewReader(data))
	case TypeWebP:
		img, err = webp.Decode(bytes.NewReader(data))
	}
	if err != nil || img == nil {
		return nil, errCorruptPhoto
	}
	return img, nil
}

// decodeJPEG decodes with libjpeg-turbo (package turbojpeg). What it does
// not take (CMYK, YCCK and RGB-coded files, rare subsamplings) and what it
// warns about (truncated or damaged data) goes to image/jpeg, which decides
// as it always has: a truncated file is refused by both, while the stray
// bytes some cameras leave between segments are accepted, at Go's speed.
func (p *Pipeline) decodeJPEG(data []byte, minSide int) (image.Image, error) {
	img, err := turbojpeg.Decode(data, turbojpeg.DecodeOptions{MinSide: minSide, MaxPixels: p.cfg.MaxPixels})
	if err == nil {
		return img, nil
	}
	return jpeg.Decode(bytes.NewReader(data))
}

// SniffType returns TypeJPEG, TypePNG or TypeWebP from the leading bytes of
// data (http.DetectContentType's signatures), or "" for anything else.
func SniffType(data []byte) string {
	switch ct := http.DetectContentType(data); ct {
	case TypeJPEG, TypePNG, TypeWebP:
		return ct
	}
	return ""
}

// decodeConfig reads only the header of an image of type ct.
func decodeConfig(data []byte, ct string) (image.Config, error) {
	r := bytes.NewReader(data)
	switch ct {
	case TypeJPEG:
		return jpeg.DecodeConfig(r)
	case TypePNG:
		return png.DecodeConfig(r)
	case TypeWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("unsupported type %q", ct)
}

var errCorruptPhoto = photoError("photo_corrupt", "a photo could not be read; it may be damaged or incomplete")

// photoError is a user-safe refusal of an uploaded photo.
func photoError(code, message string) error {
	return vikalp.InvalidField("photos", code, message)
}
