package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/internal/pg"
)

// Retention defaults (docs/SECURITY.md, "Retention").
const (
	DefaultRetentionRejected  = 90 * 24 * time.Hour      // after moderation
	DefaultRetentionOriginals = 3 * 365 * 24 * time.Hour // after upload
)

// purgeBatch is how many reports or originals one purge transaction takes.
const purgeBatch = 200

// RetentionConfig says how long what is kept. Zero fields take the defaults.
type RetentionConfig struct {
	// Rejected is how long a rejected public report (rows and blobs) is kept
	// after its moderation decision.
	Rejected time.Duration
	// Originals is the legal hold on sealed photo originals of reports and
	// tips, from upload. The derivative, the thumbnail and the SHA-256 stay;
	// media.original_purged_at says when the original went.
	Originals time.Duration
}

func (c RetentionConfig) withDefaults() RetentionConfig {
	if c.Rejected <= 0 {
		c.Rejected = DefaultRetentionRejected
	}
	if c.Originals <= 0 {
		c.Originals = DefaultRetentionOriginals
	}
	return c
}

// PurgeSummary counts what a purge removed (or, dry, would remove). It
// holds counts only, never contents, and is what the audit log records.
type PurgeSummary struct {
	Reports        int // rejected reports deleted
	ReportPhotos   int // their photos (media rows and every blob)
	Relinked       int // surviving reports whose duplicate link moved
	SubmissionKeys int // Idempotency-Keys of the deleted reports
	Originals      int // sealed originals deleted past the legal hold
	OriginalsHeld  int // tip originals past the hold kept for an open lead
	BlobErrors     int // blobs of deleted rows not deleted (the sweeper retries)
}

// Purge applies the retention policy cfg at the clock's time: it deletes
// rejected public reports moderated longer ago than cfg.Rejected, with
// their photos, Idempotency-Keys and blobs, and the sealed originals of
// report and tip photos uploaded longer ago than cfg.Originals, except
// those of tips in an open lead. Complaints are never touched. Each
// transaction is audited with its counts ("retention.purged"), a run that
// found nothing with zeros. With dryRun it only counts and changes nothing.
func (s *Service) Purge(ctx context.Context, cfg RetentionConfig, dryRun bool) (PurgeSummary, error) {
	cfg = cfg.withDefaults()
	now := s.now()
	rejectedBefore, originalsBefore := now.Add(-cfg.Rejected), now.Add(-cfg.Originals)
	if dryRun {
		return NewRetentionStore(s.db).Count(ctx, rejectedBefore, originalsBefore)
	}
	var sum PurgeSummary
	for {
		n, err := s.purgeRejectedBatch(ctx, rejectedBefore, &sum)
		if err != nil {
			return sum, err
		}
		if n < purgeBatch {
			break
		}
	}
	for {
		n, err := s.purgeOriginalsBatch(ctx, originalsBefore, &sum)
		if err != nil {
			return sum, err
		}
		if n < purgeBatch {
			break
		}
	}
	held, err := NewRetentionStore(s.db).OriginalsHeld(ctx, originalsBefore)
	if err != nil {
		return sum, err
	}
	sum.OriginalsHeld = held
	if sum.Reports == 0 && sum.Originals == 0 {
		if err := s.auditPurge(ctx, s.db, "nothing", rejectedBefore, originalsBefore, nil); err != nil {
			return sum, err
		}
	}
	if sum.Reports > 0 || sum.Originals > 0 || sum.BlobErrors > 0 {
		s.logger.InfoContext(ctx, "Retention purge done", slog.Int("reports", sum.Reports),
			slog.Int("report_photos", sum.ReportPhotos), slog.Int("originals", sum.Originals),
			slog.Int("originals_held", sum.OriginalsHeld), slog.Int("blob_errors", sum.BlobErrors))
	}
	return sum, nil
}

// purgeRejectedBatch deletes one batch of rejected reports in a
// transaction and then their blobs, returning how many reports it took.
func (s *Service) purgeRejectedBatch(ctx context.Context, before time.Time, sum *PurgeSummary) (int, error) {
	var p RejectedPurge
	var picked int
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewRetentionStore(tx)
		ids, err := store.LockRejected(ctx, before, purgeBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		picked = len(ids)
		if p, err = store.DeleteReports(ctx, ids); err != nil {
			return err
		}
		keys, err := idem.NewStore(tx).DeleteEntities(ctx, idem.KindReport, ids)
		if err != nil {
			return err
		}
		p.SubmissionKeys = int(keys)
		return s.auditPurge(ctx, tx, "rejected_reports", before, time.Time{}, map[string]any{
			"reports": p.Reports, "photos": p.Photos, "relinked": p.Relinked, "submission_keys": p.SubmissionKeys})
	})
	if err != nil {
		return 0, fmt.Errorf("purge rejected reports: %w", err)
	}
	sum.Reports += p.Reports
	sum.ReportPhotos += p.Photos
	sum.Relinked += p.Relinked
	sum.SubmissionKeys += p.SubmissionKeys
	// Blobs go only after the rows are committed away: a report is never
	// left pointing at a deleted photo. A blob that cannot be deleted now
	// has no media row any more, so it is an orphan that the blob sweeper
	// (blob_sweep.go, SweepOrphanBlobs) removes on a later run.
	for _, b := range p.blobs {
		if err := s.deletePrefix(ctx, b.Prefix); err != nil {
			sum.BlobErrors++
			s.logger.WarnContext(ctx, "Blobs of a purged report left for the sweeper",
				slog.Int64("media_id", b.ID), slog.String("error", err.Error()))
		}
	}
	return picked, nil
}

