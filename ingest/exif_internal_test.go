package ingest

import (
	"encoding/binary"
	"runtime"
	"testing"
)

// TestEXIFHugeClaimIsRefused: a tag that claims more bytes than its block
// holds makes the block unreadable (zero facts) instead of making go-exif
// allocate what it claims. A 60-byte upload once asked for gigabytes.
func TestEXIFHugeClaimIsRefused(t *testing.T) {
	le := binary.LittleEndian
	tiff := []byte("II*\x00")
	tiff = le.AppendUint32(tiff, 8) // IFD0 right after the header
	tiff = le.AppendUint16(tiff, 2) // two entries
	// Make (0x010F), ASCII, claiming 1 GiB at offset 38.
	tiff = le.AppendUint16(tiff, 0x010F)
	tiff = le.AppendUint16(tiff, 2)
	tiff = le.AppendUint32(tiff, 1<<30)
	tiff = le.AppendUint32(tiff, 38)
	// Orientation 6, inline: a fact the block would give if it were trusted.
	tiff = le.AppendUint16(tiff, tagOrientation)
	tiff = le.AppendUint16(tiff, 3)
	tiff = le.AppendUint32(tiff, 1)
	tiff = le.AppendUint32(tiff, 6)
	tiff = le.AppendUint32(tiff, 0) // no next IFD
	tiff = append(tiff, "Vikalp\x00"...)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, ok := collectEXIF(tiff)
	runtime.ReadMemStats(&after)
	if ok {
		t.Error("a block with a tag claiming 1 GiB was accepted")
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading a %d-byte block allocated %d MiB", len(tiff), grew>>20)
	}
}
