package cases

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// FIRStore resolves FIR stations and finds complaints by FIR number.
type FIRStore struct{ db pg.DBTX }

// NewFIRStore returns an FIRStore on db (a pool or a transaction).
func NewFIRStore(db pg.DBTX) *FIRStore { return &FIRStore{db: db} }

// FIRStation is a police station as an FIR number names it.
type FIRStation struct {
	ID         int64  `db:"id"`
	Code       string `db:"code"`
	DistrictID int    `db:"district_id"`
}

// Reads package jurisdiction's table: station codes are stored upper case.
const firStationSQL = `SELECT id, code, district_id FROM police_stations
	WHERE CASE WHEN $1::text = '' THEN id = $2 ELSE upper(code) = $1::text END`

// Station returns the station with code, or the station with id when code is
// empty; ErrNotFound when there is none.
func (s *FIRStore) Station(ctx context.Context, code string, id int64) (FIRStation, error) {
	rows, _ := s.db.Query(ctx, firStationSQL, code, id)
	st, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[FIRStation])
	if err != nil {
		return FIRStation{}, fmt.Errorf("get fir station: %w", pg.Interpret(err))
	}
	return st, nil
}

const searchFIRSQL = `WITH scoped AS (` + scopedSQL + `)
	SELECT c.id, c.code, c.status, c.category, c.district_id, c.station_id, c.confidential, c.created_at,
		c.atr_due_at, c.sla_stage, f.fir_number
	FROM scoped c
	JOIN LATERAL (SELECT a.fir_number FROM atrs a
		WHERE a.complaint_id = c.id AND a.fir_year = $3 AND a.fir_serial = $4
		  AND ($5::text = '' OR a.fir_number = $5::text)
		ORDER BY a.seq DESC LIMIT 1) f ON true
	ORDER BY c.created_at DESC, c.id DESC
	LIMIT $6`

// Search returns the complaints visible to v with an ATR recording an FIR
// that matches q, newest first.
func (s *FIRStore) Search(ctx context.Context, v Visibility, q FIRQuery, limit int) ([]FIRMatch, error) {
	found, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByNameLax[FIRMatch], searchFIRSQL, v.StationID,
		v.DistrictID, q.Year, q.Serial, q.Number, limit)
	if err != nil {
		return nil, fmt.Errorf("search fir %d/%d: %w", q.Serial, q.Year, err)
	}
	return found, nil
}
