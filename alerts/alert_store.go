package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// AlertStore reads and writes alerts and alert_events.
type AlertStore struct{ db pg.DBTX }

// NewAlertStore returns an AlertStore on db (a pool or a transaction).
func NewAlertStore(db pg.DBTX) *AlertStore { return &AlertStore{db: db} }

// NotifyChannel is the Postgres channel every alert event is announced on;
// the payload is the event id.
const NotifyChannel = "vikalp_alert_events"

const alertColumns = `a.id, a.kind, a.unit_kind, a.unit_id, a.unit_role, a.district_id, a.escalated_kind,
	a.escalated_id, a.escalated_role, a.escalated_to, a.escalation_level, a.severity, a.dedup_key, a.summary,
	a.summary_hi, a.category, a.place, a.place_hi, a.link, a.subject_kind, a.subject_id, a.occurred_at, a.score,
	a.h3_r8, a.state, a.ack_due_at, a.outcome, a.outcome_note, a.raised_at,
	a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by, a.updated_at`

// alertDest lists where each of alertColumns scans to.
func alertDest(a *Alert) []any {
	return []any{&a.ID, &a.Kind, &a.UnitKind, &a.UnitID, &a.UnitRole, &a.DistrictID, &a.EscalatedKind,
		&a.EscalatedID, &a.EscalatedRole, &a.EscalatedTo, &a.EscalationLevel, &a.Severity, &a.DedupKey, &a.Summary,
		&a.SummaryHI, &a.Category, &a.Place, &a.PlaceHI, &a.Link, &a.SubjectKind, &a.SubjectID, &a.OccurredAt, &a.Score,
		&a.H3R8, &a.State, &a.AckDueAt, &a.Outcome, &a.OutcomeNote, &a.RaisedAt,
		&a.AcknowledgedAt, &a.AcknowledgedBy, &a.ResolvedAt, &a.ResolvedBy, &a.UpdatedAt}
}

func scanAlert(row pgx.CollectableRow) (Alert, error) {
	var a Alert
	err := row.Scan(alertDest(&a)...)
	return a, err
}

// eventColumns read an event with its commit position as its public id;
// queries join eventsFrom.
const eventColumns = `p.pos, e.alert_id, e.kind, e.actor_user_id, e.actor_role, e.at, e.detail`

// eventsFrom joins committed events with their positions and alerts.
const eventsFrom = `alert_events e JOIN alert_event_positions p ON p.event_id = e.id JOIN alerts a ON a.id = e.alert_id`

func scanEventView(row pgx.CollectableRow) (EventView, error) {
	var v EventView
	e := &v.Event
	dest := append([]any{&e.ID, &e.AlertID, &e.Kind, &e.ActorUserID, &e.ActorRole, &e.At, &e.Detail},
		alertDest(&v.Alert)...)
	err := row.Scan(dest...)
	return v, err
}

// visibleSQL filters alerts a by a Visibility given as $1…$4 (see
// Visibility.args and Visibility.Allows): the alerts addressed to the unit,
// and those escalated to it at any level so far (escalated_to holds
// Unit.Key of each: "kind:id", or "kind:id:role" for one officer role).
const visibleSQL = `($1::bool
	OR (a.unit_kind = $2::text AND a.unit_id = $3::bigint AND (a.unit_role = '' OR a.unit_role = $4::text))
	OR a.escalated_to && ARRAY[$2::text || ':' || $3::bigint,
		CASE WHEN $4::text <> '' THEN $2::text || ':' || $3::bigint || ':' || $4::text END])`

const liveByDedupSQL = `SELECT ` + alertColumns + ` FROM alerts a
WHERE a.dedup_key = $1 AND a.state IN ('open', 'acknowledged')`

