package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// ComplaintStore reads and writes complaints and their timeline.
type ComplaintStore struct{ db pg.DBTX }

// NewComplaintStore returns a ComplaintStore on db (a pool or a transaction).
func NewComplaintStore(db pg.DBTX) *ComplaintStore { return &ComplaintStore{db: db} }

// Visibility limits which complaints a query sees: one station's, one
// district's, or (the zero value) the whole state's.
type Visibility struct {
	StationID  *int64
	DistrictID *int
}

// complaintColumns selects a Complaint. The point comes out as ST_Y/ST_X
// (lat/lon) because a raw geometry column cannot be scanned.
const complaintColumns = `id, code, secret_hash, status, category, description, language, incident_at,
	ST_Y(geom) AS lat, ST_X(geom) AS lon, h3_r5, h3_r7, h3_r8, h3_r9, district_id, station_id,
	contact_sealed, has_phone, confidential, callback_window, sms_opt_out, filed_by, relation, filed_by_user_id,
	atr_due_at, sla_stage, created_at, updated_at, closed_at`

// NewComplaint is a validated complaint ready to insert.
type NewComplaint struct {
	Code           Code
	SecretHash     []byte
	Status         Status
	Category       Category
	Description    string
	Language       Language
	IncidentAt     *time.Time
	Point          *orb.Point // lon/lat; nil without a location
	H3             [4]int64   // r5, r7, r8, r9 when Point is set
	DistrictID     int
	StationID      int64
	ContactSealed  []byte
	HasPhone       bool
	Confidential   bool
	CallbackWindow string
	SMSOptOut      bool
	SMSPhoneHash   []byte // keyed hash of her number for inbound STATUS (nil: none or opted out)
	FiledBy        FiledBy
	Relation       string
	FiledByUserID  *int64
	ReplaySealed   []byte
	ReplayUntil    *time.Time
	ATRDueAt       *time.Time
	At             time.Time
}

// The point crosses pgx as WKB (orb) and is stamped with SRID 4326 here.
const insertComplaintSQL = `
	INSERT INTO complaints (code, secret_hash, status, category, description, language, incident_at,
		geom, h3_r5, h3_r7, h3_r8, h3_r9, district_id, station_id, contact_sealed, has_phone,
		confidential, callback_window, filed_by, relation, filed_by_user_id,
		replay_sealed, replay_until, atr_due_at, created_at, updated_at, sms_opt_out, sms_phone_hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, ST_GeomFromWKB($8, 4326), $9, $10, $11, $12, $13, $14, $15,
		$16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26, $27)
	RETURNING ` + complaintColumns

// insertPlacedSQL is insertComplaintSQL returning the names of the
// complaint's station and district too (its SMS name the district): one
// round trip, not two, on the busiest write path.
const insertPlacedSQL = `WITH c AS (` + insertComplaintSQL + `)
	SELECT c.*, ` + placeColumns + `
	FROM c JOIN police_stations s ON s.id = c.station_id JOIN districts d ON d.id = c.district_id`

// placedComplaint is a complaint row with its place's names.
type placedComplaint struct {
	Complaint
	Place
}

// Insert stores a new complaint and returns it with the names of its
// station and district. A duplicate code is an ErrConflict.
func (s *ComplaintStore) Insert(ctx context.Context, n NewComplaint) (Complaint, Place, error) {
	var geom any
	var h3 [4]*int64
	if n.Point != nil {
		geom = wkb.Value(*n.Point)
		for i := range n.H3 {
			h3[i] = &n.H3[i]
		}
	}
	rows, _ := s.db.Query(ctx, insertPlacedSQL, n.Code, n.SecretHash, n.Status, n.Category,
		n.Description, n.Language, n.IncidentAt, geom, h3[0], h3[1], h3[2], h3[3], n.DistrictID,
		n.StationID, n.ContactSealed, n.HasPhone, n.Confidential, n.CallbackWindow, n.FiledBy,
		n.Relation, n.FiledByUserID, n.ReplaySealed, n.ReplayUntil,
		n.ATRDueAt, n.At, n.SMSOptOut, n.SMSPhoneHash)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[placedComplaint])
	if err != nil {
		return Complaint{}, Place{}, fmt.Errorf("insert complaint: %w", pg.Interpret(err))
	}
	return c.Complaint, c.Place, nil
}

