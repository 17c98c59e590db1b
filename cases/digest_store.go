package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// DigestStore reads the digest counts and writes supervisor_digests.
type DigestStore struct{ db pg.DBTX }

// NewDigestStore returns a DigestStore on db (a pool or a transaction).
func NewDigestStore(db pg.DBTX) *DigestStore { return &DigestStore{db: db} }

// prevDigestsSQL is each scope's latest digest before day $1, keyed by
// district id (0 for the state).
const prevDigestsSQL = `SELECT DISTINCT ON (COALESCE(district_id, 0)) COALESCE(district_id, 0) AS k, period_end
	FROM supervisor_digests WHERE day < $1::date ORDER BY COALESCE(district_id, 0), day DESC`

// The counts are as of $2: overdue as the dashboard counts it; awaiting
// vetting, an ATR submitted to the nodal officer; directions open, the
// unanswered directions of open complaints; dissatisfied, open complaints
// whose latest rating is DISSATISFIED. New complaints are those filed in
// the district's window (its previous digest's end, or 24 h, up to $2).
const districtDigestSQL = `WITH prev AS (` + prevDigestsSQL + `),
	win AS (
		SELECT d.id AS district_id,
			LEAST(COALESCE(p.period_end, $2::timestamptz - interval '24 hours'), $2::timestamptz) AS period_start
		FROM districts d LEFT JOIN prev p ON p.k = d.id),
	fresh AS (
		SELECT c.district_id, count(*) AS n FROM complaints c JOIN win w ON w.district_id = c.district_id
		WHERE c.created_at >= w.period_start AND c.created_at < $2 GROUP BY c.district_id),
	open AS (
		SELECT c.district_id,
			count(*) FILTER (WHERE c.status IN ('assigned', 'atr_draft', 'escalated') AND c.atr_due_at < $2) AS overdue,
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM atrs a WHERE a.complaint_id = c.id AND a.status = 'submitted'))
				AS vetting,
			count(*) FILTER (WHERE (SELECT r.rating FROM ratings r WHERE r.complaint_id = c.id ORDER BY r.id DESC LIMIT 1)
				= 'DISSATISFIED') AS dissatisfied
		FROM complaints c WHERE c.status NOT IN ('closed', 'withdrawn') GROUP BY c.district_id),
	dir AS (
		SELECT c.district_id, count(*) AS n FROM complaint_directions x JOIN complaints c ON c.id = x.complaint_id
		WHERE x.answered_at IS NULL AND c.status NOT IN ('closed', 'withdrawn') GROUP BY c.district_id)
	SELECT w.district_id, w.period_start, COALESCE(f.n, 0) AS new_complaints, COALESCE(o.overdue, 0) AS overdue_atrs,
		COALESCE(o.vetting, 0) AS awaiting_vetting, COALESCE(x.n, 0) AS directions_open,
		COALESCE(o.dissatisfied, 0) AS dissatisfied_open
	FROM win w LEFT JOIN fresh f ON f.district_id = w.district_id LEFT JOIN open o ON o.district_id = w.district_id
		LEFT JOIN dir x ON x.district_id = w.district_id
	ORDER BY w.district_id`

// DistrictCounts returns every district's digest counts for day at now.
func (s *DigestStore) DistrictCounts(ctx context.Context, day, now time.Time) ([]Digest, error) {
	ds, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByNameLax[Digest], districtDigestSQL, day, now)
	if err != nil {
		return nil, fmt.Errorf("count digests by district: %w", err)
	}
	return ds, nil
}

const stateWindowSQL = `WITH prev AS (` + prevDigestsSQL + `),
	w AS (SELECT LEAST(COALESCE((SELECT period_end FROM prev WHERE k = 0), $2::timestamptz - interval '24 hours'),
		$2::timestamptz) AS period_start)
	SELECT w.period_start, (SELECT count(*) FROM complaints c WHERE c.created_at >= w.period_start AND c.created_at < $2)
	FROM w`

// StateNew returns the state digest's window start for day at now and the
// complaints filed in it.
func (s *DigestStore) StateNew(ctx context.Context, day, now time.Time) (time.Time, int, error) {
	var start time.Time
	var n int
	if err := s.db.QueryRow(ctx, stateWindowSQL, day, now).Scan(&start, &n); err != nil {
		return time.Time{}, 0, fmt.Errorf("count new complaints of the state: %w", pg.Interpret(err))
	}
	return start, n, nil
}

const digestColumns = `id, day, scope_kind, district_id, period_start, period_end, new_complaints, overdue_atrs,
	awaiting_vetting, directions_open, dissatisfied_open, created_at`

// insertDigestsSQL inserts the day's digests that do not exist yet and
// returns only those it inserted.
const insertDigestsSQL = `INSERT INTO supervisor_digests (day, scope_kind, district_id, period_start, period_end,
		new_complaints, overdue_atrs, awaiting_vetting, directions_open, dissatisfied_open, created_at)
	SELECT $1::date, scope_kind, district_id, period_start, $2, new_complaints, overdue_atrs, awaiting_vetting,
		directions_open, dissatisfied_open, $2
	FROM unnest($3::text[], $4::int[], $5::timestamptz[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[])
		AS d(scope_kind, district_id, period_start, new_complaints, overdue_atrs, awaiting_vetting, directions_open,
			dissatisfied_open)
	ON CONFLICT (day, scope_kind, (COALESCE(district_id, 0))) DO NOTHING
	RETURNING ` + digestColumns

// InsertNew stores the digests of day made at now, skipping scopes that
// already have one that day, and returns the ones it stored.
func (s *DigestStore) InsertNew(ctx context.Context, day, now time.Time, ds []Digest) ([]Digest, error) {
	n := len(ds)
	kinds, districts, starts := make([]string, n), make([]*int, n), make([]time.Time, n)
	fresh, overdue, vetting, dirs, dis := make([]int, n), make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	for i, d := range ds {
		kinds[i], districts[i], starts[i] = d.ScopeKind, d.DistrictID, d.PeriodStart
		fresh[i], overdue[i], vetting[i] = d.NewComplaints, d.OverdueATRs, d.AwaitingVetting
		dirs[i], dis[i] = d.DirectionsOpen, d.DissatisfiedOpen
	}
	out, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Digest], insertDigestsSQL, day, now, kinds, districts,
		starts, fresh, overdue, vetting, dirs, dis)
	if err != nil {
		return nil, fmt.Errorf("insert digests: %w", err)
	}
	return out, nil
}

const latestDigestSQL = `SELECT ` + digestColumns + ` FROM supervisor_digests
	WHERE scope_kind = $1 AND COALESCE(district_id, 0) = COALESCE($2::int, 0)
	ORDER BY day DESC LIMIT 1`

// Latest returns the newest digest of a scope (districtID nil: the state),
// or ErrNotFound before the first.
func (s *DigestStore) Latest(ctx context.Context, scopeKind string, districtID *int) (Digest, error) {
	rows, _ := s.db.Query(ctx, latestDigestSQL, scopeKind, districtID)
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Digest])
	if err != nil {
		return Digest{}, fmt.Errorf("get latest digest: %w", pg.Interpret(err))
	}
	return d, nil
}