// insertRaisedSQL stores new open alerts (one per array element, in order)
// and each alert's "raised" event by the system ($20–$22) in one statement:
// raising is on the path of every complaint filing (two alerts) and
// happening-now report, and one round trip instead of two an alert is most
// of its cost. The events' webhook deliveries are queued through
// notify.Webhooks.QueueTx, one more statement for the whole batch. An element whose dedup key has a live alert
// (or repeats an earlier element's) stores nothing and returns no row.
const insertRaisedSQL = `
WITH r AS (
	SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::text[], $7::text[],
		$8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::timestamptz[],
		$15::text[], $16::text[], $17::text[], $18::timestamptz[], $19::float8[]) WITH ORDINALITY
		AS r(kind, unit_kind, unit_id, unit_role, district_id, severity, dedup_key, summary, summary_hi, link,
			subject_kind, subject_id, h3_r8, ack_due_at, category, place, place_hi, occurred_at, score, n)),
a AS (
	INSERT INTO alerts AS a (kind, unit_kind, unit_id, unit_role, district_id, severity, dedup_key, summary,
		summary_hi, link, subject_kind, subject_id, h3_r8, ack_due_at, category, place, place_hi, occurred_at,
		score, raised_at, updated_at)
	SELECT kind, unit_kind, unit_id, unit_role, district_id, severity, dedup_key, summary, summary_hi, link,
		subject_kind, subject_id, h3_r8, ack_due_at, category, place, place_hi, occurred_at, score, $20, $20
	FROM r ORDER BY n
	ON CONFLICT (dedup_key) WHERE state IN ('open', 'acknowledged') DO NOTHING
	RETURNING ` + alertColumns + `),
e AS (
	INSERT INTO alert_events (alert_id, kind, actor_role, at, detail)
	SELECT a.id, $21, $22, $20, '{}' FROM a ORDER BY a.id
	RETURNING id, alert_id)
SELECT ` + alertColumns + `, (SELECT e.id FROM e WHERE e.alert_id = a.id)
FROM a ORDER BY a.id`

// Raised is a newly stored alert with the row id of its "raised" event
// (what webhook deliveries reference).
type Raised struct {
	Alert   Alert
	EventID int64
}

// InsertRaised stores new open alerts raised at at, each with its "raised"
// event, and returns those it stored in order. An alert whose dedup key has a live alert is not stored.
func (s *AlertStore) InsertRaised(ctx context.Context, as []Alert, at time.Time) ([]Raised, error) {
	n := len(as)
	kinds, unitKinds, unitIDs, roles := make([]string, n), make([]string, n), make([]int64, n), make([]string, n)
	districts, severities, keys, summaries := make([]*int, n), make([]string, n), make([]string, n), make([]string, n)
	summariesHI := make([]string, n)
	links, subjectKinds, subjectIDs := make([]string, n), make([]string, n), make([]int64, n)
	cells, ackDue := make([]*int64, n), make([]*time.Time, n)
	categories, places, placesHI := make([]string, n), make([]string, n), make([]string, n)
	occurred, scores := make([]*time.Time, n), make([]*float64, n)
	for i, a := range as {
		kinds[i], unitKinds[i], unitIDs[i], roles[i] = string(a.Kind), string(a.UnitKind), a.UnitID, a.UnitRole
		districts[i], severities[i], keys[i], summaries[i] = a.DistrictID, string(a.Severity), a.DedupKey, a.Summary
		summariesHI[i] = a.SummaryHI
		links[i], subjectKinds[i], subjectIDs[i], cells[i], ackDue[i] = a.Link, a.SubjectKind, a.SubjectID, a.H3R8, a.AckDueAt
		categories[i], places[i], placesHI[i], occurred[i], scores[i] = a.Category, a.Place, a.PlaceHI, a.OccurredAt, a.Score
	}
	raised, err := pg.QueryAll(ctx, s.db, func(row pgx.CollectableRow) (Raised, error) {
		var r Raised
		err := row.Scan(append(alertDest(&r.Alert), &r.EventID)...)
		return r, err
	}, insertRaisedSQL, kinds, unitKinds, unitIDs, roles, districts, severities, keys,
		summaries, summariesHI, links, subjectKinds, subjectIDs, cells, ackDue, categories, places, placesHI,
		occurred, scores, at, EventRaised, actorSystem)
	if err != nil {
		return nil, fmt.Errorf("insert %d alerts: %w", n, err)
	}
	return raised, nil
}

