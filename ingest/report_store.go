package ingest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// ReportStore reads and writes the reports and report_media tables.
type ReportStore struct{ db pg.DBTX }

// NewReportStore returns a ReportStore on db (a pool or a transaction).
func NewReportStore(db pg.DBTX) *ReportStore { return &ReportStore{db: db} }

// reportRow is one report to insert.
type reportRow struct {
	Code           *string
	Source         string
	SourceID       *string
	Status         string
	Category       Category
	Body           string
	HappeningNow   bool
	OccurredAt     *time.Time
	ReceivedAt     time.Time
	EventAt        time.Time
	LocationSource string
	Lat, Lon       float64
	Cells          geo.Cells
	Routing        jurisdiction.Routing
	DuplicateOf    *int64
	Attributes     map[string]string // Open311 answers; nil for none
	Open311Token   *string
}

// insertFiledSQL inserts a report and its reporter's row in one statement
// ($24–$26: report_reporters' secret_hash, secret_sealed, phone_sealed),
// one round trip; the foreign key's check, at the statement's end, sees
// the report.
const insertFiledSQL = `
WITH r AS (
	INSERT INTO reports (code, source, source_id, status, category, body, happening_now, occurred_at,
		received_at, event_at, location_source, geom, h3_r5, h3_r7, h3_r8, h3_r9,
		district_id, station_id, pcr_unit_id, ahtu_id, duplicate_of, attributes, open311_token)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ST_GeomFromWKB($12, 4326), $13, $14, $15, $16,
		$17, NULLIF($18, 0), NULLIF($19, 0), NULLIF($20, 0), $21, COALESCE($22::jsonb, '{}'), $23)
	RETURNING id)
INSERT INTO report_reporters (report_id, secret_hash, secret_sealed, phone_sealed)
SELECT r.id, $24, $25, $26 FROM r
RETURNING report_id`

// InsertFiled stores a filed report r with its reporter rep and returns
// the report's id. Zero station, PCR unit and AHTU ids are stored as NULL
// (no such unit configured).
func (s *ReportStore) InsertFiled(ctx context.Context, r reportRow, rep reporterRow) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertFiledSQL, r.Code, r.Source, r.SourceID, r.Status, string(r.Category),
		r.Body, r.HappeningNow, r.OccurredAt, r.ReceivedAt, r.EventAt, r.LocationSource,
		wkb.Value(orb.Point{r.Lon, r.Lat}), r.Cells.R5, r.Cells.R7, r.Cells.R8, r.Cells.R9,
		r.Routing.DistrictID, r.Routing.StationID, r.Routing.PCRUnitID, r.Routing.AHTUID,
		r.DuplicateOf, r.Attributes, r.Open311Token, rep.Hash, rep.Sealed, rep.PhoneSealed).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert report: %w", pg.Interpret(err))
	}
	return id, nil
}

// DuplicateLink is the outcome of LinkDuplicate.
type DuplicateLink struct {
	EarlierID    *int64 // the report a new one joins; nil when it stands alone
	AlsoReported int    // the earlier report's count after the increment
}

// MaxDuplicateRadius (metres) is the largest Config.DuplicateRadius: the
// most for which the locks of duplicateLockCells are sound (see there).
const MaxDuplicateRadius = 250

// lockCellsSQL takes one transaction-scoped advisory lock per r8 cell of
// $1, in the array's order, for category $2.
const lockCellsSQL = `
SELECT pg_advisory_xact_lock(hashtextextended('ingest.reports.r8:' || c || ':' || $2::text, 0))
FROM unnest($1::bigint[]) AS c`

