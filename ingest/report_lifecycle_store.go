package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// ReportEvent is one row of a report's append-only history. Note is
// staff-only; ReasonCode is public.
type ReportEvent struct {
	ID          int64     `db:"id"`
	ReportID    int64     `db:"report_id"`
	At          time.Time `db:"at"`
	ActorUserID *int64    `db:"actor_user_id"`
	ActorRole   string    `db:"actor_role"`
	Kind        string    `db:"kind"`
	ReasonCode  string    `db:"reason_code"`
	Note        string    `db:"note"`
	ByReportID  *int64    `db:"by_report_id"`
	Public      bool      `db:"public"`
}

const insertReportEventSQL = `INSERT INTO report_events (report_id, at, actor_user_id, actor_role, kind,
	reason_code, note, by_report_id, public) VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8, $9)`

// InsertEvent appends e to its report's history.
func (s *ReportStore) InsertEvent(ctx context.Context, e ReportEvent) error {
	var actor int64
	if e.ActorUserID != nil {
		actor = *e.ActorUserID
	}
	_, err := s.db.Exec(ctx, insertReportEventSQL, e.ReportID, e.At, actor, e.ActorRole, e.Kind,
		e.ReasonCode, e.Note, e.ByReportID, e.Public)
	if err != nil {
		return fmt.Errorf("insert %s event of report %d: %w", e.Kind, e.ReportID, pg.Interpret(err))
	}
	return nil
}

const reportEventColumns = `e.id, e.report_id, e.at, e.actor_user_id, e.actor_role, e.kind, e.reason_code,
	e.note, e.by_report_id, e.public`

const reportEventsSQL = `SELECT ` + reportEventColumns + ` FROM report_events e WHERE e.report_id = $1 ORDER BY e.id`

// Events returns report id's whole history (staff use), oldest first.
func (s *ReportStore) Events(ctx context.Context, id int64) ([]ReportEvent, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ReportEvent], reportEventsSQL, id)
	if err != nil {
		return nil, fmt.Errorf("list events of report %d: %w", id, err)
	}
	return list, nil
}

// publicEventsSQL reads a report's public events without their staff-only
// notes and actors.
const publicEventsSQL = `SELECT e.id, e.report_id, e.at, NULL::bigint AS actor_user_id, '' AS actor_role,
	e.kind, e.reason_code, '' AS note, NULL::bigint AS by_report_id, e.public
FROM report_events e WHERE e.public AND e.report_id = $1 ORDER BY e.id`

// PublicEvents returns report id's public timeline, oldest first, without
// notes or actors.
func (s *ReportStore) PublicEvents(ctx context.Context, id int64) ([]ReportEvent, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ReportEvent], publicEventsSQL, id)
	if err != nil {
		return nil, fmt.Errorf("list public events of report %d: %w", id, err)
	}
	return list, nil
}

// reporterRow is a report_reporters row: the reporter's hashed and sealed
// secret, and her sealed phone (nil: she wants no SMS).
type reporterRow struct {
	Hash, Sealed, PhoneSealed []byte
}

const reporterSealedSQL = `SELECT p.secret_sealed, COALESCE(r.open311_token, '')
FROM report_reporters p JOIN reports r ON r.id = p.report_id WHERE p.report_id = $1`

// ReporterSealed returns report id's sealed secret and Open311 token ("").
func (s *ReportStore) ReporterSealed(ctx context.Context, id int64) ([]byte, string, error) {
	var sealed []byte
	var token string
	if err := s.db.QueryRow(ctx, reporterSealedSQL, id).Scan(&sealed, &token); err != nil {
		return nil, "", fmt.Errorf("get reporter of report %d: %w", id, pg.Interpret(err))
	}
	return sealed, token, nil
}

// ReporterRef is a report as its reporter's secret check needs it.
type ReporterRef struct {
	ID         int64  `db:"id"`
	Code       string `db:"code"`
	Status     string `db:"status"`
	SecretHash []byte `db:"secret_hash"`
}

// lockReporterSQL locks the report (FOR UPDATE OF r) so her updates are
// serialized with moderation and outcomes.
const lockReporterSQL = `SELECT r.id, r.code, r.status, p.secret_hash
FROM reports r JOIN report_reporters p ON p.report_id = r.id WHERE r.code = $1 FOR UPDATE OF r`

// LockReporter returns the report with code and its secret hash, locked
// when on a transaction; a report without a reporter secret (imported, or
// filed before secrets existed) is vikalp.ErrNotFound.
func (s *ReportStore) LockReporter(ctx context.Context, code string) (ReporterRef, error) {
	ref, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[ReporterRef], lockReporterSQL, code)
	if err != nil {
		return ReporterRef{}, fmt.Errorf("get reporter of %s: %w", code, err)
	}
	return ref, nil
}

const insertReportUpdateSQL = `INSERT INTO report_updates (report_id, body, media_id, created_at) VALUES ($1, $2, $3, $4)`

// InsertUpdate stores one update of the reporter to report id.
func (s *ReportStore) InsertUpdate(ctx context.Context, id int64, body string, mediaID *int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, insertReportUpdateSQL, id, body, mediaID, at); err != nil {
		return fmt.Errorf("insert update of report %d: %w", id, pg.Interpret(err))
	}
	return nil
}

const reportUpdatesSQL = `SELECT id, body, media_id IS NOT NULL AS has_photo, media_id, created_at
FROM report_updates WHERE report_id = $1 ORDER BY id`

// Updates returns the reporter's updates to report id, oldest first.
func (s *ReportStore) Updates(ctx context.Context, id int64) ([]ReporterUpdate, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ReporterUpdate], reportUpdatesSQL, id)
	if err != nil {
		return nil, fmt.Errorf("list updates of report %d: %w", id, err)
	}
	return list, nil
}

