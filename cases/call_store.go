package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// CallStore reads and writes MSP follow-up call tasks.
type CallStore struct{ db pg.DBTX }

// NewCallStore returns a CallStore on db (a pool or a transaction).
func NewCallStore(db pg.DBTX) *CallStore { return &CallStore{db: db} }

const callColumns = `t.id, t.complaint_id, c.code, c.district_id, c.callback_window, c.confidential,
	t.reason, t.atr_id, t.due_at, t.outcome, t.note, t.done_by, t.done_at, t.created_at`

// The no-rating task is unique per ATR (call_tasks_no_rating_idx), so a job
// that runs twice makes one task; DO NOTHING then returns no row.
const insertCallSQL = `
	WITH t AS (
		INSERT INTO call_tasks (complaint_id, reason, atr_id, due_at, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (atr_id) WHERE reason = 'no_rating_72h' DO NOTHING
		RETURNING *)
	SELECT ` + callColumns + ` FROM t JOIN complaints c ON c.id = t.complaint_id`

// Insert creates a call task; false when an identical no-rating task exists.
func (s *CallStore) Insert(ctx context.Context, complaintID int64, reason CallReason, atrID *int64,
	due, at time.Time) (CallTask, bool, error) {
	ts, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[CallTask], insertCallSQL, complaintID, reason, atrID, due, at)
	if err != nil {
		return CallTask{}, false, fmt.Errorf("insert call task: %w", err)
	}
	if len(ts) == 0 {
		return CallTask{}, false, nil
	}
	return ts[0], true, nil
}

const callsSQL = `SELECT ` + callColumns + ` FROM call_tasks t JOIN complaints c ON c.id = t.complaint_id
	WHERE ($1::bigint IS NULL OR c.station_id = $1) AND ($2::int IS NULL OR c.district_id = $2)
	  AND ($3::bigint IS NULL OR t.complaint_id = $3) AND (t.outcome IS NULL OR NOT $4)
	ORDER BY t.outcome IS NOT NULL, t.due_at, t.id LIMIT 500`

// List returns call tasks v can see, open ones first by due time; a
// complaintID narrows to one complaint, openOnly hides completed tasks.
func (s *CallStore) List(ctx context.Context, v Visibility, complaintID *int64, openOnly bool) ([]CallTask, error) {
	ts, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[CallTask], callsSQL, v.StationID, v.DistrictID,
		complaintID, openOnly)
	if err != nil {
		return nil, fmt.Errorf("list call tasks: %w", err)
	}
	return ts, nil
}

const callForUpdateSQL = `SELECT ` + callColumns + ` FROM call_tasks t JOIN complaints c ON c.id = t.complaint_id
	WHERE t.id = $1 AND ($2::bigint IS NULL OR c.station_id = $2) AND ($3::int IS NULL OR c.district_id = $3)
	FOR UPDATE OF t`

// ByIDForUpdate returns and locks call task id if v can see it.
func (s *CallStore) ByIDForUpdate(ctx context.Context, id int64, v Visibility) (CallTask, error) {
	rows, _ := s.db.Query(ctx, callForUpdateSQL, id, v.StationID, v.DistrictID)
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[CallTask])
	if err != nil {
		return CallTask{}, fmt.Errorf("lock call task: %w", pg.Interpret(err))
	}
	return t, nil
}

const completeCallSQL = `UPDATE call_tasks SET outcome = $2, note = $3, done_by = $4, done_at = $5
	WHERE id = $1 AND outcome IS NULL`

// Complete records a call's outcome on an open task.
func (s *CallStore) Complete(ctx context.Context, id int64, o CallOutcome, note string, by *int64, at time.Time) error {
	tag, err := s.db.Exec(ctx, completeCallSQL, id, o, note, by, at)
	if err != nil {
		return fmt.Errorf("complete call task: %w", pg.Interpret(err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("complete call task: %w", pg.Interpret(pgx.ErrNoRows))
	}
	return nil
}