// duplicateLockCells returns the cells whose locks (lockCellsSQL, taken by
// LinkDuplicate) serialize the reports of one category that could be
// duplicates of each other until the transaction ends, so two simultaneous
// reports of the same thing cannot both become originals (each would look
// for the other before it is committed). A report locks its r8 cell and
// the six around it. Two reports within MaxDuplicateRadius of each other lie
// in the same or in adjacent r8 cells (r8 edges in Uttar Pradesh are
// 498–559 m, and a cell that is not adjacent is at least about an edge
// away), so the first one's cell is in both sets and they queue. Any one
// coarser cell would not do: reports a few metres apart across its edge
// would take different locks. The locks are taken in ascending cell order,
// so two sets that overlap cannot deadlock; seven keys a report is cheap,
// and reports of the same category within a few hundred metres are rare
// enough that the queueing costs nothing.
func duplicateLockCells(lat, lon float64) ([]int64, error) {
	cells, err := geo.Index(lat, lon)
	if err != nil {
		return nil, err
	}
	disk := h3.Cell(cells.R8).GridDisk(1)
	ids := make([]int64, len(disk))
	for i, cell := range disk {
		ids[i] = int64(cell)
	}
	slices.Sort(ids)
	return ids, nil
}

// earlierReportSQL finds the first standing report (not itself a duplicate,
// not rejected) of the category within $5 metres ($1 lon, $2 lat) whose
// time is within the window. Distance is geodesic (geography), so it does
// not stretch with latitude; the && on a box of $3 × $4 degrees around the
// point lets reports_geom_idx (GiST on the SRID 4326 geometry) find the
// candidates, since ST_DWithin on geom::geography cannot use that index.
const earlierReportSQL = `
SELECT id FROM reports
WHERE geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4)
	AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $5)
	AND category = $6 AND duplicate_of IS NULL AND status <> 'rejected'
	AND event_at BETWEEN $7 AND $8
ORDER BY event_at, id LIMIT 1
FOR UPDATE`

const bumpAlsoReportedSQL = `UPDATE reports SET also_reported = also_reported + 1 WHERE id = $1 RETURNING also_reported`

// searchBox returns the half-width and half-height in degrees of a box
// around lat that holds every point within radius metres: a degree of
// latitude is at least 110 574 m, one of longitude at least 111 320 m ×
// cos(lat) on the WGS 84 ellipsoid; 1 % more covers the curvature across the
// box.
func searchBox(lat, radius float64) (dLon, dLat float64) {
	const margin = 1.01
	dLat = radius / 110574 * margin
	dLon = radius / (111320 * math.Cos((math.Abs(lat)+dLat)*math.Pi/180)) * margin
	return dLon, dLat
}

// LinkDuplicate finds the earlier report that a new report of category c
// at lat, lon and time at duplicates: the earliest standing report of c
// within radius metres and ±window. It raises that report's "also reported"
// count. Call it in the transaction that inserts the new report: the locks
// it takes (duplicateLockCells) last until that transaction ends.
func (s *ReportStore) LinkDuplicate(ctx context.Context, lat, lon float64, c Category, at time.Time, window time.Duration, radius float64) (DuplicateLink, error) {
	radius = min(radius, MaxDuplicateRadius)
	cells, err := duplicateLockCells(lat, lon)
	if err != nil {
		return DuplicateLink{}, err
	}
	// The locks and the search go in one round trip as two statements: the
	// search's snapshot is taken after the locks are held, so it sees a
	// report that the lock holder committed.
	dLon, dLat := searchBox(lat, radius)
	var b pgx.Batch
	b.Queue(lockCellsSQL, cells, string(c))
	b.Queue(earlierReportSQL, lon, lat, dLon, dLat, radius, string(c), at.Add(-window), at.Add(window))
	ids, err := lockAndFindEarlier(s.db.SendBatch(ctx, &b))
	if err != nil || len(ids) == 0 {
		return DuplicateLink{}, err
	}
	link := DuplicateLink{EarlierID: &ids[0]}
	if err := s.db.QueryRow(ctx, bumpAlsoReportedSQL, ids[0]).Scan(&link.AlsoReported); err != nil {
		return DuplicateLink{}, fmt.Errorf("count also-reported: %w", pg.Interpret(err))
	}
	return link, nil
}

