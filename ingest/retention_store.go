package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// RetentionStore runs the retention purge's queries on the reports,
// report_media and media tables, reads analytics' leads and lead_members
// (never writing them) to hold tips' originals, and counts report keys in
// submission_keys (written by package internal/idem) for a dry run.
type RetentionStore struct{ db pg.DBTX }

// NewRetentionStore returns a RetentionStore on db (a pool or a transaction).
func NewRetentionStore(db pg.DBTX) *RetentionStore { return &RetentionStore{db: db} }

// purgedBlobs is one media row's id and blob prefix.
type purgedBlobs struct {
	ID     int64  `db:"id"`
	Prefix string `db:"blob_prefix"`
}

// lockRejectedSQL picks rejected reports moderated before the cutoff.
// SKIP LOCKED leaves a report a moderator is deciding on right now (its
// LockStatus holds the row) to the next run.
const lockRejectedSQL = `
SELECT id FROM reports
WHERE status = 'rejected' AND moderated_at < $1
ORDER BY id LIMIT $2
FOR UPDATE SKIP LOCKED`

// LockRejected locks up to limit rejected reports moderated before cutoff
// for the transaction and returns their ids.
func (s *RetentionStore) LockRejected(ctx context.Context, cutoff time.Time, limit int) ([]int64, error) {
	ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int64], lockRejectedSQL, cutoff, limit)
	if err != nil {
		return nil, fmt.Errorf("lock rejected reports: %w", err)
	}
	return ids, nil
}

// uncountDuplicatesSQL lowers the "also reported" count of the standing
// reports that doomed duplicates were linked to, keeping also_reported equal
// to the number of reports that link to a report.
const uncountDuplicatesSQL = `
UPDATE reports r SET also_reported = GREATEST(r.also_reported - d.n, 0)
FROM (SELECT duplicate_of, count(*) AS n FROM reports
	WHERE id = ANY($1) AND duplicate_of IS NOT NULL GROUP BY duplicate_of) d
WHERE r.id = d.duplicate_of AND NOT r.id = ANY($1)`

// relinkDuplicatesSQL re-links the reports that point at a doomed report
// (duplicate_of), which would otherwise break the foreign key: the earliest
// surviving one becomes the standing report, as if the doomed report had
// never been filed, and the others link to it. Links are one level deep
// (only standing reports are linked to), and every other linker has a
// larger id than the heir, so CHECK (duplicate_of < id) holds.
const relinkDuplicatesSQL = `
WITH heirs AS (
	SELECT duplicate_of AS old, min(id) AS heir, count(*) AS n FROM reports
	WHERE duplicate_of = ANY($1) AND NOT id = ANY($1)
	GROUP BY duplicate_of)
UPDATE reports r
SET duplicate_of = CASE WHEN r.id = h.heir THEN NULL ELSE h.heir END,
	also_reported = CASE WHEN r.id = h.heir THEN h.n - 1 ELSE r.also_reported END
FROM heirs h
WHERE r.duplicate_of = h.old AND NOT r.id = ANY($1)`

// reportMediaSQL lists the photos of the doomed reports.
const reportMediaSQL = `
SELECT m.id, m.blob_prefix FROM report_media rm JOIN media m ON m.id = rm.media_id
WHERE rm.report_id = ANY($1) ORDER BY m.id`

// Deleting children first; reports last in one statement, so a doomed
// report linked to another doomed report goes with it (foreign keys are
// checked at the end of the statement).
const (
	deleteReportMediaSQL    = `DELETE FROM report_media WHERE report_id = ANY($1)`
	deleteMediaSQL          = `DELETE FROM media WHERE id = ANY($1)`
	deleteRejectedReportSQL = `DELETE FROM reports WHERE id = ANY($1) AND status = 'rejected'`
)