// LiveByDedupKey returns the open or acknowledged alert with key, or
// vikalp.ErrNotFound.
func (s *AlertStore) LiveByDedupKey(ctx context.Context, key string) (Alert, error) {
	a, err := pg.QueryOne(ctx, s.db, scanAlert, liveByDedupSQL, key)
	if err != nil {
		return Alert{}, fmt.Errorf("get live alert by dedup key: %w", err)
	}
	return a, nil
}

const alertByIDSQL = `SELECT ` + alertColumns + ` FROM alerts a WHERE ` + visibleSQL + ` AND a.id = $5`

const alertByIDForUpdateSQL = alertByIDSQL + ` FOR UPDATE`

// ByID returns alert id as v sees it; an alert v may not see is
// vikalp.ErrNotFound.
func (s *AlertStore) ByID(ctx context.Context, id int64, v Visibility) (Alert, error) {
	return s.byID(ctx, alertByIDSQL, id, v)
}

// ByIDForUpdate is ByID that also locks the row until the transaction ends.
func (s *AlertStore) ByIDForUpdate(ctx context.Context, id int64, v Visibility) (Alert, error) {
	return s.byID(ctx, alertByIDForUpdateSQL, id, v)
}

func (s *AlertStore) byID(ctx context.Context, sql string, id int64, v Visibility) (Alert, error) {
	a, err := pg.QueryOne(ctx, s.db, scanAlert, sql, append(v.args(), id)...)
	if err != nil {
		return Alert{}, fmt.Errorf("get alert %d: %w", id, err)
	}
	return a, nil
}

// Filter selects alerts for List. Zero fields do not filter.
type Filter struct {
	State    State
	Kind     Kind
	UnitKind UnitKind
	UnitID   int64
	Since    *time.Time // raised at or after
	Until    *time.Time // raised before
	BeforeID int64      // page: alerts with a smaller id
	Limit    int        // default and maximum 200
}

const listAlertsSQL = `SELECT ` + alertColumns + ` FROM alerts a WHERE ` + visibleSQL + `
	AND ($5::text = '' OR a.state = $5)
	AND ($6::text = '' OR a.kind = $6)
	AND ($7::text = '' OR ((a.unit_kind = $7 AND ($8::bigint = 0 OR a.unit_id = $8))
		OR EXISTS (SELECT 1 FROM unnest(a.escalated_to) k
			WHERE split_part(k, ':', 1) = $7 AND ($8::bigint = 0 OR split_part(k, ':', 2) = $8::text))))
	AND ($9::timestamptz IS NULL OR a.raised_at >= $9)
	AND ($10::timestamptz IS NULL OR a.raised_at < $10)
	AND ($11::bigint = 0 OR a.id < $11)
ORDER BY a.id DESC LIMIT $12`

