package ingest_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/vikalp/vikalp/ingest"
)

// BenchmarkProcessPhoto2MP runs the photo pipeline (sniff, header checks,
// EXIF, decode, orient, re-encode the derivative, thumbnail) on a
// photo-like 2-megapixel JPEG, the size issue 10's photo scenario uses.
func BenchmarkProcessPhoto2MP(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 1632, 1224))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range 1224 {
		for x := range 1632 {
			n := uint8(rng.IntN(24))
			img.Set(x, y, color.RGBA{uint8(x*200/1632) + n, uint8(y*180/1224) + n, uint8((x+y)*120/2856) + n, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		b.Fatal(err)
	}
	p := ingest.NewPipeline(ingest.MediaConfig{})
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Process(context.Background(), buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