// RejectedPurge is what DeleteReports removed.
type RejectedPurge struct {
	Reports        int
	Photos         int
	Relinked       int // surviving reports whose duplicate link moved
	SubmissionKeys int // their Idempotency-Keys (deleted by purgeRejectedBatch, package idem)
	blobs          []purgedBlobs
}

// DeleteReports deletes the reports ids (locked by LockRejected in the same
// transaction) with their photos' rows, re-linking the
// reports that were duplicates of them. It returns the blob prefixes to
// delete once the transaction commits.
func (s *RetentionStore) DeleteReports(ctx context.Context, ids []int64) (RejectedPurge, error) {
	var p RejectedPurge
	if _, err := s.db.Exec(ctx, uncountDuplicatesSQL, ids); err != nil {
		return p, fmt.Errorf("uncount duplicates: %w", pg.Interpret(err))
	}
	tag, err := s.db.Exec(ctx, relinkDuplicatesSQL, ids)
	if err != nil {
		return p, fmt.Errorf("relink duplicates: %w", pg.Interpret(err))
	}
	p.Relinked = int(tag.RowsAffected())
	if p.blobs, err = pg.QueryAll(ctx, s.db, pgx.RowToStructByName[purgedBlobs], reportMediaSQL, ids); err != nil {
		return p, fmt.Errorf("list photos of rejected reports: %w", err)
	}
	mediaIDs := make([]int64, len(p.blobs))
	for i, b := range p.blobs {
		mediaIDs[i] = b.ID
	}
	p.Photos = len(mediaIDs)
	steps := []struct {
		sql  string
		args []int64
		n    *int
	}{{deleteReportMediaSQL, ids, nil}, {deleteMediaSQL, mediaIDs, nil},
		{deleteRejectedReportSQL, ids, &p.Reports}}
	for _, st := range steps {
		tag, err := s.db.Exec(ctx, st.sql, st.args)
		if err != nil {
			return p, fmt.Errorf("purge rejected reports: %w", pg.Interpret(err))
		}
		if st.n != nil {
			*st.n = int(tag.RowsAffected())
		}
	}
	return p, nil
}

// originalsDueSQL selects sealed originals uploaded before the cutoff that
// may go: photos of public reports, and photos of tips that are in no open
// lead (analytics' leads; every status but 'closed' is open). Photos of
// anything else (complaints included) are never selected: retention is an
// allow-list. SKIP LOCKED leaves a row a key rotation is updating.
const originalsDueSQL = `
SELECT m.id, m.blob_prefix FROM media m
WHERE m.original_purged_at IS NULL AND m.created_at < $1
	AND (EXISTS (SELECT 1 FROM report_media rm WHERE rm.media_id = m.id)
		OR EXISTS (SELECT 1 FROM tip_media tm WHERE tm.media_id = m.id
			AND NOT EXISTS (SELECT 1 FROM lead_members lm JOIN leads l ON l.id = lm.lead_id
				WHERE lm.tip_id = tm.tip_id AND l.status <> 'closed')))
ORDER BY m.id LIMIT $2
FOR UPDATE OF m SKIP LOCKED`

// leadRelinkLockKey is analytics' relink lock (leadLockKey "VIKLEADS" in
// leads/store.go): held until the transaction ends, no tip joins a
// lead between the check above and the purge.
const leadRelinkLockKey int64 = 0x56494B4C45414453

const leadRelinkLockSQL = `SELECT pg_advisory_xact_lock($1)`

// LockOriginalsDue takes the lead relink lock and locks up to limit media
// rows whose originals are due (see originalsDueSQL).
func (s *RetentionStore) LockOriginalsDue(ctx context.Context, cutoff time.Time, limit int) ([]purgedBlobs, error) {
	if _, err := s.db.Exec(ctx, leadRelinkLockSQL, leadRelinkLockKey); err != nil {
		return nil, fmt.Errorf("lock leads: %w", pg.Interpret(err))
	}
	due, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[purgedBlobs], originalsDueSQL, cutoff, limit)
	if err != nil {
		return nil, fmt.Errorf("select originals due: %w", err)
	}
	return due, nil
}

