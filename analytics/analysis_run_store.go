package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// AnalysisRun is one row of analysis_runs.
type AnalysisRun struct {
	ID         int64           `db:"id"`
	Kind       string          `db:"kind"`   // hotspots, leads or backtest
	Status     string          `db:"status"` // running, done or failed
	Params     json.RawMessage `db:"params"`
	Summary    json.RawMessage `db:"summary"`
	StartedAt  time.Time       `db:"started_at"`
	FinishedAt *time.Time      `db:"finished_at"`
}

// AnalysisRunStore reads and writes analysis_runs.
type AnalysisRunStore struct{ db pg.DBTX }

// NewAnalysisRunStore returns a store on db.
func NewAnalysisRunStore(db pg.DBTX) *AnalysisRunStore { return &AnalysisRunStore{db: db} }

const startRunSQL = `
INSERT INTO analysis_runs (kind, status, params, started_at)
VALUES ($1, 'running', $2, $3)
RETURNING id`

// Start records a running run of kind with its parameters and returns its id.
func (s *AnalysisRunStore) Start(ctx context.Context, kind string, params any, at time.Time) (int64, error) {
	b, err := json.Marshal(params)
	if err != nil {
		return 0, fmt.Errorf("encode run params: %w", err)
	}
	var id int64
	if err := s.db.QueryRow(ctx, startRunSQL, kind, b, at).Scan(&id); err != nil {
		return 0, fmt.Errorf("start %s run: %w", kind, pg.Interpret(err))
	}
	return id, nil
}

const finishRunSQL = `
UPDATE analysis_runs SET status = $2, summary = $3, finished_at = $4
WHERE id = $1 AND status = 'running'`

// Finish marks run id done (or failed) with its summary.
func (s *AnalysisRunStore) Finish(ctx context.Context, id int64, failed bool, summary any, at time.Time) error {
	b, err := json.Marshal(summary)
	if err != nil {
		return fmt.Errorf("encode run summary: %w", err)
	}
	status := "done"
	if failed {
		status = "failed"
	}
	tag, err := s.db.Exec(ctx, finishRunSQL, id, status, b, at)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, pg.Interpret(err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("finish run %d: %w", id, pg.Interpret(pgx.ErrNoRows))
	}
	return nil
}

const latestRunSQL = `
SELECT id, kind, status, params, summary, started_at, finished_at
FROM analysis_runs WHERE kind = $1 AND status = 'done'
ORDER BY id DESC LIMIT 1`

// Latest returns the newest finished run of kind (vikalp.ErrNotFound if none).
func (s *AnalysisRunStore) Latest(ctx context.Context, kind string) (AnalysisRun, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[AnalysisRun], latestRunSQL, kind)
	if err != nil {
		return AnalysisRun{}, fmt.Errorf("latest %s run: %w", kind, err)
	}
	return r, nil
}
