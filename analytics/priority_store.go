package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/forecast"
	"github.com/vikalp/vikalp/internal/pg"
)

// PriorityStore reads the forecast's input and reads and rewrites
// priority_places (migration 00030).
type PriorityStore struct{ db pg.DBTX }

// NewPriorityStore returns a store on db.
func NewPriorityStore(db pg.DBTX) *PriorityStore { return &PriorityStore{db: db} }

// forecastEventsSQL counts approved reports (the public pool: complaints,
// pending and rejected reports never count) per r9 cell, district and whole
// day before the as-of time ($2) over ($1, $2]. Every report weighs 1: a
// forecast predicts incidents, not severity.
const forecastEventsSQL = `
SELECT h3_r9, district_id, floor(extract(epoch FROM ($2::timestamptz - event_at)) / 86400)::int, count(*)::int
FROM reports
WHERE status = 'approved' AND event_at > $1 AND event_at <= $2
GROUP BY 1, 2, 3`

// forecastEvent is one (r9 cell, district, day) group of approved reports.
type forecastEvent struct {
	Cell       int64
	DistrictID int32
	AgeDays    int32
	N          int32
}

// at returns the middle of e's day counted back from asOf, so that whole
// days from asOf hold exactly the reports the SQL grouped into the day.
func (e forecastEvent) at(asOf time.Time) time.Time {
	return asOf.Add(-time.Duration(e.AgeDays)*24*time.Hour - 12*time.Hour)
}

// Events returns the approved reports of (since, asOf] grouped per r9 cell,
// district and day counted back from asOf (age 0: the last 24 hours).
func (s *PriorityStore) Events(ctx context.Context, since, asOf time.Time) ([]forecastEvent, error) {
	var out []forecastEvent
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, inputSettingsSQL); err != nil {
			return fmt.Errorf("set input settings: %w", err)
		}
		rows, err := tx.Query(ctx, forecastEventsSQL, since, asOf)
		if err != nil {
			return fmt.Errorf("read forecast events: %w", pg.Interpret(err))
		}
		var e forecastEvent
		_, err = pgx.ForEachRow(rows, []any{&e.Cell, &e.DistrictID, &e.AgeDays, &e.N}, func() error {
			out = append(out, e)
			return nil
		})
		if err != nil {
			return fmt.Errorf("scan forecast events: %w", pg.Interpret(err))
		}
		return nil
	})
	return out, err
}

// Replace rewrites priority_places with cells as run runID, in tx.
func (s *PriorityStore) Replace(ctx context.Context, tx pgx.Tx, runID int64, res int, cells []PriorityPlace) error {
	if _, err := tx.Exec(ctx, `DELETE FROM priority_places`); err != nil {
		return fmt.Errorf("clear priority places: %w", pg.Interpret(err))
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"priority_places"},
		[]string{"cell", "resolution", "run_id", "rank", "score", "district_id"},
		pgx.CopyFromSlice(len(cells), func(i int) ([]any, error) {
			c := cells[i]
			var district any
			if c.DistrictID != 0 {
				district = c.DistrictID
			}
			return []any{c.Cell, int16(res), runID, c.Rank, c.Score, district}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy priority places: %w", pg.Interpret(err))
	}
	return nil
}

// priorityPlacesSQL lists the stored places of districts $1 (NULL: all),
// best first, at most $2 (NULL: all).
const priorityPlacesSQL = `
SELECT cell, resolution, run_id, rank, score, coalesce(district_id, 0)
FROM priority_places
WHERE $1::int[] IS NULL OR district_id = ANY ($1)
ORDER BY rank
LIMIT $2`

// Places returns the stored priority places of districts (nil: every
// district), best first, at most limit (0: all).
func (s *PriorityStore) Places(ctx context.Context, districts []int, limit int) ([]PriorityPlace, error) {
	var ids []int32
	if districts != nil {
		ids = make([]int32, len(districts))
		for i, d := range districts {
			ids[i] = int32(d)
		}
	}
	var lim any
	if limit > 0 {
		lim = limit
	}
	rows, err := s.db.Query(ctx, priorityPlacesSQL, ids, lim)
	if err != nil {
		return nil, fmt.Errorf("list priority places: %w", pg.Interpret(err))
	}
	var out []PriorityPlace
	var p PriorityPlace
	_, err = pgx.ForEachRow(rows, []any{&p.Cell, &p.Resolution, &p.RunID, &p.Rank, &p.Score, &p.DistrictID},
		func() error { out = append(out, p); return nil })
	if err != nil {
		return nil, fmt.Errorf("scan priority places: %w", pg.Interpret(err))
	}
	return out, nil
}

// toForecastEvents turns grouped reports into forecast events dated at the
// middle of their day before asOf (forecastEvent.at). Rows whose
// cell is not a valid resolution-9 cell are left out, as the hotspot
// pipeline leaves them out.
func toForecastEvents(groups []forecastEvent, asOf time.Time) []forecast.Event {
	out := make([]forecast.Event, 0, len(groups))
	for _, g := range groups {
		if c := h3.Cell(g.Cell); !c.IsValid() || c.Resolution() != 9 {
			continue
		}
		out = append(out, forecast.Event{Cell: g.Cell, At: g.at(asOf), Weight: float64(g.N)})
	}
	return out
}