// lockAndFindEarlier reads LinkDuplicate's batch: the locks, then the ids
// of the earlier report found (none or one).
func lockAndFindEarlier(br pgx.BatchResults) (ids []int64, err error) {
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("find earlier report: %w", pg.Interpret(cerr))
		}
	}()
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("lock report cells: %w", pg.Interpret(err))
	}
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("find earlier report: %w", pg.Interpret(err))
	}
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("find earlier report: %w", pg.Interpret(err))
	}
	return ids, nil
}

const attachReportMediaSQL = `
INSERT INTO report_media (report_id, n, media_id)
SELECT $1, t.n, t.media_id FROM unnest($2::bigint[]) WITH ORDINALITY AS t(media_id, n)`

// AttachMedia links photos to a report, numbered 1… in the given order.
func (s *ReportStore) AttachMedia(ctx context.Context, reportID int64, mediaIDs []int64) error {
	if len(mediaIDs) == 0 {
		return nil // a JSON report: no statement, no round trip
	}
	if _, err := s.db.Exec(ctx, attachReportMediaSQL, reportID, mediaIDs); err != nil {
		return fmt.Errorf("attach media to report %d: %w", reportID, pg.Interpret(err))
	}
	return nil
}

// PublicReport is what anyone holding a report's code may see: no point,
// no text, no EXIF.
type PublicReport struct {
	Code         string     `db:"code"`
	Status       string     `db:"status"`
	Category     Category   `db:"category"`
	DistrictEN   string     `db:"district_en"`
	DistrictHI   string     `db:"district_hi"`
	ReceivedAt   time.Time  `db:"received_at"`
	ModeratedAt  *time.Time `db:"moderated_at"`
	LinkedTo     bool       `db:"linked"`
	AlsoReported int        `db:"also_reported"`
	Photos       int        `db:"photos"` // photos viewable now (0 unless approved)
	H3R8         int64      `db:"h3_r8"`  // public only once approved (finest public cell)
	// PublicCell is the finest cell an anonymous listing may show for the
	// report: its r8, r7 or r5 cell, whichever first holds at least k
	// distinct approved reports; 0 (no position) when none does or the report
	// is not approved. Looked up by code it is the r8 cell (the code is the
	// reporter's own handle).
	PublicCell int64 `db:"public_cell"`
	// PoliceOutcome is what the police did about a "happening now" report
	// ("visited", "action_taken", "nothing_found"), "" until they said.
	PoliceOutcome   string     `db:"police_outcome"`
	PoliceOutcomeAt *time.Time `db:"police_outcome_at"`
	// Outcome is the lifecycle state of an approved report (Outcome*; ""
	// while open), OutcomeReason its public reason code (Reason*).
	Outcome       string     `db:"outcome"`
	OutcomeReason string     `db:"outcome_reason"`
	OutcomeAt     *time.Time `db:"outcome_at"`
}

const publicColumns = `
	r.code, r.status, r.category, d.name_en AS district_en, d.name_hi AS district_hi,
	r.received_at, r.moderated_at, r.duplicate_of IS NOT NULL AS linked, r.also_reported,
	CASE WHEN r.status = 'approved' THEN (SELECT count(*) FROM report_media m WHERE m.report_id = r.id) ELSE 0 END::int AS photos,
	r.h3_r8, COALESCE(r.police_outcome, '') AS police_outcome, r.police_outcome_at,
	COALESCE(r.outcome, '') AS outcome, COALESCE(r.outcome_reason, '') AS outcome_reason, r.outcome_at`

const publicReportSQL = `SELECT ` + publicColumns + `,
	CASE WHEN r.status = 'approved' THEN r.h3_r8 ELSE 0 END AS public_cell
FROM reports r JOIN districts d ON d.id = r.district_id
WHERE r.code = $1`

