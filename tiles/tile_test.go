package tiles

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// TestTileGzippedReusesWriters checks that tiles compressed one after
// another through the writer pool come out byte for byte as a new writer
// compresses them, and decompress to their data (read back by the standard
// library's reader, as a browser's would).
func TestTileGzippedReusesWriters(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i, n := range []int{1, 700, 40_000, 3, 250_000} {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(rng.IntN(16)) // compressible, like MVT varints
		}
		got := (&Tile{Data: data}).Gzipped()
		var want bytes.Buffer
		zw, err := kgzip.NewWriterLevel(&want, kgzip.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("tile %d (%d bytes): pooled writer wrote %d bytes, a new one %d", i, n, len(got), want.Len())
		}
		zr, err := gzip.NewReader(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		back, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(back, data) {
			t.Errorf("tile %d: decompressed %d bytes (err %v), want %d", i, len(back), err, n)
		}
	}
}
