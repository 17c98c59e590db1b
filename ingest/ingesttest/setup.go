package ingesttest

import (
	"context"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"
)

// Bucket returns an in-memory media bucket closed when the test ends.
func Bucket(t testing.TB) *blob.Bucket {
	t.Helper()
	b := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// BlobCount returns how many blobs bucket holds.
func BlobCount(ctx context.Context, t testing.TB, b *blob.Bucket) int {
	t.Helper()
	n := 0
	it := b.List(nil)
	for {
		_, err := it.Next(ctx)
		if err != nil {
			break
		}
		n++
	}
	return n
}
