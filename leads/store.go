package leads

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// Store reads and writes the leads, lead_members and lead_events
// tables. Every read for a person takes a Scope.
type Store struct{ db pg.DBTX }

// NewStore returns a Store on db (a pool or a transaction).
func NewStore(db pg.DBTX) *Store { return &Store{db: db} }

// leadLockKey serialises relinking ("VIKLEADS"): the tip worker, a full
// run and investigator merges and splits never interleave.
const leadLockKey int64 = 0x56494B4C45414453

const leadLockSQL = `SELECT pg_advisory_xact_lock($1)`

// lock takes the relink lock until the transaction ends.
func (s *Store) lock(ctx context.Context) error {
	if _, err := s.db.Exec(ctx, leadLockSQL, leadLockKey); err != nil {
		return fmt.Errorf("lock leads: %w", err)
	}
	return nil
}

// memberRow is one lead_members row.
type memberRow struct {
	TipID  int64  `db:"tip_id"`
	LeadID int64  `db:"lead_id"`
	Via    string `db:"via"`
}

// $1 NULL reads every membership.
const membershipsSQL = `
SELECT tip_id, lead_id, via FROM lead_members WHERE $1::bigint[] IS NULL OR tip_id = ANY($1)`

// memberships returns the current lead of tips ids (nil: all tips).
func (s *Store) memberships(ctx context.Context, ids []int64) ([]memberRow, error) {
	out, err := leadRows[memberRow](ctx, s.db, membershipsSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("read lead members: %w", err)
	}
	return out, nil
}

const createLeadSQL = `
INSERT INTO leads (status, created_at, updated_at) VALUES ('new', $1, $1) RETURNING id`

// create inserts an empty new lead and its "created" event.
func (s *Store) create(ctx context.Context, now time.Time) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, createLeadSQL, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("create lead: %w", pg.Interpret(err))
	}
	return id, s.addEvent(ctx, leadEventRow{LeadID: id, Kind: "created", At: now})
}

// Pinned tips are in a group that keeps their lead, so the update never
// moves a pin; the WHERE keeps joined_at for tips that stay.
const setMembersSQL = `
INSERT INTO lead_members (tip_id, lead_id, via, joined_at)
SELECT unnest($2::bigint[]), $1, 'pipeline', $3
ON CONFLICT (tip_id) DO UPDATE SET lead_id = EXCLUDED.lead_id, joined_at = EXCLUDED.joined_at
WHERE lead_members.lead_id <> EXCLUDED.lead_id`

// setMembers puts tips in lead id; it returns how many joined or moved.
func (s *Store) setMembers(ctx context.Context, id int64, tips []int64, now time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, setMembersSQL, id, tips, now)
	if err != nil {
		return 0, fmt.Errorf("set members of lead %d: %w", id, pg.Interpret(err))
	}
	return tag.RowsAffected(), nil
}

const pinMembersSQL = `
INSERT INTO lead_members (tip_id, lead_id, via, pinned_by, joined_at)
SELECT unnest($2::bigint[]), $1, 'pin', $3, $4
ON CONFLICT (tip_id) DO UPDATE SET lead_id = EXCLUDED.lead_id, via = 'pin',
	pinned_by = EXCLUDED.pinned_by, joined_at = EXCLUDED.joined_at`