// purgeOriginalsBatch deletes one batch of sealed originals past the
// hold, returning how many it took.
//
// Unlike a purged report's, the blob goes inside the transaction, before
// the marker: the media row stays, so the sweeper would never find an
// original left behind. A failed deletion rolls the batch back and the
// next run tries again; a commit that fails after the deletion leaves an
// unmarked row whose original is gone, which the next run re-selects and
// marks (deleting a missing blob is not an error). So original_purged_at is
// set only once the original is gone for certain.
func (s *Service) purgeOriginalsBatch(ctx context.Context, before time.Time, sum *PurgeSummary) (int, error) {
	var marked, picked int
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewRetentionStore(tx)
		due, err := store.LockOriginalsDue(ctx, before, purgeBatch)
		if err != nil || len(due) == 0 {
			return err
		}
		picked = len(due)
		ids := make([]int64, len(due))
		for i, m := range due {
			if err := s.deleteBlob(ctx, blobKey(m.Prefix, variantOriginal, nil)); err != nil {
				return fmt.Errorf("delete original of media %d: %w", m.ID, err)
			}
			ids[i] = m.ID
		}
		if marked, err = store.MarkOriginalsPurged(ctx, ids, s.now()); err != nil {
			return err
		}
		return s.auditPurge(ctx, tx, "originals", time.Time{}, before, map[string]any{"originals": marked})
	})
	if err != nil {
		return 0, fmt.Errorf("purge originals: %w", err)
	}
	sum.Originals += marked
	return picked, nil
}

// auditPurge appends one "retention.purged" entry: what was purged, the
// cutoffs and counts (never contents). The system is the actor.
func (s *Service) auditPurge(ctx context.Context, db pg.DBTX, what string, rejectedBefore, originalsBefore time.Time, counts map[string]any) error {
	detail := map[string]any{"what": what}
	if !rejectedBefore.IsZero() {
		detail["rejected_before"] = rejectedBefore.Format(time.RFC3339)
	}
	if !originalsBefore.IsZero() {
		detail["originals_before"] = originalsBefore.Format(time.RFC3339)
	}
	for k, v := range counts {
		detail[k] = v
	}
	if _, err := auth.Append(ctx, db, auth.Entry{Action: "retention.purged", Detail: detail}); err != nil {
		return fmt.Errorf("audit purge: %w", err)
	}
	return nil
}

// deletePrefix deletes every blob under a media prefix: the original,
// derivative, thumbnail and any redacted renderings.
func (s *Service) deletePrefix(ctx context.Context, prefix string) error {
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix + "/"})
	var errs []error
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("list blobs: %w", err)
		}
		if err := s.deleteBlob(ctx, obj.Key); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deleteBlob deletes one blob; one already gone is not an error.
func (s *Service) deleteBlob(ctx context.Context, key string) error {
	if err := s.bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("delete blob: %w", err)
	}
	return nil
}

// PurgeArgs asks for a retention purge (a daily periodic job). It carries
// the policy so the worker needs no configuration of its own.
type PurgeArgs struct {
	Rejected  time.Duration `json:"rejected"`
	Originals time.Duration `json:"originals"`
}

// Kind implements river.JobArgs.
func (PurgeArgs) Kind() string { return "ingest.purge" }

// PurgeWorker runs Purge with the job's policy.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	Service *Service
}

// Timeout implements river.Worker: a first purge after a long outage may
// delete many blobs, well past the default job timeout.
func (w *PurgeWorker) Timeout(*river.Job[PurgeArgs]) time.Duration { return 30 * time.Minute }

// Work implements river.Worker.
func (w *PurgeWorker) Work(ctx context.Context, job *river.Job[PurgeArgs]) error {
	_, err := w.Service.Purge(ctx, RetentionConfig{Rejected: job.Args.Rejected, Originals: job.Args.Originals}, false)
	return err
}
