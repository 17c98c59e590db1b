package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// QualityStore reads the facts behind the ATR quality figures: the ATRs,
// complaints and ratings of a reader's scope, and the names of the units.
type QualityStore struct{ db pg.DBTX }

// NewQualityStore returns a QualityStore on db (a pool or a transaction).
func NewQualityStore(db pg.DBTX) *QualityStore { return &QualityStore{db: db} }

// qualityScope is the complaints a quality reader may aggregate ($1
// station, $2 district, $3 filed since, $4 whether confidential complaints
// count: only for state-wide readers, ARCHITECTURE §6).
const qualityScope = `($1::bigint IS NULL OR c.station_id = $1) AND ($2::int IS NULL OR c.district_id = $2)
	AND c.created_at >= $3 AND (NOT c.confidential OR $4::bool)`

// qualityATR is one submitted ATR with its complaint's place. Text is read
// only to be shingled and is never kept, logged or returned.
type qualityATR struct {
	ID          int64     `db:"id"`
	ComplaintID int64     `db:"complaint_id"`
	Code        Code      `db:"code"`
	Complaint   Status    `db:"complaint_status"`
	DistrictID  int       `db:"district_id"`
	StationID   int64     `db:"station_id"`
	DraftedBy   *int64    `db:"drafted_by"`
	Status      ATRStatus `db:"status"`
	SubmittedAt time.Time `db:"submitted_at"`
	Text        string    `db:"text"`
}

// Ordered by station and submission, the order near-copies are found in.
const qualityATRsSQL = `SELECT a.id, a.complaint_id, c.code, c.status AS complaint_status, c.district_id,
		c.station_id, a.drafted_by, a.status, a.submitted_at, a.text
	FROM atrs a JOIN complaints c ON c.id = a.complaint_id
	WHERE ` + qualityScope + ` AND a.submitted_at IS NOT NULL
	ORDER BY c.station_id, a.submitted_at, a.id`

// ATRs returns the submitted ATRs of the complaints in scope.
func (s *QualityStore) ATRs(ctx context.Context, v Visibility, since time.Time, confidential bool) ([]qualityATR, error) {
	atrs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[qualityATR], qualityATRsSQL, v.StationID,
		v.DistrictID, since, confidential)
	if err != nil {
		return nil, fmt.Errorf("list atrs for quality: %w", err)
	}
	return atrs, nil
}

// qualityComplaint is one complaint's timing and escalation facts.
type qualityComplaint struct {
	ID               int64      `db:"id"`
	Code             Code       `db:"code"`
	Status           Status     `db:"status"`
	DistrictID       int        `db:"district_id"`
	StationID        int64      `db:"station_id"`
	AssignedAt       time.Time  `db:"assigned_at"`
	FirstSubmittedAt *time.Time `db:"first_submitted_at"`
	FirstSubmittedBy *int64     `db:"first_submitted_by"`
	FirstPublishedAt *time.Time `db:"first_published_at"`
	FirstPublishedBy *int64     `db:"first_published_by"`
	LastPublishedBy  *int64     `db:"last_published_by"`
	// Escalated: an SLA rung fired ($5, the rung events) or MSP legal
	// pursued the case, at any time before now (closed is final).
	Escalated bool `db:"escalated"`
}

