package ingest

import (
	"context"
	"fmt"
)

// ReportStatus returns what the holder of a report's code may see about it:
// status, category, district, whether it joined an earlier report and how
// many photos are public. Never the point, the text or any EXIF. An unknown
// or malformed code is vikalp.ErrNotFound or a user-safe ErrInvalid.
func (s *Service) ReportStatus(ctx context.Context, code string) (PublicReport, error) {
	c, err := parseCode(code, reportCodePrefix)
	if err != nil {
		return PublicReport{}, err
	}
	return NewReportStore(s.db).PublicByCode(ctx, c)
}

// PublicPhoto returns photo n (1…) of the report with code as anyone may see
// it: only when the report is approved, and then the redacted rendering
// when a moderator blurred parts of it. thumb selects the thumbnail. The
// bytes are a metadata-free JPEG. Anything else is vikalp.ErrNotFound.
func (s *Service) PublicPhoto(ctx context.Context, code string, n int, thumb bool) ([]byte, error) {
	c, err := parseCode(code, reportCodePrefix)
	if err != nil {
		return nil, err
	}
	mediaID, err := NewReportStore(s.db).ApprovedPhotoMedia(ctx, c, n)
	if err != nil {
		return nil, err
	}
	m, err := NewMediaStore(s.db).Media(ctx, mediaID)
	if err != nil {
		return nil, err
	}
	v := VariantRedacted
	if thumb {
		v = VariantRedThumb
	}
	data, err := s.readVariant(ctx, m, v)
	if err != nil {
		return nil, fmt.Errorf("public photo %d: %w", n, err)
	}
	return data, nil
}
