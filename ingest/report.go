package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/internal/text"
)

// Report statuses. Reports start pending; only a moderator publishes one.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
)

// Report sources.
const (
	SourceWeb     = "web"
	SourceOpen311 = "open311"
	SourceImport  = "import"
)

// Limits of a public hotspot report.
const (
	MaxReportText   = 500 // characters
	MinReportPhotos = 1
	MaxReportPhotos = 3
)

// NewReport is what a member of the public submits.
type NewReport struct {
	Category     string     // a key or label of the taxonomy
	Text         string     // optional, at most MaxReportText characters
	Lat, Lon     *float64   // optional: else the first photo's EXIF GPS
	OccurredAt   *time.Time // optional incident time
	HappeningNow bool       // alert the PCR unit now
	Photos       [][]byte   // 1–3 JPEG, PNG or WebP files
	Source       string     // SourceWeb (default) or SourceOpen311
	// IdempotencyKey, when set, makes a retry of the same submission return
	// the first receipt (Replayed) instead of storing it twice.
	IdempotencyKey string
	// WithoutPhotos marks a quick report sent as JSON (by an app or a
	// partner system, or by a woman for whom taking a photo is not safe):
	// it has no photos, so the location must be given.
	WithoutPhotos bool
	// Attributes answers the category's Open311 questions (AttributesOf)
	// by attribute code; validated against the definition.
	Attributes map[string]string
	// Phone, optional, is where she wants an SMS when her report is
	// published or not and when the police act on it (sealed; never shown).
	Phone string
}

// ReportReceipt is what the reporter is told after submitting.
type ReportReceipt struct {
	Code   string // her handle to follow the report
	Status string // StatusPending
	// LinkedTo is true when the report joined an earlier one in the same
	// place and category (within the duplicate window); AlsoReported is then
	// how many later reports the earlier one has.
	LinkedTo     bool
	AlsoReported int
	// Replayed marks the receipt of an earlier submission with the same
	// Idempotency-Key.
	Replayed bool
	// Secret, with the code, lets her add updates to the report
	// (AddReporterUpdate). Shown once; stored hashed.
	Secret string
	// Open311Token is the GeoReport token of an Open311 submission, "" for
	// other sources.
	Open311Token string
	// AlertCell is the H3 r8 cell of the happening-now alert this
	// submission queued (0: none), so the server can describe its place
	// before the alert reaches a console. For the server, never shown to
	// the reporter.
	AlertCell int64
}

// reportDraft is a validated NewReport ready to store.
type reportDraft struct {
	category       Category
	text           string
	lat, lon       float64
	locationSource string
	cells          geo.Cells
	occurredAt     *time.Time
	happeningNow   bool
	source         string
	photos         []ProcessedPhoto
	key            idem.Claim // Key "" when none was given
	attributes     map[string]string
	phone          string // +91…, or "" for no notification
}

// SubmitReport validates and stores a public hotspot report with its
// photos. The location comes from the form, else from the first photo's
// EXIF GPS; with neither, or outside Uttar Pradesh, it is a user-safe 422.
// Routing, the duplicate link, the photos' rows and the happening-now job
// are written in one transaction; when anything fails, no row and no blob
// remains.
//
// With an IdempotencyKey, a retry of the same submission returns the first
// receipt marked Replayed, and the key reused for other content is a
// user-safe ErrConflict.
func (s *Service) SubmitReport(ctx context.Context, in NewReport) (ReportReceipt, error) {
	if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
		return ReportReceipt{}, err
	}
	var hash []byte
	if in.IdempotencyKey != "" {
		hash = reportRequestHash(in)
	}
	claim := keyClaim(idem.KindReport, in.IdempotencyKey, hash)
	return idem.Do(ctx, s.db, claim,
		func() (ReportReceipt, error) { return s.storeReport(ctx, in, claim) },
		func(id int64) (ReportReceipt, error) {
			rec, err := NewReportStore(s.db).Receipt(ctx, id)
			if err != nil {
				return rec, err
			}
			rec.Replayed = true
			return s.replayReporter(ctx, id, rec)
		})
}