const updateMediaSQL = `SELECT media_id FROM report_updates WHERE report_id = $1 AND id = $2 AND media_id IS NOT NULL`

// UpdateMedia returns the media id of the photo of update updateID to
// report id, or vikalp.ErrNotFound.
func (s *ReportStore) UpdateMedia(ctx context.Context, id, updateID int64) (int64, error) {
	m, err := pg.QueryOne(ctx, s.db, pgx.RowTo[int64], updateMediaSQL, id, updateID)
	if err != nil {
		return 0, fmt.Errorf("get photo of update %d: %w", updateID, err)
	}
	return m, nil
}

// LifecycleState is what an outcome change checks.
type LifecycleState struct {
	Code    string
	Status  string
	Outcome string
	Area    ReportArea
}

const lifecycleSQL = `SELECT COALESCE(code, ''), status, COALESCE(outcome, ''), district_id, station_id, pcr_unit_id
FROM reports WHERE id = $1 AND source <> 'import'`

func scanLifecycle(row pgx.CollectableRow) (LifecycleState, error) {
	var st LifecycleState
	err := row.Scan(&st.Code, &st.Status, &st.Outcome, &st.Area.DistrictID, &st.Area.StationID, &st.Area.PCRUnitID)
	return st, err
}

// Lifecycle reads report id's status, outcome and area, or
// vikalp.ErrNotFound (imported reports have no lifecycle).
func (s *ReportStore) Lifecycle(ctx context.Context, id int64) (LifecycleState, error) {
	st, err := pg.QueryOne(ctx, s.db, scanLifecycle, lifecycleSQL, id)
	if err != nil {
		return st, fmt.Errorf("read lifecycle of report %d: %w", id, err)
	}
	return st, nil
}

// LockLifecycle is Lifecycle with the report locked for the transaction.
func (s *ReportStore) LockLifecycle(ctx context.Context, id int64) (LifecycleState, error) {
	st, err := pg.QueryOne(ctx, s.db, scanLifecycle, lifecycleSQL+` FOR UPDATE`, id)
	if err != nil {
		return st, fmt.Errorf("lock report %d: %w", id, err)
	}
	return st, nil
}

const setOutcomeSQL = `UPDATE reports SET outcome = $2, outcome_reason = $3, outcome_by = $4, outcome_at = $5
WHERE id = $1 AND status = 'approved'`

// SetOutcome records an outcome of approved report id.
func (s *ReportStore) SetOutcome(ctx context.Context, id int64, outcome, reason string, by int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, setOutcomeSQL, id, outcome, reason, by, at); err != nil {
		return fmt.Errorf("set outcome of report %d: %w", id, pg.Interpret(err))
	}
	return nil
}

// reopenRepeatedSQL reopens the fixed or closed approved reports that
// approved report $1 repeats: same category, and the same r9 cell or
// within $2 metres (geodesic, as duplicate linking; the && box lets the
// GiST index on geom find candidates), received after their closure. The
// outcome's reason and closer stay in the history, not on the row.
const reopenRepeatedSQL = `UPDATE reports o SET outcome = 'reopened', outcome_reason = NULL, outcome_by = NULL,
	outcome_at = $5
FROM reports n
WHERE n.id = $1 AND o.id <> n.id AND o.status = 'approved' AND o.outcome IN ('fixed', 'closed')
	AND o.category = n.category AND o.outcome_at < n.received_at
	AND (o.h3_r9 = n.h3_r9 OR (o.geom && ST_Expand(n.geom, $3, $4)
		AND ST_DWithin(o.geom::geography, n.geom::geography, $2)))
RETURNING o.id`

const reportLatitudeSQL = `SELECT ST_Y(geom) FROM reports WHERE id = $1`

// ReopenRepeated reopens what approved report id repeats (see
// reopenRepeatedSQL) at time at and returns the reopened reports' ids.
func (s *ReportStore) ReopenRepeated(ctx context.Context, id int64, radius float64, at time.Time) ([]int64, error) {
	var lat float64
	if err := s.db.QueryRow(ctx, reportLatitudeSQL, id).Scan(&lat); err != nil {
		return nil, fmt.Errorf("read latitude of report %d: %w", id, pg.Interpret(err))
	}
	dLon, dLat := searchBox(lat, radius)
	rows, err := s.db.Query(ctx, reopenRepeatedSQL, id, radius, dLon, dLat, at)
	if err != nil {
		return nil, fmt.Errorf("reopen reports repeated by %d: %w", id, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("reopen reports repeated by %d: %w", id, pg.Interpret(err))
	}
	return ids, nil
}

const reporterPhoneSQL = `SELECT r.code, p.phone_sealed FROM reports r
	LEFT JOIN report_reporters p ON p.report_id = r.id WHERE r.id = $1`

// ReporterPhone returns report id's code and its reporter's sealed phone,
// nil when she left none.
func (s *ReportStore) ReporterPhone(ctx context.Context, id int64) (string, []byte, error) {
	var code string
	var sealed []byte
	if err := s.db.QueryRow(ctx, reporterPhoneSQL, id).Scan(&code, &sealed); err != nil {
		return "", nil, fmt.Errorf("get reporter phone of report %d: %w", id, pg.Interpret(err))
	}
	return code, sealed, nil
}

const reportCodeSQL = `SELECT code FROM reports WHERE id = $1`

// Code returns the code of report id (a reporter's number in the SMS
// outbox is sealed to it).
func (s *ReportStore) Code(ctx context.Context, id int64) (string, error) {
	var code string
	if err := s.db.QueryRow(ctx, reportCodeSQL, id).Scan(&code); err != nil {
		return "", fmt.Errorf("get code of report %d: %w", id, pg.Interpret(err))
	}
	return code, nil
}
