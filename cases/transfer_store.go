package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// TransferStore reads and writes complaint_transfers, moves complaints
// between stations and districts, and reads package jurisdiction's
// stations for the move's checks.
type TransferStore struct{ db pg.DBTX }

// NewTransferStore returns a TransferStore on db (a pool or a transaction).
func NewTransferStore(db pg.DBTX) *TransferStore { return &TransferStore{db: db} }

// transferColumns select a Transfer from complaint_transfers x joined to
// its complaint c and the stations' and districts' names.
const transferColumns = `x.id, x.complaint_id, c.code, x.from_station_id, x.from_district_id, x.to_station_id,
	x.to_district_id, x.requested_by, x.requester_role, x.reason, x.state, x.restart_sla, x.restart_reason,
	x.decided_by, x.decider_role, x.decline_reason, x.created_at, x.decided_at,
	fs.name_en AS from_station_en, fs.name_hi AS from_station_hi, fd.name_en AS from_district_en,
	fd.name_hi AS from_district_hi, COALESCE(ts.name_en, '') AS to_station_en,
	COALESCE(ts.name_hi, '') AS to_station_hi, td.name_en AS to_district_en, td.name_hi AS to_district_hi`

// transferJoins name a transfer row x (the table, or a writing CTE's
// result). Reads package jurisdiction's tables for names only.
const transferJoins = ` JOIN complaints c ON c.id = x.complaint_id
	JOIN police_stations fs ON fs.id = x.from_station_id JOIN districts fd ON fd.id = x.from_district_id
	LEFT JOIN police_stations ts ON ts.id = x.to_station_id JOIN districts td ON td.id = x.to_district_id`

const insertTransferSQL = `WITH x AS (
	INSERT INTO complaint_transfers (complaint_id, from_station_id, from_district_id, to_station_id, to_district_id,
		requested_by, requester_role, reason, state, restart_sla, restart_reason, decided_by, decider_role,
		created_at, decided_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *)
	SELECT ` + transferColumns + ` FROM x` + transferJoins

// Insert stores a transfer (a request, or a move already done) and returns
// it with its names. A second pending request of one complaint is an
// ErrConflict.
func (s *TransferStore) Insert(ctx context.Context, x Transfer) (Transfer, error) {
	var decider *int64
	if x.State != TransferRequested {
		decider = x.DecidedBy
	}
	return s.one(ctx, "insert transfer", insertTransferSQL, x.ComplaintID, x.FromStationID, x.FromDistrictID,
		x.ToStationID, x.ToDistrictID, x.RequestedBy, x.RequesterRole, x.Reason, x.State, x.RestartSLA,
		x.RestartReason, decider, x.DeciderRole, x.CreatedAt, x.DecidedAt)
}

const transferByIDSQL = `SELECT ` + transferColumns + ` FROM complaint_transfers x` + transferJoins + ` WHERE x.id = $1`

// ByID returns transfer id, or ErrNotFound.
func (s *TransferStore) ByID(ctx context.Context, id int64) (Transfer, error) {
	return s.one(ctx, "get transfer", transferByIDSQL, id)
}

// ByIDForUpdate is ByID that also locks the transfer row.
func (s *TransferStore) ByIDForUpdate(ctx context.Context, id int64) (Transfer, error) {
	return s.one(ctx, "lock transfer", transferByIDSQL+" FOR UPDATE OF x", id)
}

const decideTransferSQL = `WITH x AS (
	UPDATE complaint_transfers SET state = $2, to_station_id = COALESCE($3, to_station_id), decided_by = $4,
		decider_role = $5, decline_reason = $6, decided_at = $7
	WHERE id = $1 AND state = 'requested' RETURNING *)
	SELECT ` + transferColumns + ` FROM x` + transferJoins

// Decide closes pending request id as done (at station, when given) or
// declined (with a reason); a decided one is ErrNotFound (callers check
// under the row lock first).
func (s *TransferStore) Decide(ctx context.Context, id int64, state TransferState, station *int64, by int64,
	role Actor, declineReason string, at time.Time) (Transfer, error) {
	return s.one(ctx, "decide transfer", decideTransferSQL, id, state, station, by, role, declineReason, at)
}

// pendingSQL lists pending requests from or to district $1, or every one
// when $1 is NULL (the MSP), oldest first.
const pendingSQL = `SELECT ` + transferColumns + ` FROM complaint_transfers x` + transferJoins + `
	WHERE x.state = 'requested' AND ($1::int IS NULL OR x.from_district_id = $1 OR x.to_district_id = $1)
	ORDER BY x.created_at, x.id`

// Pending returns pending district transfer requests that involve
// districtID (both ends), or all of them when it is nil.
func (s *TransferStore) Pending(ctx context.Context, districtID *int) ([]Transfer, error) {
	xs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Transfer], pendingSQL, districtID)
	if err != nil {
		return nil, fmt.Errorf("list pending transfers: %w", err)
	}
	return xs, nil
}

const moveComplaintSQL = `UPDATE complaints SET station_id = $2, district_id = $3, atr_due_at = $4, sla_stage = $5,
	updated_at = $6 WHERE id = $1`

// Move gives complaint id a new station and district and the ATR deadline
// and SLA stage it keeps (unchanged) or restarts with.
func (s *TransferStore) Move(ctx context.Context, id, stationID int64, districtID int, due *time.Time, stage int,
	at time.Time) error {
	tag, err := s.db.Exec(ctx, moveComplaintSQL, id, stationID, districtID, due, stage, at)
	if err != nil {
		return fmt.Errorf("move complaint: %w", pg.Interpret(err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("move complaint: %w", pg.Interpret(pgx.ErrNoRows))
	}
	return nil
}

// Station is a police station as a transfer's checks need it.
type Station struct {
	ID         int64  `db:"id"`
	DistrictID int    `db:"district_id"`
	NameEN     string `db:"name_en"`
	NameHI     string `db:"name_hi"`
}

const stationSQL = `SELECT id, district_id, name_en, name_hi FROM police_stations WHERE id = $1`

// Station returns station id, or ErrNotFound.
func (s *TransferStore) Station(ctx context.Context, id int64) (Station, error) {
	st, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Station], stationSQL, id)
	if err != nil {
		return Station{}, fmt.Errorf("get station: %w", err)
	}
	return st, nil
}

const districtExistsSQL = `SELECT EXISTS (SELECT 1 FROM districts WHERE id = $1)`

// DistrictExists reports whether district id exists.
func (s *TransferStore) DistrictExists(ctx context.Context, id int) (bool, error) {
	var ok bool
	if err := s.db.QueryRow(ctx, districtExistsSQL, id).Scan(&ok); err != nil {
		return false, fmt.Errorf("check district: %w", pg.Interpret(err))
	}
	return ok, nil
}

func (s *TransferStore) one(ctx context.Context, what, sql string, args ...any) (Transfer, error) {
	rows, _ := s.db.Query(ctx, sql, args...)
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Transfer])
	if err != nil {
		return Transfer{}, fmt.Errorf("%s: %w", what, pg.Interpret(err))
	}
	return x, nil
}