// storeReport drafts and stores one report.
func (s *Service) storeReport(ctx context.Context, in NewReport, claim idem.Claim) (ReportReceipt, error) {
	d, err := s.draftReport(ctx, in)
	if err != nil {
		return ReportReceipt{}, err
	}
	d.key = claim
	var rec ReportReceipt
	var id int64
	err = s.inTxWithBlobs(ctx, func(tx pgx.Tx, batch *blobBatch) error {
		id, rec, err = s.insertReport(ctx, tx, batch, d)
		return err
	})
	if err != nil {
		return ReportReceipt{}, fmt.Errorf("submit report: %w", err)
	}
	s.logger.InfoContext(ctx, "Report ingested", slog.Int64("report_id", id),
		slog.String("category", string(d.category)), slog.Bool("linked", rec.LinkedTo))
	return rec, nil
}

// draftReport validates every field and processes the photos.
func (s *Service) draftReport(ctx context.Context, in NewReport) (reportDraft, error) {
	d := reportDraft{happeningNow: in.HappeningNow, source: in.Source}
	if d.source == "" {
		d.source = SourceWeb
	}
	if d.source != SourceWeb && d.source != SourceOpen311 {
		return d, fmt.Errorf("report source %q: %w", d.source, vikalp.ErrInvalid)
	}
	var err error
	if d.category, err = ParseCategory(in.Category); err != nil {
		return d, err
	}
	if d.text, err = text.Field("text", in.Text, MaxReportText); err != nil {
		return d, err
	}
	if d.attributes, err = validateAttributes(d.category, in.Attributes); err != nil {
		return d, err
	}
	if strings.TrimSpace(in.Phone) != "" {
		var ok bool
		if d.phone, ok = vikalp.NormalizePhone(in.Phone); !ok {
			return d, vikalp.InvalidField("phone", "phone_invalid",
				"the phone number must be a 10-digit Indian mobile number starting with 6, 7, 8 or 9")
		}
	}
	if d.occurredAt, err = s.checkIncidentTime(in.OccurredAt); err != nil {
		return d, err
	}
	switch {
	case in.WithoutPhotos && len(in.Photos) > 0:
		return d, vikalp.InvalidField("photos", "photo_count", "send photos as a multipart form, not with a JSON report")
	case in.WithoutPhotos && (in.Lat == nil || in.Lon == nil):
		return d, vikalp.InvalidField("location", "location_required",
			"a report without photos needs its latitude and longitude")
	case !in.WithoutPhotos && (len(in.Photos) < MinReportPhotos || len(in.Photos) > MaxReportPhotos):
		return d, vikalp.InvalidField("photos", "photo_count",
			fmt.Sprintf("attach %d to %d photos of the place", MinReportPhotos, MaxReportPhotos))
	}
	if d.photos, err = s.processPhotos(ctx, in.Photos); err != nil {
		return d, err
	}
	if err := d.locate(in.Lat, in.Lon); err != nil {
		return d, err
	}
	return d, nil
}

// locate takes the form's location, else the first EXIF GPS position among
// the photos, checks it is in Uttar Pradesh and indexes it.
func (d *reportDraft) locate(lat, lon *float64) error {
	switch {
	case lat != nil && lon != nil:
		d.lat, d.lon, d.locationSource = *lat, *lon, "form"
	case lat != nil || lon != nil:
		return vikalp.InvalidField("location", "partial_location", "give both latitude and longitude, or neither")
	default:
		for _, p := range d.photos {
			if p.EXIF.GPS != nil {
				d.lat, d.lon, d.locationSource = p.EXIF.GPS.Lat, p.EXIF.GPS.Lon, "exif"
				break
			}
		}
	}
	if d.locationSource == "" {
		return vikalp.InvalidField("location", "location_required",
			"we need to know where this is: pick the place on the map or attach a photo with its location")
	}
	if err := geo.CheckInUP(d.lat, d.lon); err != nil {
		return err
	}
	var err error
	d.cells, err = geo.Index(d.lat, d.lon)
	return err
}