const complaintByIDSQL = `SELECT ` + complaintColumns + ` FROM complaints
	WHERE id = $1 AND ($2::bigint IS NULL OR station_id = $2) AND ($3::int IS NULL OR district_id = $3)`

// ByID returns the complaint with id if v can see it, else ErrNotFound.
func (s *ComplaintStore) ByID(ctx context.Context, id int64, v Visibility) (Complaint, error) {
	return s.one(ctx, "get complaint", complaintByIDSQL, id, v.StationID, v.DistrictID)
}

// ByIDForUpdate is ByID that also locks the row until the transaction ends,
// so concurrent transitions of one complaint serialize.
func (s *ComplaintStore) ByIDForUpdate(ctx context.Context, id int64, v Visibility) (Complaint, error) {
	return s.one(ctx, "lock complaint", complaintByIDSQL+" FOR UPDATE", id, v.StationID, v.DistrictID)
}

const complaintByCodeSQL = `SELECT ` + complaintColumns + ` FROM complaints WHERE code = $1`

// ByCode returns the complaint with code, or ErrNotFound.
func (s *ComplaintStore) ByCode(ctx context.Context, code Code) (Complaint, error) {
	return s.one(ctx, "get complaint by code", complaintByCodeSQL, code)
}

// ByCodeForUpdate is ByCode that also locks the row.
func (s *ComplaintStore) ByCodeForUpdate(ctx context.Context, code Code) (Complaint, error) {
	return s.one(ctx, "lock complaint by code", complaintByCodeSQL+" FOR UPDATE", code)
}

// SMSStatus is what an inbound STATUS SMS may tell her about a complaint:
// never the category, the text or a place.
type SMSStatus struct {
	Code     Code       `db:"code"`
	Status   Status     `db:"status"`
	Language Language   `db:"language"`
	ATRDueAt *time.Time `db:"atr_due_at"`
}

// smsByPhoneSQL finds complaints by the keyed hash of the number she filed
// with. The code is deliberately not in the query: the caller compares it
// in Go, so the database does the same work whether or not the code a
// stranger sends exists (complaints_sms_phone_hash_idx).
const smsByPhoneSQL = `SELECT code, status, language, atr_due_at FROM complaints
	WHERE sms_phone_hash = ANY($1) ORDER BY id DESC LIMIT $2`

// ByPhoneHash returns up to limit complaints, newest first, filed with a
// number whose keyed hash is one of hashes.
func (s *ComplaintStore) ByPhoneHash(ctx context.Context, hashes [][]byte, limit int) ([]SMSStatus, error) {
	out, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[SMSStatus], smsByPhoneSQL, hashes, limit)
	if err != nil {
		return nil, fmt.Errorf("find complaints by phone hash: %w", err)
	}
	return out, nil
}

func (s *ComplaintStore) one(ctx context.Context, what, sql string, args ...any) (Complaint, error) {
	rows, _ := s.db.Query(ctx, sql, args...)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Complaint])
	if err != nil {
		return Complaint{}, fmt.Errorf("%s: %w", what, pg.Interpret(err))
	}
	return c, nil
}

// Replay is what an idempotent retry needs besides the complaint: the
// sealed secret while it may still be replayed. (The key itself and the
// request's fingerprint are package internal/idem's.)
type Replay struct {
	ID           int64      `db:"id"`
	ReplaySealed []byte     `db:"replay_sealed"`
	ReplayUntil  *time.Time `db:"replay_until"`
}

const replayByIDSQL = `SELECT id, replay_sealed, replay_until FROM complaints WHERE id = $1`

// ReplayByID returns the replay data of complaint id, or ErrNotFound.
func (s *ComplaintStore) ReplayByID(ctx context.Context, id int64) (Replay, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Replay], replayByIDSQL, id)
	if err != nil {
		return Replay{}, fmt.Errorf("get replay of complaint %d: %w", id, err)
	}
	return r, nil
}

