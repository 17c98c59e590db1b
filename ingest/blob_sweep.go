package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// SweepSummary says what SweepOrphanBlobs did.
type SweepSummary struct {
	Blobs   int // blobs listed under media/
	Orphans int // media prefixes no media row refers to, old enough to go
	Deleted int // blobs deleted
}

// sweepBatch is how many prefixes one database lookup checks.
const sweepBatch = 500

// SweepOrphanBlobs deletes the blobs of media prefixes that no media row
// refers to and whose newest blob is older than minAge. Such blobs are left
// only when a process dies between writing a submission's blobs and
// committing it (inTxWithBlobs removes them after every other failure);
// younger ones may belong to a submission still in flight, so minAge should
// be well above the longest upload (an hour is plenty).
func (s *Service) SweepOrphanBlobs(ctx context.Context, minAge time.Duration) (SweepSummary, error) {
	var sum SweepSummary
	cutoff := s.clock.Now().Add(-minAge)
	keys := map[string][]string{} // prefix → its blob keys
	newest := map[string]time.Time{}
	it := s.bucket.List(&blob.ListOptions{Prefix: "media/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("list media blobs: %w", err)
		}
		sum.Blobs++
		prefix, ok := mediaPrefixOf(obj.Key)
		if !ok {
			continue
		}
		keys[prefix] = append(keys[prefix], obj.Key)
		if obj.ModTime.After(newest[prefix]) {
			newest[prefix] = obj.ModTime
		}
	}
	var old []string
	for prefix, t := range newest {
		if t.Before(cutoff) {
			old = append(old, prefix)
		}
	}
	store := NewMediaStore(s.db)
	for len(old) > 0 {
		batch := old[:min(sweepBatch, len(old))]
		old = old[len(batch):]
		known, err := store.KnownPrefixes(ctx, batch)
		if err != nil {
			return sum, err
		}
		for _, prefix := range batch {
			if known[prefix] {
				continue
			}
			sum.Orphans++
			for _, key := range keys[prefix] {
				if err := s.bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
					return sum, fmt.Errorf("delete orphan blob: %w", err)
				}
				sum.Deleted++
			}
		}
	}
	if sum.Orphans > 0 {
		s.logger.InfoContext(ctx, "Orphan media blobs removed", slog.Int("prefixes", sum.Orphans),
			slog.Int("blobs", sum.Deleted))
	}
	return sum, nil
}

// mediaPrefixOf returns "media/<32 hex>" of a blob key under it.
func mediaPrefixOf(key string) (string, bool) {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) < 3 || parts[0] != "media" || len(parts[1]) != 32 {
		return "", false
	}
	return parts[0] + "/" + parts[1], true
}

// SweepBlobsArgs asks for a sweep of orphan media blobs (a periodic job).
type SweepBlobsArgs struct{}

// Kind implements river.JobArgs.
func (SweepBlobsArgs) Kind() string { return "ingest.sweep_blobs" }

// SweepBlobsWorker runs SweepOrphanBlobs with an hour's grace.
type SweepBlobsWorker struct {
	river.WorkerDefaults[SweepBlobsArgs]
	Service *Service
}

// Work implements river.Worker.
func (w *SweepBlobsWorker) Work(ctx context.Context, _ *river.Job[SweepBlobsArgs]) error {
	_, err := w.Service.SweepOrphanBlobs(ctx, time.Hour)
	return err
}
