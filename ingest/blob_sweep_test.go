package ingest_test

import (
	"testing"
	"time"

	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// Blobs a killed process left without a media row are swept once old
// enough; a stored report's blobs and young orphans stay.
func TestSweepOrphanBlobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "groping",
		Photos: [][]byte{photoAt(t, testkit.Lucknow)}}); err != nil {
		t.Fatal(err)
	}
	orphan := "media/0123456789abcdef0123456789abcdef"
	for _, name := range []string{"/original.sealed", "/derivative.jpg", "/thumb.jpg"} {
		if err := b.bucket.WriteAll(b.ctx, orphan+name, []byte("left behind"), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.bucket.WriteAll(b.ctx, "exports/keep.csv", []byte("not media"), nil); err != nil {
		t.Fatal(err)
	}

	sum, err := b.svc.SweepOrphanBlobs(b.ctx, time.Hour)
	if err != nil || sum.Orphans != 0 || sum.Deleted != 0 {
		t.Fatalf("young orphan swept: %+v, %v", sum, err)
	}
	sum, err = b.svc.SweepOrphanBlobs(b.ctx, -time.Minute) // everything counts as old
	if err != nil {
		t.Fatal(err)
	}
	if sum.Blobs != 6 || sum.Orphans != 1 || sum.Deleted != 3 {
		t.Errorf("sweep %+v, want 6 media blobs listed, 1 orphan prefix, 3 deleted", sum)
	}
	if n := ingesttest.BlobCount(b.ctx, t, b.bucket); n != 4 {
		t.Errorf("%d blobs left, want the report's 3 and the export", n)
	}
	if ok, _ := b.bucket.Exists(b.ctx, orphan+"/original.sealed"); ok {
		t.Error("orphan original still there")
	}
}