const clearExpiredReplaysSQL = `UPDATE complaints SET replay_sealed = NULL
	WHERE replay_sealed IS NOT NULL AND replay_until <= $1
	RETURNING id`

// ClearExpiredReplays wipes the sealed secrets kept for idempotent retries
// whose replay window has ended at now, and returns those complaints' ids
// (whose keys' request fingerprints go with them, idem.Store.ForgetHashes).
func (s *ComplaintStore) ClearExpiredReplays(ctx context.Context, now time.Time) ([]int64, error) {
	ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int64], clearExpiredReplaysSQL, now)
	if err != nil {
		return nil, fmt.Errorf("clear expired replay secrets: %w", err)
	}
	return ids, nil
}

// SLADueRung is a complaint whose next SLA rung may be due.
type SLADueRung struct {
	ComplaintID int64     `db:"id"`
	DueAt       time.Time `db:"atr_due_at"`
	Stage       int       `db:"sla_stage"`
}

// slaDueSQL reads complaints_sla_due_idx: complaints owing an ATR whose
// next rung ($2 = SP offset, $3 = MSP offset) is due at $1.
const slaDueSQL = `SELECT id, atr_due_at, sla_stage FROM complaints
	WHERE sla_stage < 3 AND status IN ('assigned', 'atr_draft', 'escalated') AND atr_due_at <= $1
	AND (sla_stage = 0 OR sla_stage = 1 AND atr_due_at <= $1 - $2::interval OR sla_stage = 2 AND atr_due_at <= $1 - $3::interval)
	ORDER BY atr_due_at, id LIMIT $4`

// SLADue returns up to limit complaints whose next SLA rung is due at now,
// given the SP and MSP rungs' offsets from the deadline.
func (s *ComplaintStore) SLADue(ctx context.Context, now time.Time, toSP, toMSP time.Duration, limit int) ([]SLADueRung, error) {
	due, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[SLADueRung], slaDueSQL, now, toSP, toMSP, limit)
	if err != nil {
		return nil, fmt.Errorf("list due sla rungs: %w", err)
	}
	return due, nil
}

// closedAt is set exactly when a status ends the case (a table CHECK too).
const setStatusSQL = `UPDATE complaints SET status = $2::text, updated_at = $3::timestamptz,
	closed_at = CASE WHEN $2::text IN ('closed', 'withdrawn') THEN $3::timestamptz END
	WHERE id = $1`