const markOriginalsPurgedSQL = `
UPDATE media SET original_purged_at = $2 WHERE id = ANY($1) AND original_purged_at IS NULL`

// MarkOriginalsPurged records that the originals of media ids are gone.
func (s *RetentionStore) MarkOriginalsPurged(ctx context.Context, ids []int64, at time.Time) (int, error) {
	tag, err := s.db.Exec(ctx, markOriginalsPurgedSQL, ids, at)
	if err != nil {
		return 0, fmt.Errorf("mark originals purged: %w", pg.Interpret(err))
	}
	return int(tag.RowsAffected()), nil
}

// retentionCountSQL counts what a purge would do now, for --dry-run. It
// repeats the selections above without locking anything.
const retentionCountSQL = `
WITH doomed AS (SELECT id, duplicate_of FROM reports WHERE status = 'rejected' AND moderated_at < $1),
old AS (SELECT m.id, rm.report_id, tm.tip_id FROM media m
	LEFT JOIN report_media rm ON rm.media_id = m.id
	LEFT JOIN tip_media tm ON tm.media_id = m.id
	WHERE m.original_purged_at IS NULL AND m.created_at < $2
		AND (rm.media_id IS NOT NULL OR tm.media_id IS NOT NULL)),
held AS (SELECT id FROM old WHERE tip_id IS NOT NULL AND EXISTS (SELECT 1 FROM lead_members lm
	JOIN leads l ON l.id = lm.lead_id WHERE lm.tip_id = old.tip_id AND l.status <> 'closed'))
SELECT
	(SELECT count(*) FROM doomed),
	(SELECT count(*) FROM report_media WHERE report_id IN (SELECT id FROM doomed)),
	(SELECT count(*) FROM reports WHERE duplicate_of IN (SELECT id FROM doomed)
		AND id NOT IN (SELECT id FROM doomed)),
	(SELECT count(*) FROM submission_keys WHERE kind = 'report' AND entity_id IN (SELECT id FROM doomed)),
	(SELECT count(*) FROM old WHERE report_id IS NULL OR report_id NOT IN (SELECT id FROM doomed))
		- (SELECT count(*) FROM held),
	(SELECT count(*) FROM held)`

// Count says what a purge with these cutoffs would remove now, changing
// nothing. Originals of reports about to be deleted whole are counted
// with the reports' photos, not as originals.
func (s *RetentionStore) Count(ctx context.Context, rejectedBefore, originalsBefore time.Time) (PurgeSummary, error) {
	var sum PurgeSummary
	err := s.db.QueryRow(ctx, retentionCountSQL, rejectedBefore, originalsBefore).Scan(&sum.Reports,
		&sum.ReportPhotos, &sum.Relinked, &sum.SubmissionKeys, &sum.Originals, &sum.OriginalsHeld)
	if err != nil {
		return sum, fmt.Errorf("count purge: %w", pg.Interpret(err))
	}
	return sum, nil
}

// originalsHeldSQL counts tip originals past the hold kept because their
// tip is in an open lead.
const originalsHeldSQL = `
SELECT count(*) FROM media m JOIN tip_media tm ON tm.media_id = m.id
WHERE m.original_purged_at IS NULL AND m.created_at < $1
	AND EXISTS (SELECT 1 FROM lead_members lm JOIN leads l ON l.id = lm.lead_id
		WHERE lm.tip_id = tm.tip_id AND l.status <> 'closed')`

// OriginalsHeld counts the tip originals older than cutoff kept because a
// lead holding their tip is open.
func (s *RetentionStore) OriginalsHeld(ctx context.Context, cutoff time.Time) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, originalsHeldSQL, cutoff).Scan(&n); err != nil {
		return 0, fmt.Errorf("count held originals: %w", pg.Interpret(err))
	}
	return n, nil
}
