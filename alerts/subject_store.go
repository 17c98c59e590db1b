package alerts

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// SubjectStore reads what an alert may say about its subject: public-safe
// facts only, through alerts' own queries of ingest's and jurisdiction's
// tables (which it never writes).
type SubjectStore struct{ db pg.DBTX }

// NewSubjectStore returns a SubjectStore on db (a pool or a transaction).
func NewSubjectStore(db pg.DBTX) *SubjectStore { return &SubjectStore{db: db} }

// ReportFacts are what an alert says about a report: its category, when it
// happened (occurred_at when given, else received_at) and the names of its
// district and of the police station it was routed to. Never its text, its
// point or anything about the reporter.
type ReportFacts struct {
	Category   string    `db:"category"`
	EventAt    time.Time `db:"event_at"`
	DistrictEN string    `db:"district_en"`
	DistrictHI string    `db:"district_hi"`
	StationEN  string    `db:"station_en"` // "" when the report has no station
	StationHI  string    `db:"station_hi"`
}

// reportFactsSQL reads the station of the routing snapshot (reports.
// station_id: the station whose area holds the point, else the nearest in
// its district), not a new lookup of the point.
const reportFactsSQL = `SELECT r.category, r.event_at, d.name_en AS district_en, d.name_hi AS district_hi,
	COALESCE(s.name_en, '') AS station_en, COALESCE(s.name_hi, '') AS station_hi
FROM reports r JOIN districts d ON d.id = r.district_id
LEFT JOIN police_stations s ON s.id = r.station_id
WHERE r.id = $1`

// Report returns the facts of report id, or vikalp.ErrNotFound.
func (s *SubjectStore) Report(ctx context.Context, id int64) (ReportFacts, error) {
	f, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[ReportFacts], reportFactsSQL, id)
	if err != nil {
		return ReportFacts{}, fmt.Errorf("get report %d facts: %w", id, err)
	}
	return f, nil
}