// SetStatus moves complaint id to status at a time; callers check the
// transition first (see CheckTransition).
func (s *ComplaintStore) SetStatus(ctx context.Context, id int64, status Status, at time.Time) error {
	tag, err := s.db.Exec(ctx, setStatusSQL, id, status, at)
	if err != nil {
		return fmt.Errorf("set complaint status: %w", pg.Interpret(err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("set complaint status: %w", pg.Interpret(pgx.ErrNoRows))
	}
	return nil
}

const setDueSQL = `UPDATE complaints SET atr_due_at = $2, sla_stage = 0, updated_at = $3 WHERE id = $1`

// SetDue sets (or with nil clears) the ATR deadline and resets the SLA
// ladder for it.
func (s *ComplaintStore) SetDue(ctx context.Context, id int64, due *time.Time, at time.Time) error {
	if _, err := s.db.Exec(ctx, setDueSQL, id, due, at); err != nil {
		return fmt.Errorf("set atr deadline: %w", pg.Interpret(err))
	}
	return nil
}

const setSLAStageSQL = `UPDATE complaints SET sla_stage = $2 WHERE id = $1`

// SetSLAStage records how many rungs of the SLA ladder have fired.
func (s *ComplaintStore) SetSLAStage(ctx context.Context, id int64, stage int) error {
	if _, err := s.db.Exec(ctx, setSLAStageSQL, id, stage); err != nil {
		return fmt.Errorf("set sla stage: %w", pg.Interpret(err))
	}
	return nil
}

const insertEventSQL = `
	INSERT INTO complaint_events (complaint_id, at, actor_user_id, actor_role, kind, from_status,
		to_status, reason, public, detail)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

// AddEvent appends e to its complaint's timeline (e.ID is ignored).
func (s *ComplaintStore) AddEvent(ctx context.Context, e Event) error {
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	_, err := s.db.Exec(ctx, insertEventSQL, e.ComplaintID, e.At, e.ActorUserID, e.ActorRole, e.Kind,
		e.FromStatus, e.ToStatus, e.Reason, e.Public, e.Detail)
	if err != nil {
		return fmt.Errorf("add complaint event: %w", pg.Interpret(err))
	}
	return nil
}

// insertEventsSQL appends several events in one statement, in array order
// (so ids, and the timeline, keep the order they were added in).
const insertEventsSQL = `
	INSERT INTO complaint_events (complaint_id, at, actor_user_id, actor_role, kind, from_status,
		to_status, reason, public, detail)
	SELECT complaint_id, at, actor_user_id, actor_role, kind, from_status, to_status, reason, public, detail::jsonb
	FROM unnest($1::bigint[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::bool[], $10::text[]) WITH ORDINALITY
		AS e(complaint_id, at, actor_user_id, actor_role, kind, from_status, to_status, reason, public, detail, n)
	ORDER BY n`

// QueueEvents adds to b the statement that appends evs in order (their IDs
// are ignored); the caller sends b on this store's transaction.
func QueueEvents(b *pgx.Batch, evs []Event) error {
	n := len(evs)
	ids, ats, actors := make([]int64, n), make([]time.Time, n), make([]*int64, n)
	roles, kinds, froms, tos := make([]string, n), make([]string, n), make([]*string, n), make([]*string, n)
	reasons, public, details := make([]string, n), make([]bool, n), make([]string, n)
	for i, e := range evs {
		ids[i], ats[i], actors[i], roles[i], kinds[i] = e.ComplaintID, e.At, e.ActorUserID, string(e.ActorRole), e.Kind
		if e.FromStatus != nil {
			f := string(*e.FromStatus)
			froms[i] = &f
		}
		if e.ToStatus != nil {
			t := string(*e.ToStatus)
			tos[i] = &t
		}
		reasons[i], public[i] = e.Reason, e.Public
		detail := e.Detail
		if detail == nil {
			detail = map[string]any{}
		}
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("encode event detail: %w", err)
		}
		details[i] = string(b)
	}
	b.Queue(insertEventsSQL, ids, ats, actors, roles, kinds, froms, tos, reasons, public, details).
		Exec(func(pgconn.CommandTag) error { return nil })
	return nil
}

const eventsSQL = `SELECT id, complaint_id, at, actor_user_id, actor_role, kind, from_status, to_status,
	reason, public, detail
	FROM complaint_events WHERE complaint_id = $1 AND (public OR NOT $2) ORDER BY id`

// Events returns a complaint's timeline in order; publicOnly keeps only the
// events the complainant may see.
func (s *ComplaintStore) Events(ctx context.Context, complaintID int64, publicOnly bool) ([]Event, error) {
	evs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Event], eventsSQL, complaintID, publicOnly)
	if err != nil {
		return nil, fmt.Errorf("list complaint events: %w", err)
	}
	return evs, nil
}

// Place names a complaint's station and district for display.
type Place struct {
	StationNameEN  string `db:"station_name_en"`
	StationNameHI  string `db:"station_name_hi"`
	DistrictNameEN string `db:"district_name_en"`
	DistrictNameHI string `db:"district_name_hi"`
}

// Reads package jurisdiction's tables for display only.
const placeSQL = `SELECT ` + placeColumns + `
	FROM police_stations s JOIN districts d ON d.id = $2 WHERE s.id = $1`

// placeColumns are a Place's names, from stations s and districts d.
const placeColumns = `s.name_en AS station_name_en, s.name_hi AS station_name_hi,
	d.name_en AS district_name_en, d.name_hi AS district_name_hi`

// Place returns the names of a station and a district.
func (s *ComplaintStore) Place(ctx context.Context, stationID int64, districtID int) (Place, error) {
	rows, _ := s.db.Query(ctx, placeSQL, stationID, districtID)
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Place])
	if err != nil {
		return Place{}, fmt.Errorf("get station and district names: %w", pg.Interpret(err))
	}
	return p, nil
}
