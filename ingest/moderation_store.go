package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// QueuedReport is a report as a moderator sees it: everything but the
// original photos and their EXIF.
type QueuedReport struct {
	ID             int64
	Code           string
	Status         string
	Category       Category
	Text           string
	HappeningNow   bool
	OccurredAt     *time.Time
	ReceivedAt     time.Time
	LocationSource string
	Location       orb.Point // lon/lat; staff-only
	DistrictID     int
	DistrictEN     string
	DuplicateOf    *int64
	AlsoReported   int
	Photos         []QueuedPhoto
}

// QueuedPhoto describes one photo of a queued report.
type QueuedPhoto struct {
	N        int    `json:"n"`
	MediaID  int64  `json:"media_id"`
	Width    int    `json:"width"`  // of the derivative
	Height   int    `json:"height"` // of the derivative
	Redacted bool   `json:"redacted"`
	Rects    []Rect `json:"rects"`
}

// queueSQL lists reports of one status, oldest first, with their photos as
// JSON. reports_pending_idx serves the pending queue.
const queuedSelectSQL = `
SELECT r.id, r.code, r.status, r.category, r.body, r.happening_now, r.occurred_at, r.received_at,
	r.location_source, ST_AsBinary(r.geom), r.district_id, d.name_en, r.duplicate_of, r.also_reported,
	COALESCE((SELECT json_agg(json_build_object('n', rm.n, 'media_id', m.id, 'width', m.derivative_width,
		'height', m.derivative_height, 'redacted', m.redacted_at IS NOT NULL, 'rects', m.redactions) ORDER BY rm.n)
		FROM report_media rm JOIN media m ON m.id = rm.media_id WHERE rm.report_id = r.id), '[]')
FROM reports r JOIN districts d ON d.id = r.district_id`

const queueSQL = queuedSelectSQL + `
WHERE r.status = $1 AND r.source <> 'import' AND (r.received_at, r.id) > ($2, $3)
ORDER BY r.received_at, r.id
LIMIT $4`

// queuedReportSQL reads one report as the queue shows it; imported reports
// are not moderated and are not found.
const queuedReportSQL = queuedSelectSQL + `
WHERE r.id = $1 AND r.source <> 'import'`

// Queue lists up to limit reports in status, oldest first, after the
// report received at afterAt with id afterID (zero values start at the
// beginning).
func (s *ReportStore) Queue(ctx context.Context, status string, afterAt time.Time, afterID int64, limit int) ([]QueuedReport, error) {
	list, err := pg.QueryAll(ctx, s.db, scanQueued, queueSQL, status, afterAt, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list %s reports: %w", status, err)
	}
	return list, nil
}

// QueuedReport reads report id as the moderation queue shows it, whatever
// its status, or vikalp.ErrNotFound (imported reports included).
func (s *ReportStore) QueuedReport(ctx context.Context, id int64) (QueuedReport, error) {
	q, err := pg.QueryOne(ctx, s.db, scanQueued, queuedReportSQL, id)
	if err != nil {
		return QueuedReport{}, fmt.Errorf("read report %d: %w", id, err)
	}
	return q, nil
}

func scanQueued(row pgx.CollectableRow) (QueuedReport, error) {
	var q QueuedReport
	var cat string
	err := row.Scan(&q.ID, &q.Code, &q.Status, &cat, &q.Text, &q.HappeningNow, &q.OccurredAt, &q.ReceivedAt,
		&q.LocationSource, wkb.Scanner(&q.Location), &q.DistrictID, &q.DistrictEN, &q.DuplicateOf,
		&q.AlsoReported, &q.Photos)
	q.Category = Category(cat)
	return q, err
}

const lockReportSQL = `SELECT status FROM reports WHERE id = $1 AND source <> 'import' FOR UPDATE`

// LockStatus locks report id for the transaction and returns its status,
// or vikalp.ErrNotFound. Imported reports are not moderated.
func (s *ReportStore) LockStatus(ctx context.Context, id int64) (string, error) {
	var status string
	if err := s.db.QueryRow(ctx, lockReportSQL, id).Scan(&status); err != nil {
		return "", fmt.Errorf("lock report %d: %w", id, pg.Interpret(err))
	}
	return status, nil
}

const setReportStatusSQL = `
UPDATE reports SET status = $2, reject_reason = $3, moderated_by = $4, moderated_at = $5 WHERE id = $1`

// SetStatus records a moderation decision on report id.
func (s *ReportStore) SetStatus(ctx context.Context, id int64, status string, reason *string, by int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, setReportStatusSQL, id, status, reason, by, at); err != nil {
		return fmt.Errorf("set status of report %d: %w", id, pg.Interpret(err))
	}
	return nil
}