// pin puts tips in lead id for good: an investigator's merge or split.
func (s *Store) pin(ctx context.Context, id int64, tips []int64, by int64, now time.Time) error {
	if _, err := s.db.Exec(ctx, pinMembersSQL, id, tips, by, now); err != nil {
		return fmt.Errorf("pin tips to lead %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const absorbLeadSQL = `
UPDATE leads SET merged_into = $2, tip_count = 0, updated_at = $3 WHERE id = $1 AND merged_into IS NULL`

// absorb marks lead id as merged into lead into (its tips are there now).
func (s *Store) absorb(ctx context.Context, id, into int64, now time.Time) error {
	if _, err := s.db.Exec(ctx, absorbLeadSQL, id, into, now); err != nil {
		return fmt.Errorf("absorb lead %d: %w", id, pg.Interpret(err))
	}
	return nil
}

// leadStateRow is what alerting compares before a rescore.
type leadStateRow struct {
	ID           int64    `db:"id"`
	Score        float64  `db:"score"`
	AlertedScore *float64 `db:"alerted_score"`
}

const leadStatesSQL = `
SELECT id, score, alerted_score FROM leads WHERE merged_into IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1))
ORDER BY id`

// states returns the scores of active leads ids (nil: every active lead).
func (s *Store) states(ctx context.Context, ids []int64) ([]leadStateRow, error) {
	out, err := leadRows[leadStateRow](ctx, s.db, leadStatesSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("read lead states: %w", err)
	}
	return out, nil
}

// The centroid arrives as lon/lat numbers computed in Go from the places.
const saveScoreSQL = `
UPDATE leads SET score = $2, explanation = $3, tip_count = $4, ahtu_id = NULLIF($5, 0),
	district_id = NULLIF($6, 0), geom = ST_SetSRID(ST_MakePoint($7, $8), 4326),
	first_tip_at = $9, last_tip_at = $10, updated_at = $11
WHERE id = $1`

// saveScore stores a lead's score, explanation, routing and centroid.
func (s *Store) saveScore(ctx context.Context, id int64, sc Scoring, tips int, now time.Time) error {
	expl, err := json.Marshal(sc.Explanation)
	if err != nil {
		return fmt.Errorf("encode explanation of lead %d: %w", id, err)
	}
	_, err = s.db.Exec(ctx, saveScoreSQL, id, sc.Score, expl, tips, sc.AHTUID, sc.DistrictID, sc.Lon, sc.Lat,
		sc.FirstTipAt, sc.LastTipAt, now)
	if err != nil {
		return fmt.Errorf("save score of lead %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const setAlertedSQL = `UPDATE leads SET alerted_score = $2 WHERE id = $1`

// setAlerted records the score a lead alert was raised at.
func (s *Store) setAlerted(ctx context.Context, id int64, score float64) error {
	if _, err := s.db.Exec(ctx, setAlertedSQL, id, score); err != nil {
		return fmt.Errorf("mark lead %d alerted: %w", id, pg.Interpret(err))
	}
	return nil
}

// leadEventRow is one lead_events row to insert.
type leadEventRow struct {
	LeadID      int64
	Kind        string
	FromStatus  Status
	ToStatus    Status
	Note        string
	Detail      map[string]any
	ActorUserID int64
	ActorRole   string
	At          time.Time
}

const addLeadEventSQL = `
INSERT INTO lead_events (lead_id, kind, from_status, to_status, note, detail, actor_user_id, actor_role, at)
VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, $6, NULLIF($7, 0), $8, $9)`

// addEvent appends to a lead's history.
func (s *Store) addEvent(ctx context.Context, e leadEventRow) error {
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	_, err := s.db.Exec(ctx, addLeadEventSQL, e.LeadID, e.Kind, string(e.FromStatus), string(e.ToStatus), e.Note,
		detail, e.ActorUserID, e.ActorRole, e.At)
	if err != nil {
		return fmt.Errorf("add %s event to lead %d: %w", e.Kind, e.LeadID, pg.Interpret(err))
	}
	return nil
}

// leadColumns are the columns a Lead scans from (leads l).
const leadColumns = `l.id, l.ahtu_id, l.district_id, l.status, l.score, l.explanation, l.tip_count,
	ST_Y(l.geom) AS lat, ST_X(l.geom) AS lon, l.assigned_to, l.first_tip_at, l.last_tip_at, l.created_at, l.updated_at`

// leadVisible is the scope predicate on leads l: $1 = all, $2 = AHTU id.
const leadVisible = `l.merged_into IS NULL AND ($1::boolean OR l.ahtu_id = $2::int)`

const listLeadsSQL = `
SELECT ` + leadColumns + `
FROM leads l
WHERE ` + leadVisible + ` AND ($3::text = '' OR l.status = $3) AND l.score >= $4
	AND ($5::int = 0 OR l.district_id = $5)
