package cases

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// CellCountStore counts complaints per r9 cell for statistics.
type CellCountStore struct{ db pg.DBTX }

// NewCellCountStore returns a CellCountStore on db (a pool, a replica or a
// transaction).
func NewCellCountStore(db pg.DBTX) *CellCountStore { return &CellCountStore{db: db} }

// cellCountsSQL counts the located, not withdrawn complaints of a scope
// ($1 station, $2 district; NULL: any) per r9 cell, by incident time (else
// filing time) in ($4, $5]; confidential ones only when $3. $6 narrows to
// districts (NULL: all).
const cellCountsSQL = `
SELECT h3_r9, count(*)::int FROM complaints
WHERE h3_r9 IS NOT NULL AND status <> 'withdrawn'
	AND ($1::bigint IS NULL OR station_id = $1) AND ($2::int IS NULL OR district_id = $2)
	AND ($3::bool OR NOT confidential)
	AND coalesce(incident_at, created_at) > $4 AND coalesce(incident_at, created_at) <= $5
	AND ($6::int[] IS NULL OR district_id = ANY ($6))
GROUP BY 1`

// R9Counts returns scope's complaint counts per r9 cell that q selects
// (q.Resolution is not read: CellCounts rolls the cells up).
func (s *CellCountStore) R9Counts(ctx context.Context, scope CountScope, q CellCountQuery) (map[int64]int, error) {
	var districts []int32
	if q.DistrictIDs != nil {
		districts = make([]int32, len(q.DistrictIDs))
		for i, d := range q.DistrictIDs {
			districts[i] = int32(d)
		}
	}
	rows, err := s.db.Query(ctx, cellCountsSQL, scope.StationID, scope.DistrictID, scope.Confidential,
		q.Since, q.Until, districts)
	if err != nil {
		return nil, fmt.Errorf("count complaints per cell: %w", pg.Interpret(err))
	}
	out := map[int64]int{}
	var cell int64
	var n int
	_, err = pgx.ForEachRow(rows, []any{&cell, &n}, func() error { out[cell] += n; return nil })
	if err != nil {
		return nil, fmt.Errorf("scan complaint counts: %w", pg.Interpret(err))
	}
	return out, nil
}
