package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// DirectionStore reads and writes complaint_directions.
type DirectionStore struct{ db pg.DBTX }

// NewDirectionStore returns a DirectionStore on db (a pool or a transaction).
func NewDirectionStore(db pg.DBTX) *DirectionStore { return &DirectionStore{db: db} }

const directionColumns = `id, complaint_id, issued_by, issuer_role, to_role, body, due_at, report_back,
	created_at, answered_at, answered_by, COALESCE(answer, '') AS answer, escalation_stage`

const insertDirectionSQL = `INSERT INTO complaint_directions (complaint_id, issued_by, issuer_role, to_role, body,
		due_at, report_back, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	RETURNING ` + directionColumns

// Insert stores a new, open direction on complaintID issued by userID.
func (s *DirectionStore) Insert(ctx context.Context, complaintID, userID int64, role Actor, in DirectionInput,
	at time.Time) (Direction, error) {
	return s.one(ctx, "insert direction", insertDirectionSQL, complaintID, userID, role, in.To, in.Body, in.DueAt,
		in.ReportBack, at)
}

const directionByIDSQL = `SELECT ` + directionColumns + ` FROM complaint_directions WHERE id = $1`

// ByID returns direction id, or ErrNotFound.
func (s *DirectionStore) ByID(ctx context.Context, id int64) (Direction, error) {
	return s.one(ctx, "get direction", directionByIDSQL, id)
}

// ByIDForUpdate is ByID that also locks the row until the transaction ends.
func (s *DirectionStore) ByIDForUpdate(ctx context.Context, id int64) (Direction, error) {
	return s.one(ctx, "lock direction", directionByIDSQL+" FOR UPDATE", id)
}

// directionsSQL lists a complaint's directions, open ones first, newest
// first within each.
const directionsSQL = `SELECT ` + directionColumns + ` FROM complaint_directions WHERE complaint_id = $1
	ORDER BY answered_at IS NOT NULL, created_at DESC, id DESC`

// ForComplaint returns complaintID's directions, open ones first.
func (s *DirectionStore) ForComplaint(ctx context.Context, complaintID int64) ([]Direction, error) {
	ds, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Direction], directionsSQL, complaintID)
	if err != nil {
		return nil, fmt.Errorf("list directions: %w", err)
	}
	return ds, nil
}

const answerDirectionSQL = `UPDATE complaint_directions SET answer = $2, answered_by = $3, answered_at = $4
	WHERE id = $1 AND answered_at IS NULL
	RETURNING ` + directionColumns

// Answer records the answer to open direction id; an answered one is
// ErrNotFound (callers check under the row lock first).
func (s *DirectionStore) Answer(ctx context.Context, id int64, answer string, userID int64, at time.Time) (Direction, error) {
	return s.one(ctx, "answer direction", answerDirectionSQL, id, answer, userID, at)
}

const setDirectionStageSQL = `UPDATE complaint_directions SET escalation_stage = $2 WHERE id = $1`

// SetStage records how many rungs of the overdue ladder fired for id.
func (s *DirectionStore) SetStage(ctx context.Context, id int64, stage int) error {
	if _, err := s.db.Exec(ctx, setDirectionStageSQL, id, stage); err != nil {
		return fmt.Errorf("set direction escalation stage: %w", pg.Interpret(err))
	}
	return nil
}

// DirectionDue is an open direction whose next overdue rung may be due.
type DirectionDue struct {
	DirectionID int64     `db:"id"`
	ComplaintID int64     `db:"complaint_id"`
	ReplyBy     time.Time `db:"reply_by"`
	Stage       int       `db:"escalation_stage"`
}

// directionsDueSQL reads complaint_directions_overdue_idx: open directions
// of open complaints whose reply-by time ($2 is the ATR window that stands
// in for a missing due_at) is past at $1, with their next rung ($3 = MSP
// offset) due.
const directionsDueSQL = `SELECT d.id, d.complaint_id, COALESCE(d.due_at, d.created_at + $2::interval) AS reply_by,
		d.escalation_stage
	FROM complaint_directions d JOIN complaints c ON c.id = d.complaint_id
	WHERE d.answered_at IS NULL AND d.escalation_stage < 2 AND c.status NOT IN ('closed', 'withdrawn')
	  AND COALESCE(d.due_at, d.created_at + $2::interval) <= $1
	  AND (d.escalation_stage = 0 OR COALESCE(d.due_at, d.created_at + $2::interval) <= $1 - $3::interval)
	ORDER BY reply_by, d.id LIMIT $4`

// Due returns up to limit open directions whose next overdue rung is due
// at now.
func (s *DirectionStore) Due(ctx context.Context, now time.Time, window, toMSP time.Duration, limit int) ([]DirectionDue, error) {
	due, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[DirectionDue], directionsDueSQL, now, window, toMSP, limit)
	if err != nil {
		return nil, fmt.Errorf("list overdue directions: %w", err)
	}
	return due, nil
}

func (s *DirectionStore) one(ctx context.Context, what, sql string, args ...any) (Direction, error) {
	rows, _ := s.db.Query(ctx, sql, args...)
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Direction])
	if err != nil {
		return Direction{}, fmt.Errorf("%s: %w", what, pg.Interpret(err))
	}
	return d, nil
}