ORDER BY l.score DESC, l.id DESC LIMIT $6`

// List returns up to f.Limit leads visible in scope, highest score first.
func (s *Store) List(ctx context.Context, scope Scope, f Filter) ([]Lead, error) {
	out, err := leadRows[Lead](ctx, s.db, listLeadsSQL, scope.All, scope.AHTUID, string(f.Status), f.MinScore,
		f.DistrictID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list leads: %w", err)
	}
	return out, nil
}

const leadSQL = `SELECT ` + leadColumns + ` FROM leads l WHERE ` + leadVisible + ` AND l.id = $3`

// Lead returns lead id when it is visible in scope, else vikalp.ErrNotFound.
// forUpdate locks its row until the transaction ends.
func (s *Store) Lead(ctx context.Context, scope Scope, id int64, forUpdate bool) (Lead, error) {
	q := leadSQL
	if forUpdate {
		q += " FOR UPDATE OF l"
	}
	l, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Lead], q, scope.All, scope.AHTUID, id)
	if err != nil {
		return Lead{}, fmt.Errorf("get lead %d: %w", id, err)
	}
	return l, nil
}

const leadMembersSQL = `
SELECT m.tip_id, t.code, t.received_at, m.via, m.joined_at
FROM lead_members m JOIN tips t ON t.id = m.tip_id WHERE m.lead_id = $1 ORDER BY m.tip_id`

// Members returns the tips of lead id.
func (s *Store) Members(ctx context.Context, id int64) ([]Member, error) {
	out, err := leadRows[Member](ctx, s.db, leadMembersSQL, id)
	if err != nil {
		return nil, fmt.Errorf("list members of lead %d: %w", id, err)
	}
	return out, nil
}

const leadEntitiesSQL = `
SELECT e.kind, e.value, array_agg(te.tip_id ORDER BY te.tip_id) AS tip_ids
FROM lead_members m JOIN tip_entities te ON te.tip_id = m.tip_id JOIN entities e ON e.id = te.entity_id
WHERE m.lead_id = $1 GROUP BY e.kind, e.value ORDER BY count(*) DESC, e.kind, e.value`

// Entities returns the entities mentioned by tips of lead id, most shared first.
func (s *Store) Entities(ctx context.Context, id int64) ([]SharedEntity, error) {
	out, err := leadRows[SharedEntity](ctx, s.db, leadEntitiesSQL, id)
	if err != nil {
		return nil, fmt.Errorf("list entities of lead %d: %w", id, err)
	}
	return out, nil
}

const leadEventsSQL = `
SELECT id, kind, from_status, to_status, note, actor_user_id, actor_role, at
FROM lead_events WHERE lead_id = $1 ORDER BY id`

// Events returns the history of lead id, oldest first.
func (s *Store) Events(ctx context.Context, id int64) ([]Event, error) {
	out, err := leadRows[Event](ctx, s.db, leadEventsSQL, id)
	if err != nil {
		return nil, fmt.Errorf("list events of lead %d: %w", id, err)
	}
	return out, nil
}

const setLeadStatusSQL = `UPDATE leads SET status = $2, updated_at = $3 WHERE id = $1`

// setStatus moves lead id to status to (checked by the caller).
func (s *Store) setStatus(ctx context.Context, id int64, to Status, now time.Time) error {
	if _, err := s.db.Exec(ctx, setLeadStatusSQL, id, string(to), now); err != nil {
		return fmt.Errorf("set status of lead %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const assignLeadSQL = `UPDATE leads SET assigned_to = $2, updated_at = $3 WHERE id = $1`

// assign gives lead id to user userID.
func (s *Store) assign(ctx context.Context, id, userID int64, now time.Time) error {
	if _, err := s.db.Exec(ctx, assignLeadSQL, id, userID, now); err != nil {
		return fmt.Errorf("assign lead %d: %w", id, pg.Interpret(err))
	}
	return nil
}
