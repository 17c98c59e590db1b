package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// DashboardStore answers the queue and monitoring queries.
type DashboardStore struct{ db pg.DBTX }

// NewDashboardStore returns a DashboardStore on db (a pool or a transaction).
func NewDashboardStore(db pg.DBTX) *DashboardStore { return &DashboardStore{db: db} }

// scopedSQL is the complaints visible to a Visibility ($1 station, $2 district).
const scopedSQL = `SELECT * FROM complaints
	WHERE ($1::bigint IS NULL OR station_id = $1) AND ($2::int IS NULL OR district_id = $2)`

const queueSQL = `WITH scoped AS (` + scopedSQL + `)
	SELECT c.id, c.code, c.status, c.category, c.district_id, c.station_id, c.confidential, c.created_at,
		c.atr_due_at, c.sla_stage,
		(SELECT a.status FROM atrs a WHERE a.complaint_id = c.id AND a.status IN ('draft', 'submitted')) AS atr_status,
		EXISTS (SELECT 1 FROM complaint_directions d
			WHERE d.complaint_id = c.id AND d.answered_at IS NULL AND d.to_role = $8) AS open_direction
	FROM scoped c
	WHERE ($3::int IS NULL OR c.district_id = $3)
	  AND CASE WHEN $4::text = '' THEN c.status NOT IN ('closed', 'withdrawn') ELSE c.status = $4::text END
	  AND (NOT $5::bool OR (c.status IN ('assigned', 'atr_draft', 'escalated') AND c.atr_due_at < $6))
	  AND (NOT $9::bool OR (SELECT r.rating FROM ratings r WHERE r.complaint_id = c.id ORDER BY r.id DESC LIMIT 1)
		= 'DISSATISFIED')
	ORDER BY open_direction DESC, c.atr_due_at NULLS LAST, c.id
	LIMIT $7`

// Queue returns complaints visible to v that match f: those with an open
// direction to addressee first, then soonest deadline first.
func (s *DashboardStore) Queue(ctx context.Context, v Visibility, f QueueFilter, now time.Time,
	addressee Addressee) ([]QueueItem, error) {
	items, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByNameLax[QueueItem], queueSQL, v.StationID, v.DistrictID,
		f.DistrictID, string(f.Status), f.Overdue, now, f.Limit, string(addressee), f.Dissatisfied)
	if err != nil {
		return nil, fmt.Errorf("list complaint queue: %w", err)
	}
	return items, nil
}

const districtStatsSQL = `WITH scoped AS (` + scopedSQL + `),
	counts AS (
		SELECT c.district_id, count(*) AS total,
			count(*) FILTER (WHERE c.status NOT IN ('closed', 'withdrawn')) AS open,
			count(*) FILTER (WHERE c.status IN ('assigned', 'atr_draft', 'escalated') AND c.atr_due_at < $3) AS overdue,
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM atrs a WHERE a.complaint_id = c.id AND a.status = 'submitted'))
				AS awaiting_vetting,
			count(*) FILTER (WHERE c.status IN ('dissatisfied', 'legal_review')) AS legal_review
		FROM scoped c GROUP BY c.district_id),
	rated AS (
		SELECT c.district_id, count(*) AS ratings, count(*) FILTER (WHERE r.rating = 'DISSATISFIED') AS dissatisfied
		FROM ratings r JOIN scoped c ON c.id = r.complaint_id GROUP BY c.district_id)
	SELECT d.id AS district_id, d.name_en, d.name_hi, n.total, n.open, n.overdue, n.awaiting_vetting,
		n.legal_review, COALESCE(r.ratings, 0) AS ratings, COALESCE(r.dissatisfied, 0) AS dissatisfied
	FROM counts n JOIN districts d ON d.id = n.district_id LEFT JOIN rated r ON r.district_id = n.district_id
	ORDER BY d.name_en`

// Districts returns per-district counts for the complaints v can see.
func (s *DashboardStore) Districts(ctx context.Context, v Visibility, now time.Time) ([]DistrictStats, error) {
	ds, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByNameLax[DistrictStats], districtStatsSQL, v.StationID,
		v.DistrictID, now)
	if err != nil {
		return nil, fmt.Errorf("count complaints by district: %w", err)
	}
	return ds, nil
}

// SLAStats are the deadline figures behind the dashboard.
type SLAStats struct {
	Met           int      `db:"met"`
	Missed        int      `db:"missed"`
	MedianSeconds *float64 `db:"median_seconds"`
}

// An ATR answers the deadline stored with it (atrs.due_at); a deadline that
// passed with no ATR published is missed too.
const slaStatsSQL = `WITH scoped AS (` + scopedSQL + `),
	pub AS (SELECT a.* FROM atrs a JOIN scoped c ON c.id = a.complaint_id WHERE a.status = 'published')
	SELECT
		(SELECT count(*) FROM pub WHERE due_at IS NOT NULL AND published_at <= due_at) AS met,
		(SELECT count(*) FROM pub WHERE due_at IS NOT NULL AND published_at > due_at)
		  + (SELECT count(*) FROM scoped
		     WHERE status IN ('assigned', 'atr_draft', 'escalated') AND atr_due_at < $3) AS missed,
		(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_at - c.created_at))
		   FROM (SELECT complaint_id, min(published_at) AS first_at FROM pub GROUP BY complaint_id) f
		   JOIN scoped c ON c.id = f.complaint_id) AS median_seconds`

// SLA returns deadline compliance and the median time to the first ATR.
func (s *DashboardStore) SLA(ctx context.Context, v Visibility, now time.Time) (SLAStats, error) {
	rows, _ := s.db.Query(ctx, slaStatsSQL, v.StationID, v.DistrictID, now)
	st, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[SLAStats])
	if err != nil {
		return SLAStats{}, fmt.Errorf("compute sla stats: %w", pg.Interpret(err))
	}
	return st, nil
}

// directionStatsSQL counts the unanswered directions on open complaints v
// can see, and those past their reply-by time ($4, the ATR window, stands
// in for a missing due_at).
const directionStatsSQL = `WITH scoped AS (` + scopedSQL + `)
	SELECT count(*) AS open,
		count(*) FILTER (WHERE COALESCE(d.due_at, d.created_at + $4::interval) < $3) AS overdue
	FROM complaint_directions d JOIN scoped c ON c.id = d.complaint_id
	WHERE d.answered_at IS NULL AND c.status NOT IN ('closed', 'withdrawn')`

// Directions returns how many directions are open, and overdue at now, on
// the complaints v can see.
func (s *DashboardStore) Directions(ctx context.Context, v Visibility, now time.Time, window time.Duration) (open, overdue int, _ error) {
	if err := s.db.QueryRow(ctx, directionStatsSQL, v.StationID, v.DistrictID, now, window).Scan(&open, &overdue); err != nil {
		return 0, 0, fmt.Errorf("count directions: %w", pg.Interpret(err))
	}
	return open, overdue, nil
}