// PublicByCode returns the public view of the report with code, or
// vikalp.ErrNotFound.
func (s *ReportStore) PublicByCode(ctx context.Context, code string) (PublicReport, error) {
	r, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[PublicReport], publicReportSQL, code)
	if err != nil {
		return PublicReport{}, fmt.Errorf("get report by code: %w", err)
	}
	return r, nil
}

// distinctApprovedSQL is true when approved report x counts as distinct in
// public statistics: no approved report of the same r9 cell and category
// was made at most 24 h before it (ties by id). It depends on approved
// reports alone, unlike duplicate_of, which may point at a pending or
// rejected report; the hotspot pipeline counts n_distinct by the same rule
// (docs/PRIVACY.md).
const distinctApprovedSQL = `NOT EXISTS (SELECT 1 FROM reports y WHERE y.h3_r9 = x.h3_r9
	AND y.category = x.category AND y.status = 'approved'
	AND y.event_at >= x.event_at - interval '24 hours' AND (y.event_at, y.id) < (x.event_at, x.id))`

const approvedPhotoSQL = `
SELECT m.media_id FROM reports r JOIN report_media m ON m.report_id = r.id
WHERE r.code = $1 AND m.n = $2 AND r.status = 'approved'`

// ApprovedPhotoMedia returns the media id of photo n of the approved report
// with code; any other report (pending, rejected, unknown) is
// vikalp.ErrNotFound.
func (s *ReportStore) ApprovedPhotoMedia(ctx context.Context, code string, n int) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, approvedPhotoSQL, code, n).Scan(&id); err != nil {
		return 0, fmt.Errorf("get approved photo: %w", pg.Interpret(err))
	}
	return id, nil
}

const photoMediaSQL = `SELECT media_id FROM report_media WHERE report_id = $1 AND n = $2`

// PhotoMedia returns the media id of photo n of report id (staff use), or
// vikalp.ErrNotFound.
func (s *ReportStore) PhotoMedia(ctx context.Context, reportID int64, n int) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, photoMediaSQL, reportID, n).Scan(&id); err != nil {
		return 0, fmt.Errorf("get photo %d of report %d: %w", n, reportID, pg.Interpret(err))
	}
	return id, nil
}

// Police outcomes of a "happening now" report, as the reporter sees them.
const (
	PoliceVisited      = "visited"
	PoliceActionTaken  = "action_taken"
	PoliceNothingFound = "nothing_found"
)

const setPoliceOutcomeSQL = `UPDATE reports SET police_outcome = $2, police_outcome_at = $3 WHERE id = $1`

// SetPoliceOutcome records what the police did about report id (one of the
// Police* outcomes) at time at; package alerts calls it when a PCR unit
// closes the report's alert. An unknown report is vikalp.ErrNotFound.
func (s *ReportStore) SetPoliceOutcome(ctx context.Context, id int64, outcome string, at time.Time) error {
	tag, err := s.db.Exec(ctx, setPoliceOutcomeSQL, id, outcome, at)
	if err != nil {
		return fmt.Errorf("set police outcome of report %d: %w", id, pg.Interpret(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set police outcome of report %d: %w", id, vikalp.ErrNotFound)
	}
	return nil
}

const reportReceiptSQL = `
SELECT r.code, r.status, r.duplicate_of IS NOT NULL, COALESCE(e.also_reported, 0)
FROM reports r LEFT JOIN reports e ON e.id = r.duplicate_of
WHERE r.id = $1`

// Receipt rebuilds the receipt of report id for a replayed submission.
func (s *ReportStore) Receipt(ctx context.Context, id int64) (ReportReceipt, error) {
	rec, err := pg.QueryOne(ctx, s.db, func(row pgx.CollectableRow) (ReportReceipt, error) {
		var r ReportReceipt
		var code *string
		err := row.Scan(&code, &r.Status, &r.LinkedTo, &r.AlsoReported)
		if code != nil {
			r.Code = *code
		}
		return r, err
	}, reportReceiptSQL, id)
	if err != nil {
		return ReportReceipt{}, fmt.Errorf("get report receipt: %w", err)
	}
	return rec, nil
}