// List returns the alerts v may see that match f, newest first.
func (s *AlertStore) List(ctx context.Context, v Visibility, f Filter) ([]Alert, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	list, err := pg.QueryAll(ctx, s.db, scanAlert, listAlertsSQL, append(v.args(), string(f.State), string(f.Kind),
		string(f.UnitKind), f.UnitID, f.Since, f.Until, f.BeforeID, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return list, nil
}

const acknowledgeSQL = `UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
	updated_at = $2 WHERE id = $1 AND state = 'open'`

// Acknowledge moves open alert id to acknowledged.
func (s *AlertStore) Acknowledge(ctx context.Context, id int64, by *int64, at time.Time) error {
	return s.update(ctx, "acknowledge alert", acknowledgeSQL, id, at, by)
}

const resolveSQL = `UPDATE alerts SET state = 'resolved', resolved_at = $2, resolved_by = $3, updated_at = $2
	WHERE id = $1 AND state IN ('open', 'acknowledged')`

// Resolve moves open or acknowledged alert id to resolved.
func (s *AlertStore) Resolve(ctx context.Context, id int64, by *int64, at time.Time) error {
	return s.update(ctx, "resolve alert", resolveSQL, id, at, by)
}

const setOutcomeSQL = `UPDATE alerts SET outcome = $3, outcome_note = $4, updated_at = $2
	WHERE id = $1 AND state IN ('open', 'acknowledged')`

// SetOutcome records a PCR outcome and note on live alert id.
func (s *AlertStore) SetOutcome(ctx context.Context, id int64, at time.Time, outcome, note string) error {
	return s.update(ctx, "set alert outcome", setOutcomeSQL, id, at, outcome, note)
}

const escalateSQL = `UPDATE alerts a SET escalated_kind = $3, escalated_id = $4, escalated_role = $5,
	escalated_to = CASE WHEN $6::text = ANY(escalated_to) THEN escalated_to ELSE array_append(escalated_to, $6::text) END,
	escalation_level = escalation_level + 1, ack_due_at = $7, updated_at = $2
	WHERE a.id = $1 AND a.state = 'open'
	RETURNING ` + alertColumns

// Escalate hands open alert id on to unit to as well (every level reached
// keeps it), sets its next acknowledgement deadline and returns it. An
// alert that is not open is vikalp.ErrConflict (callers lock it first).
func (s *AlertStore) Escalate(ctx context.Context, id int64, at time.Time, to Unit, nextDue time.Time) (Alert, error) {
	a, err := pg.QueryOne(ctx, s.db, scanAlert, escalateSQL, id, at, string(to.Kind), to.ID, to.Role, to.Key(), nextDue)
	if errors.Is(err, vikalp.ErrNotFound) {
		err = vikalp.ErrConflict
	}
	if err != nil {
		return Alert{}, fmt.Errorf("escalate alert %d: %w", id, err)
	}
	return a, nil
}

// refreshSQL brings live alert $1 up to date with its subject, only when the
// score rises ($4), so a late job with an older score changes nothing.
const refreshSQL = `UPDATE alerts a SET summary = $2, summary_hi = $3, score = $4, place = $5, place_hi = $6,
	occurred_at = $7, updated_at = $8
	WHERE a.id = $1 AND a.state IN ('open', 'acknowledged') AND (a.score IS NULL OR a.score < $4)
	RETURNING ` + alertColumns

// Refresh sets live alert id's summaries, score, place and time to those of
// to when to.Score is higher than its own, and returns the alert as stored;
// changed is false (and nothing is written) when the score is not higher
// or the alert is no longer live.
func (s *AlertStore) Refresh(ctx context.Context, id int64, to Alert, at time.Time) (_ Alert, changed bool, _ error) {
	a, err := pg.QueryOne(ctx, s.db, scanAlert, refreshSQL, id, to.Summary, to.SummaryHI, to.Score, to.Place,
		to.PlaceHI, to.OccurredAt, at)
	if errors.Is(err, vikalp.ErrNotFound) {
		return Alert{}, false, nil
	}
	if err != nil {
		return Alert{}, false, fmt.Errorf("update alert %d: %w", id, err)
	}
	return a, true, nil
}

// update runs one guarded UPDATE; no row changed is vikalp.ErrConflict (the
// alert moved on meanwhile; callers lock the row first, so this is a bug
// guard, not a race).
func (s *AlertStore) update(ctx context.Context, what, sql string, args ...any) error {
	tag, err := s.db.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, vikalp.ErrConflict)
	}
	return nil
}

// insertEventSQL appends an event. Its position and the notification come
// from the deferred trigger of migration 00020 when the transaction commits,
// under advisory lock 0x76696b616c70 ("vikalp"), so positions become visible
// in increasing order (see doc.go).
const insertEventSQL = `
INSERT INTO alert_events (alert_id, kind, actor_user_id, actor_role, at, detail)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`

// AppendEvent appends e (its ID is ignored) and returns its row id, which
// webhook deliveries reference. Its public id, the position consoles see,
// is assigned when the transaction commits.
func (s *AlertStore) AppendEvent(ctx context.Context, e Event) (int64, error) {
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	var id int64
	err := s.db.QueryRow(ctx, insertEventSQL, e.AlertID, e.Kind, e.ActorUserID, e.ActorRole, e.At, e.Detail).
		Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("append alert event: %w", pg.Interpret(err))
	}
	return id, nil
}

