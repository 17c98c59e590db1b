package ingest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

const districtExistsSQL = `SELECT id FROM districts WHERE id = $1`

// CheckDistrict returns vikalp.ErrNotFound unless district id exists.
func (s *ReportStore) CheckDistrict(ctx context.Context, id int) error {
	if _, err := pg.QueryOne(ctx, s.db, pgx.RowTo[int], districtExistsSQL, id); err != nil {
		return fmt.Errorf("district %d: %w", id, err)
	}
	return nil
}

// districtFeedSQL lists public events of approved reports in district $1
// with their k-anonymous cell (k = $2), dropping those without one, newest
// first. Only approved reports are read, and the cell counts read approved
// reports only, so nothing the public may not see reaches the feed, not
// even through a count or an ordering (ties are broken by the report code
// and the kind, not by sequence ids that other rows consume).
var districtFeedSQL = `SELECT * FROM (
	SELECT r.code, e.kind, e.reason_code, e.at, r.category, d.name_en AS district_en, d.name_hi AS district_hi,
		` + publicCellSQL("$2") + ` AS public_cell
	FROM report_events e JOIN reports r ON r.id = e.report_id JOIN districts d ON d.id = r.district_id
	WHERE e.public AND r.status = 'approved' AND r.district_id = $1 AND r.code IS NOT NULL
		AND e.kind IN ('approved', 'action_taken', 'fixed', 'closed', 'reopened')
) f WHERE public_cell <> 0
ORDER BY at DESC, code, kind
LIMIT $3`

// DistrictFeed returns district id's feed entries (see districtFeedSQL).
func (s *ReportStore) DistrictFeed(ctx context.Context, id, k, limit int) ([]FeedEntry, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[FeedEntry], districtFeedSQL, id, k, limit)
	if err != nil {
		return nil, fmt.Errorf("list feed of district %d: %w", id, err)
	}
	return list, nil
}

// exportSQL selects raw reports in a scope ($1 kind, $2 id), filtered by
// status, category and received time; imported reports included.
const exportSQL = `SELECT r.id, COALESCE(r.code, '') AS code, r.source, r.status, COALESCE(r.outcome, '') AS outcome,
	r.category, r.body, r.happening_now, r.occurred_at, r.received_at, ST_Y(r.geom) AS lat, ST_X(r.geom) AS lon,
	r.district_id, d.name_en AS district_en, r.station_id, r.pcr_unit_id
FROM reports r JOIN districts d ON d.id = r.district_id
WHERE CASE $1::text WHEN 'state' THEN true WHEN 'district' THEN r.district_id = $2
		WHEN 'station' THEN r.station_id = $2 WHEN 'pcr' THEN r.pcr_unit_id = $2 ELSE false END
	AND ($3::text = '' OR r.status = $3) AND ($4::text = '' OR r.category = $4)
	AND ($5::timestamptz IS NULL OR r.received_at >= $5) AND ($6::timestamptz IS NULL OR r.received_at <= $6)
ORDER BY r.received_at, r.id
LIMIT $7`

// Export returns the raw reports of scope matching q, oldest first, at
// most limit.
func (s *ReportStore) Export(ctx context.Context, scope auth.Scope, q ExportQuery, limit int) ([]ExportedReport, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ExportedReport], exportSQL, string(scope.Kind),
		scope.ID, q.Status, string(q.Category), q.From, q.To, limit)
	if err != nil {
		return nil, fmt.Errorf("export reports: %w", err)
	}
	return list, nil
}
