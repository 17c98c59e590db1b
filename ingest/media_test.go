package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
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