// checkIncidentTime refuses an incident time in the future (beyond a little
// clock skew) or more than a year ago.
func (s *Service) checkIncidentTime(t *time.Time) (*time.Time, error) {
	if t == nil {
		return nil, nil
	}
	now := s.clock.Now()
	if t.After(now.Add(10*time.Minute)) || t.Before(now.AddDate(-1, 0, 0)) {
		return nil, vikalp.InvalidField("occurred_at", "bad_time", "the incident time must be within the past year")
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u, nil
}

// insertReport writes the draft inside tx: route, blobs and media rows,
// the report, its duplicate link, its photos and its jobs.
func (s *Service) insertReport(ctx context.Context, tx pgx.Tx, batch *blobBatch, d reportDraft) (int64, ReportReceipt, error) {
	routing, err := router(tx).Route(ctx, d.lat, d.lon)
	if err != nil {
		return 0, ReportReceipt{}, err
	}
	mediaIDs, err := s.storePhotos(ctx, tx, batch, d.photos)
	if err != nil {
		return 0, ReportReceipt{}, err
	}
	code, err := newCode(reportCodePrefix)
	if err != nil {
		return 0, ReportReceipt{}, err
	}
	now := s.now()
	row := reportRow{Code: &code, Source: d.source, Status: StatusPending, Category: d.category,
		Body: d.text, HappeningNow: d.happeningNow, OccurredAt: d.occurredAt, ReceivedAt: now,
		LocationSource: d.locationSource, Lat: d.lat, Lon: d.lon, Cells: d.cells, Routing: routing}
	row.EventAt = now
	if d.occurredAt != nil {
		row.EventAt = *d.occurredAt
	}
	store := NewReportStore(tx)
	link, err := store.LinkDuplicate(ctx, d.lat, d.lon, d.category, row.EventAt, s.cfg.DuplicateWindow, s.cfg.DuplicateRadius)
	if err != nil {
		return 0, ReportReceipt{}, err
	}
	row.DuplicateOf, row.Attributes = link.EarlierID, d.attributes
	var token string
	if d.source == SourceOpen311 {
		if token, err = newOpen311Token(); err != nil {
			return 0, ReportReceipt{}, err
		}
		row.Open311Token = &token
	}
	secret, reporter, err := s.newReporter(code, d.phone)
	if err != nil {
		return 0, ReportReceipt{}, err
	}
	id, err := store.InsertFiled(ctx, row, reporter)
	if err != nil {
		return 0, ReportReceipt{}, err
	}
	if err := store.AttachMedia(ctx, id, mediaIDs); err != nil {
		return 0, ReportReceipt{}, err
	}
	if err := s.recordKey(ctx, tx, d.key, id); err != nil {
		return 0, ReportReceipt{}, err
	}
	rec := ReportReceipt{Code: code, Status: StatusPending, LinkedTo: link.EarlierID != nil,
		AlsoReported: link.AlsoReported, Secret: secret, Open311Token: token}
	if d.happeningNow {
		args := HappeningNowArgs{ReportID: id, PCRUnitID: routing.PCRUnitID, DistrictID: routing.DistrictID, H3R8: d.cells.R8}
		if err := s.alertHappeningNow(ctx, tx, args); err != nil {
			return 0, ReportReceipt{}, err
		}
		rec.AlertCell = d.cells.R8
	}
	return id, rec, nil
}

// alertHappeningNow raises a happening-now report's alert in tx, the
// report's transaction. It is tried under a savepoint: should raising fail
// (a unit gone, a lock timeout), the report is still stored and a job,
// inserted in its place, raises the alert later with retries. Without an
// AlertRaiser the job is inserted at once.
func (s *Service) alertHappeningNow(ctx context.Context, tx pgx.Tx, args HappeningNowArgs) error {
	if s.alerts != nil {
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { return s.alerts.RaiseHappeningNowTx(ctx, sp, args) })
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("raise happening-now alert: %w", err)
		}
		s.logger.WarnContext(ctx, "Happening-now alert left to a job", slog.Int64("report_id", args.ReportID),
			slog.String("error", err.Error()))
	}
	if _, err := s.jobs.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("insert happening-now job: %w", err)
	}
	return nil
}
