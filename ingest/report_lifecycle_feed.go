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

// FeedEntry is one public-safe change of an approved report in an area
// feed: what happened, when, to which category, and where only as a
// k-anonymous cell (never a point, text, photo or actor).
type FeedEntry struct {
	Code       string    `db:"code"`
	Kind       string    `db:"kind"` // approved, action_taken, fixed, closed, reopened
	ReasonCode string    `db:"reason_code"`
	At         time.Time `db:"at"`
	Category   Category  `db:"category"`
	DistrictEN string    `db:"district_en"`
	DistrictHI string    `db:"district_hi"`
	// Cell is the entry's k-anonymous position: the report's r8, r7 or r5
	// cell, the first with at least Config.PublicMinReports distinct
	// approved reports. Entries without such a cell are not in the feed.
	Cell int64 `db:"public_cell"`
}

// feedLimit bounds an area feed.
const feedLimit = 200

// DistrictFeed returns the newest public changes (approval, action taken,
// fixed, closed, reopened) of approved reports in district id, newest
// first, each k-anonymous exactly as the public Open311 listing: an entry
// is left out when its report's area holds fewer than k distinct approved
// reports. Only approved reports are read, so a pending report, a
// complaint, or a report in a cell below k changes nothing in it. An
// unknown district is vikalp.ErrNotFound.
func (s *Service) DistrictFeed(ctx context.Context, districtID int) ([]FeedEntry, error) {
	store := NewReportStore(s.db)
	if err := store.CheckDistrict(ctx, districtID); err != nil {
		return nil, err
	}
	return store.DistrictFeed(ctx, districtID, s.cfg.PublicMinReports, feedLimit)
}

// ExportQuery filters a staff export of raw reports.
type ExportQuery struct {
	Status   string // pending, approved, rejected or "" for all
	Category Category
	From, To *time.Time // received between, nil for open ends
}

// ExportedReport is one raw report in a staff export: exact position and
// text included (staff only), never photos or EXIF.
type ExportedReport struct {
	ID           int64      `db:"id"`
	Code         string     `db:"code"`
	Source       string     `db:"source"`
	Status       string     `db:"status"`
	Outcome      string     `db:"outcome"`
	Category     Category   `db:"category"`
	Text         string     `db:"body"`
	HappeningNow bool       `db:"happening_now"`
	OccurredAt   *time.Time `db:"occurred_at"`
	ReceivedAt   time.Time  `db:"received_at"`
	Lat          float64    `db:"lat"`
	Lon          float64    `db:"lon"`
	DistrictID   int        `db:"district_id"`
	DistrictEN   string     `db:"district_en"`
	StationID    *int64     `db:"station_id"`
	PCRUnitID    *int64     `db:"pcr_unit_id"`
}

// exportLimit bounds one export; narrow the filter for more.
const exportLimit = 50000

// ExportReports returns the raw reports q selects within p's area
// (moderators and admins: the state; PCR: its unit or district; station:
// its station; nodal and SP: their district) and writes one audit entry
// with the format and the filter, never the content, in the same
// transaction. Other roles get vikalp.ErrForbidden.
func (s *Service) ExportReports(ctx context.Context, p auth.Principal, q ExportQuery, format string) ([]ExportedReport, error) {
	if err := canWorkReports(p); err != nil {
		return nil, err
	}
	switch q.Status {
	case "", StatusPending, StatusApproved, StatusRejected:
	default:
		return nil, vikalp.InvalidField("status", "bad_status", "status must be pending, approved or rejected")
	}
	var out []ExportedReport
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if out, err = NewReportStore(tx).Export(ctx, p.Scope, q, exportLimit); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "report.exported", "", 0, map[string]any{
			"format": format, "scope": p.Scope.String(), "status": q.Status, "category": string(q.Category),
			"from": q.From, "to": q.To, "rows": len(out)}))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export reports: %w", err)
	}
	return out, nil
}