// A filing inserts the complaint already assigned, so its assigned event
// carries created_at; the COALESCE covers rows without one.
const qualityComplaintsSQL = `SELECT c.id, c.code, c.status, c.district_id, c.station_id,
		COALESCE((SELECT min(e.at) FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'assigned'),
			c.created_at) AS assigned_at,
		fs.submitted_at AS first_submitted_at, fs.drafted_by AS first_submitted_by,
		fp.published_at AS first_published_at, fp.drafted_by AS first_published_by,
		lp.drafted_by AS last_published_by,
		(EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = ANY($5::text[]))
		 OR EXISTS (SELECT 1 FROM legal_reviews l WHERE l.complaint_id = c.id AND l.decision = 'pursue')) AS escalated
	FROM complaints c
	LEFT JOIN LATERAL (SELECT a.submitted_at, a.drafted_by FROM atrs a
		WHERE a.complaint_id = c.id AND a.submitted_at IS NOT NULL ORDER BY a.submitted_at, a.id LIMIT 1) fs ON true
	LEFT JOIN LATERAL (SELECT a.published_at, a.drafted_by FROM atrs a
		WHERE a.complaint_id = c.id AND a.status = 'published' ORDER BY a.published_at, a.id LIMIT 1) fp ON true
	LEFT JOIN LATERAL (SELECT a.drafted_by FROM atrs a
		WHERE a.complaint_id = c.id AND a.status = 'published' ORDER BY a.published_at DESC, a.id DESC LIMIT 1) lp ON true
	WHERE ` + qualityScope + `
	ORDER BY c.id`

// Complaints returns the timing and escalation facts of the complaints in
// scope; escalations are the events of kinds rungEvents and pursues.
func (s *QualityStore) Complaints(ctx context.Context, v Visibility, since time.Time, confidential bool,
	rungEvents []string) ([]qualityComplaint, error) {
	cs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[qualityComplaint], qualityComplaintsSQL, v.StationID,
		v.DistrictID, since, confidential, rungEvents)
	if err != nil {
		return nil, fmt.Errorf("list complaints for quality: %w", err)
	}
	return cs, nil
}

// qualityRating is one rating with the ATR it judged.
type qualityRating struct {
	ID          int64  `db:"id"`
	ComplaintID int64  `db:"complaint_id"`
	Code        Code   `db:"code"`
	Status      Status `db:"status"`
	DistrictID  int    `db:"district_id"`
	StationID   int64  `db:"station_id"`
	ATRID       int64  `db:"atr_id"`
	DraftedBy   *int64 `db:"drafted_by"`
	Rating      Rating `db:"rating"`
}

const qualityRatingsSQL = `SELECT r.id, r.complaint_id, c.code, c.status, c.district_id, c.station_id, r.atr_id,
		a.drafted_by, r.rating
	FROM ratings r JOIN atrs a ON a.id = r.atr_id JOIN complaints c ON c.id = r.complaint_id
	WHERE ` + qualityScope + `
	ORDER BY r.id`

// Ratings returns the ratings of the complaints in scope.
func (s *QualityStore) Ratings(ctx context.Context, v Visibility, since time.Time, confidential bool) ([]qualityRating, error) {
	rs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[qualityRating], qualityRatingsSQL, v.StationID,
		v.DistrictID, since, confidential)
	if err != nil {
		return nil, fmt.Errorf("list ratings for quality: %w", err)
	}
	return rs, nil
}

// unitName is the name of one district, station or officer.
type unitName struct {
	Level  QualityLevel `db:"level"`
	ID     int64        `db:"id"`
	NameEN string       `db:"name_en"`
	NameHI string       `db:"name_hi"`
}

// Officers are named by their display name (their username when it is
// empty); staff names are not complainant data.
const unitNamesSQL = `SELECT 'district' AS level, d.id::bigint AS id, d.name_en, d.name_hi
		FROM districts d WHERE d.id = ANY($1::int[])
	UNION ALL SELECT 'station', s.id, s.name_en, s.name_hi FROM police_stations s WHERE s.id = ANY($2::bigint[])
	UNION ALL SELECT 'officer', u.id, COALESCE(NULLIF(u.display_name, ''), u.username::text),
		COALESCE(NULLIF(u.display_name, ''), u.username::text)
		FROM users u WHERE u.id = ANY($3::bigint[])`

// Names returns the names of districts, stations and officers by id.
func (s *QualityStore) Names(ctx context.Context, districts []int, stations, officers []int64) ([]unitName, error) {
	ns, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[unitName], unitNamesSQL, districts, stations, officers)
	if err != nil {
		return nil, fmt.Errorf("name quality units: %w", err)
	}
	return ns, nil
}