const eventsAfterSQL = `SELECT ` + eventColumns + `, ` + alertColumns + `
FROM ` + eventsFrom + `
WHERE ` + visibleSQL + ` AND p.pos > $5
ORDER BY p.pos LIMIT $6`

// allEventsAfterSQL is eventsAfterSQL for every alert (the hub's read),
// bounded by construction: at most $2 positions from the primary key, then
// one primary-key lookup each for the event and its alert (the LIMIT 1s,
// no-ops on primary keys, keep the planner from flattening the lookups
// into a join). As a plain join, PostgreSQL hash-joined a seq scan of every
// event whenever the hub was a few hundred behind (seen spilling to temp
// files in make bench): 3.4 ms at 600 behind and growing with the table,
// against 1.5 ms for 500 events now, whatever the table's size.
const allEventsAfterSQL = `SELECT ` + eventColumns + `, ` + alertColumns + `
FROM (SELECT pos, event_id FROM alert_event_positions WHERE pos > $1 ORDER BY pos LIMIT $2) p
JOIN LATERAL (SELECT * FROM alert_events WHERE id = p.event_id LIMIT 1) e ON true
JOIN LATERAL (SELECT * FROM alerts WHERE id = e.alert_id LIMIT 1) a ON true
ORDER BY p.pos`

// AllEventsAfter returns up to limit events of any alert with a position
// above after, in commit order.
func (s *AlertStore) AllEventsAfter(ctx context.Context, after int64, limit int) ([]EventView, error) {
	return s.eventsAfter(ctx, allEventsAfterSQL, after, limit)
}

// EventsAfter returns up to limit events with a position above after, of
// alerts v may see, in commit order.
func (s *AlertStore) EventsAfter(ctx context.Context, v Visibility, after int64, limit int) ([]EventView, error) {
	return s.eventsAfter(ctx, eventsAfterSQL, append(v.args(), after, limit)...)
}

func (s *AlertStore) eventsAfter(ctx context.Context, sql string, args ...any) ([]EventView, error) {
	list, err := pg.QueryAll(ctx, s.db, scanEventView, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list alert events: %w", err)
	}
	return list, nil
}

const eventsOfSQL = `SELECT ` + eventColumns + `, ` + alertColumns + `
FROM ` + eventsFrom + `
WHERE ` + visibleSQL + ` AND e.alert_id = $5 ORDER BY p.pos`

// EventsOf returns the timeline of alert id as v sees it, oldest first.
func (s *AlertStore) EventsOf(ctx context.Context, v Visibility, id int64) ([]EventView, error) {
	list, err := pg.QueryAll(ctx, s.db, scanEventView, eventsOfSQL, append(v.args(), id)...)
	if err != nil {
		return nil, fmt.Errorf("list events of alert %d: %w", id, err)
	}
	return list, nil
}

const lastEventIDSQL = `SELECT COALESCE(max(pos), 0) FROM alert_event_positions`

// LastEventID returns the highest committed event position, 0 when none.
func (s *AlertStore) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, lastEventIDSQL).Scan(&id); err != nil {
		return 0, fmt.Errorf("get last alert event id: %w", pg.Interpret(err))
	}
	return id, nil
}

const eventViewSQL = `SELECT ` + eventColumns + `, ` + alertColumns + `
FROM ` + eventsFrom + ` WHERE e.id = $1`

// EventView returns the event with row id (a webhook delivery's event_id)
// and its alert, or vikalp.ErrNotFound; its ID is the public position.
func (s *AlertStore) EventView(ctx context.Context, id int64) (EventView, error) {
	v, err := pg.QueryOne(ctx, s.db, scanEventView, eventViewSQL, id)
	if err != nil {
		return EventView{}, fmt.Errorf("get alert event %d: %w", id, err)
	}
	return v, nil
}
