package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

// Reasons a moderator may reject a report for.
const (
	RejectSpam        = "spam"
	RejectAbuse       = "abuse"
	RejectNotRelevant = "not_relevant"
	RejectDuplicate   = "duplicate"
)

// MaxRedactions bounds the rectangles blurred on one photo.
const MaxRedactions = 20

// canModerate reports whether p moderates public reports.
func canModerate(p auth.Principal) error {
	if !p.Has(auth.RoleModerator, auth.RoleAdmin) {
		return fmt.Errorf("moderate reports as %s: %w", p.Role, vikalp.ErrForbidden)
	}
	return nil
}

// ModerationQueue lists up to limit (1–100, default 50) reports in status
// (StatusPending by default), oldest first, after the cursor (afterAt,
// afterID). Moderators and admins only.
func (s *Service) ModerationQueue(ctx context.Context, p auth.Principal, status string, afterAt time.Time, afterID int64, limit int) ([]QueuedReport, error) {
	if err := canModerate(p); err != nil {
		return nil, err
	}
	if status == "" {
		status = StatusPending
	}
	if status != StatusPending && status != StatusApproved && status != StatusRejected {
		return nil, vikalp.InvalidField("status", "bad_status", "status must be pending, approved or rejected")
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	return NewReportStore(s.db).Queue(ctx, status, afterAt, afterID, limit)
}

// ModerationReport returns report id as a queue item (any status), for a
// moderator's detail page. Moderators and admins only; a missing or
// imported report is vikalp.ErrNotFound.
func (s *Service) ModerationReport(ctx context.Context, p auth.Principal, id int64) (QueuedReport, error) {
	if err := canModerate(p); err != nil {
		return QueuedReport{}, err
	}
	return NewReportStore(s.db).QueuedReport(ctx, id)
}

// ApproveReport publishes report id: its (redacted) derivatives become
// public. A rejected report may be approved on review; approving twice is a
// no-op. The decision is audited.
func (s *Service) ApproveReport(ctx context.Context, p auth.Principal, id int64) error {
	return s.decide(ctx, p, id, StatusApproved, nil)
}

// RejectReport withdraws report id from publication for reason (spam,
// abuse, not_relevant or duplicate). The decision is audited.
func (s *Service) RejectReport(ctx context.Context, p auth.Principal, id int64, reason string) error {
	switch reason {
	case RejectSpam, RejectAbuse, RejectNotRelevant, RejectDuplicate:
	default:
		return vikalp.InvalidField("reason", "bad_reason", "reason must be spam, abuse, not_relevant or duplicate")
	}
	return s.decide(ctx, p, id, StatusRejected, &reason)
}

// decide moves report id to status in one audited transaction.
func (s *Service) decide(ctx context.Context, p auth.Principal, id int64, status string, reason *string) error {
	if err := canModerate(p); err != nil {
		return err
	}
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewReportStore(tx)
		current, err := store.LockStatus(ctx, id)
		if err != nil {
			return err
		}
		if current == status && status == StatusApproved {
			return nil
		}
		if err := store.SetStatus(ctx, id, status, reason, p.UserID, s.now()); err != nil {
			return err
		}
		if err := s.recordModeration(ctx, tx, p, id, status, reason); err != nil {
			return err
		}
		detail := map[string]any{"from": current}
		if reason != nil {
			detail["reason"] = *reason
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "report."+status, "report", id, detail))
		return err
	})
	if err != nil {
		return fmt.Errorf("moderate report %d: %w", id, err)
	}
	return nil
}

// RedactPhoto blurs rects (fractions of the photo) on photo n of report id.
// The rectangles replace any earlier ones; an empty list removes the
// redaction. The public derivative and thumbnail are re-rendered from the
// clean derivative, so redacting twice never compounds. Audited.
func (s *Service) RedactPhoto(ctx context.Context, p auth.Principal, id int64, n int, rects []Rect) error {
	if err := canModerate(p); err != nil {
		return err
	}
	if len(rects) > MaxRedactions {
		return vikalp.InvalidField("rects", "too_many", fmt.Sprintf("blur at most %d areas a photo", MaxRedactions))
	}
	for _, r := range rects {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	batch := &blobBatch{bucket: s.bucket}
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		return s.redactInTx(ctx, tx, batch, p, id, n, rects)
	})
	if err != nil {
		_ = batch.discard(ctx)
		return fmt.Errorf("redact photo %d of report %d: %w", n, id, err)
	}
	return nil
}

// redactInTx renders and records one redaction.
func (s *Service) redactInTx(ctx context.Context, tx pgx.Tx, batch *blobBatch, p auth.Principal, id int64, n int, rects []Rect) error {
	reports, media := NewReportStore(tx), NewMediaStore(tx)
	if _, err := reports.LockStatus(ctx, id); err != nil {
		return err
	}
	mediaID, err := reports.PhotoMedia(ctx, id, n)
	if err != nil {
		return err
	}
	m, err := media.Media(ctx, mediaID)
	if err != nil {
		return err
	}
	if (m.RedactedAt != nil || len(rects) == 0) && rectsHash(m.Redactions) == rectsHash(rects) {
		return nil // unchanged: same rectangles already applied, or none to remove
	}
	var at *time.Time
	if len(rects) > 0 {
		if err := s.renderRedaction(ctx, batch, m, rects); err != nil {
			return err
		}
		now := s.now()
		at = &now
	}
	if err := media.SetRedactions(ctx, mediaID, rects, at); err != nil {
		return err
	}
	_, err = auth.Append(ctx, tx, auth.EntryBy(p, "report.photo_redacted", "report", id,
		map[string]any{"photo": n, "media_id": mediaID, "areas": len(rects)}))
	return err
}

// renderRedaction writes the redacted derivative and thumbnail of m.
func (s *Service) renderRedaction(ctx context.Context, batch *blobBatch, m Media, rects []Rect) error {
	clean, err := s.readVariant(ctx, Media{ID: m.ID, BlobPrefix: m.BlobPrefix}, VariantDerivative)
	if err != nil {
		return err
	}
	img, err := s.pipeline.decode(ctx, clean, TypeJPEG)
	if err != nil {
		return fmt.Errorf("decode derivative of media %d: %w", m.ID, err)
	}
	red := redact(img, rects)
	full, err := encodeJPEG(red, s.cfg.Media.JPEGQuality)
	if err != nil {
		return err
	}
	thumb, err := encodeJPEG(fitWithin(red, s.cfg.Media.ThumbnailSide), s.cfg.Media.JPEGQuality)
	if err != nil {
		return err
	}
	if err := batch.put(ctx, blobKey(m.BlobPrefix, VariantRedacted, rects), full, TypeJPEG); err != nil {
		return err
	}
	return batch.put(ctx, blobKey(m.BlobPrefix, VariantRedThumb, rects), thumb, TypeJPEG)
}

// ModerationPhoto returns a rendering of photo n of report id for a
// moderator: the clean derivative (to choose what to blur), the redacted
// one, or either thumbnail.
func (s *Service) ModerationPhoto(ctx context.Context, p auth.Principal, id int64, n int, v Variant) ([]byte, error) {
	if err := canModerate(p); err != nil {
		return nil, err
	}
	if err := v.validate(); err != nil {
		return nil, err
	}
	mediaID, err := NewReportStore(s.db).PhotoMedia(ctx, id, n)
	if err != nil {
		return nil, err
	}
	m, err := NewMediaStore(s.db).Media(ctx, mediaID)
	if err != nil {
		return nil, err
	}
	return s.readVariant(ctx, m, v)
}
