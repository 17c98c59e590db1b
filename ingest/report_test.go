package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// photoAt returns a JPEG whose EXIF places it at p.
func photoAt(t *testing.T, p [2]float64) []byte {
	t.Helper()
	return ingesttest.JPEG(t, ingesttest.PhotoOpts{GPS: &p})
}

func TestSubmitReportLocatesFromEXIF(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "groping", Text: "bus stand, evenings",
		Photos: [][]byte{photoAt(t, testkit.Lucknow)}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rec.Code, "HR-") || rec.Status != ingest.StatusPending || rec.LinkedTo {
		t.Fatalf("receipt = %+v", rec)
	}
	var src string
	var lat, lon float64
	var r9 int64
	var station, pcr, ahtu *int64
	err = b.db.QueryRow(b.ctx, `SELECT location_source, ST_Y(geom), ST_X(geom), h3_r9, station_id, pcr_unit_id,
		ahtu_id::bigint FROM reports WHERE code = $1`, rec.Code).Scan(&src, &lat, &lon, &r9, &station, &pcr, &ahtu)
	if err != nil {
		t.Fatal(err)
	}
	if src != "exif" || math.Abs(lat-testkit.Lucknow[0]) > 1e-5 || math.Abs(lon-testkit.Lucknow[1]) > 1e-5 {
		t.Errorf("stored %s %.5f,%.5f; want exif at Lucknow", src, lat, lon)
	}
	cells, _ := geo.Index(lat, lon)
	if r9 != cells.R9 {
		t.Errorf("h3_r9 = %d, want %d", r9, cells.R9)
	}
	if station == nil || pcr == nil || ahtu == nil {
		t.Errorf("routing incomplete: station %v pcr %v ahtu %v", station, pcr, ahtu)
	}
	if n := ingesttest.BlobCount(b.ctx, t, b.bucket); n != 3 {
		t.Errorf("blobs = %d, want 3 (sealed original, derivative, thumbnail)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM media WHERE exif_geom IS NOT NULL AND sealed_key_id = 'test'`); n != 1 {
		t.Errorf("media rows with EXIF point = %d, want 1", n)
	}
}

func TestSubmitReportFormLocationWins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "poorly_lit_area",
		Lat: ptr(testkit.Varanasi[0]), Lon: ptr(testkit.Varanasi[1]),
		Photos: [][]byte{photoAt(t, testkit.Lucknow), ingesttest.PNG(t, 20, 20)}})
	if err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM reports WHERE code = $1 AND location_source = 'form'
		AND abs(ST_Y(geom) - $2) < 1e-9`, rec.Code, testkit.Varanasi[0]); n != 1 {
		t.Error("report not stored at the form's location")
	}
	if n := b.count(t, `SELECT count(*) FROM report_media`); n != 2 {
		t.Errorf("report_media = %d, want 2", n)
	}
}

func TestSubmitReportRefusalsLeaveNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ok := photoAt(t, testkit.Lucknow)
	plain := ingesttest.JPEG(t, ingesttest.PhotoOpts{})
	big := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 10<<20)...)
	cases := map[string]struct {
		in   ingest.NewReport
		code string
	}{
		"CorruptJPEG":     {ingest.NewReport{Category: "other", Photos: [][]byte{ok, ingesttest.TruncatedJPEG(t)}}, "photo_corrupt"},
		"PNGBomb":         {ingest.NewReport{Category: "other", Photos: [][]byte{ingesttest.PNGBomb(100000, 100000)}}, "photo_too_many_pixels"},
		"PDFAsJPEG":       {ingest.NewReport{Category: "other", Photos: [][]byte{ingesttest.PDF()}}, "photo_type"},
		"Oversized":       {ingest.NewReport{Category: "other", Photos: [][]byte{big}}, "photo_too_large"},
		"FormOutsideUP":   {ingest.NewReport{Category: "other", Lat: ptr(testkit.Mumbai[0]), Lon: ptr(testkit.Mumbai[1]), Photos: [][]byte{ok}}, "outside_up"},
		"EXIFOutsideUP":   {ingest.NewReport{Category: "other", Photos: [][]byte{photoAt(t, testkit.Mumbai)}}, "outside_up"},
		"InBoxNoDistrict": {ingest.NewReport{Category: "other", Lat: ptr(28.2096), Lon: ptr(83.9856), Photos: [][]byte{ok}}, "outside_up"},
		"NoLocation":      {ingest.NewReport{Category: "other", Photos: [][]byte{plain}}, "location_required"},
		"HalfLocation":    {ingest.NewReport{Category: "other", Lat: ptr(26.8), Photos: [][]byte{ok}}, "partial_location"},
		"NoCategory":      {ingest.NewReport{Photos: [][]byte{ok}}, "required"},
		"BadCategory":     {ingest.NewReport{Category: "robbery", Photos: [][]byte{ok}}, "unknown_category"},
		"NoPhotos":        {ingest.NewReport{Category: "other"}, "photo_count"},
		"FourPhotos":      {ingest.NewReport{Category: "other", Photos: [][]byte{ok, ok, ok, ok}}, "photo_count"},
		"TextTooLong":     {ingest.NewReport{Category: "other", Text: strings.Repeat("छ", 501), Photos: [][]byte{ok}}, "too_long"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := b.svc.SubmitReport(b.ctx, tc.in)
			wantUserError(t, err, tc.code)
		})
	}
	b.wantNothingStored(t)
}

// failingJobs refuses every insert, to fail a submission after its blobs
// are written.
type failingJobs struct{}

func (failingJobs) InsertTx(context.Context, pgx.Tx, river.JobArgs, *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return nil, errors.New("queue unavailable")
}

func (failingJobs) InsertManyTx(context.Context, pgx.Tx, []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return nil, errors.New("queue unavailable")
}

func TestSubmitReportLateFailureRemovesBlobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	svc := b.service(t, failingJobs{})
	_, err := svc.SubmitReport(b.ctx, ingest.NewReport{Category: "groping", HappeningNow: true,
		Photos: [][]byte{photoAt(t, testkit.Lucknow), photoAt(t, testkit.Lucknow)}})
	if err == nil {
		t.Fatal("submission succeeded with a failing job queue")
	}
	b.wantNothingStored(t)
}

func TestSubmitReportHappeningNowJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "stalking", HappeningNow: true,
		Photos: [][]byte{photoAt(t, testkit.Gorakhpur)}})
	if err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM reports WHERE h3_r8 = $1`, rec.AlertCell); n != 1 {
		t.Errorf("receipt's alert cell %x is not the report's r8 cell", rec.AlertCell)
	}
	later, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "stalking", Photos: [][]byte{photoAt(t, testkit.Agra)}})
	if err != nil {
		t.Fatal(err)
	}
	if later.AlertCell != 0 {
		t.Errorf("a report not happening now has alert cell %x, want none", later.AlertCell)
	}
	n := b.count(t, `SELECT count(*) FROM river_job j JOIN reports r ON r.id = (j.args->>'report_id')::bigint
		WHERE j.kind = 'ingest.happening_now' AND (j.args->>'pcr_unit_id')::bigint = r.pcr_unit_id
		AND (j.args->>'h3_r8')::bigint = r.h3_r8`)
	if n != 1 {
		t.Errorf("happening-now jobs = %d, want 1 matching the report", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE args::text LIKE '%26.76%'`); n != 0 {
		t.Error("job args carry the exact coordinates")
	}
}

// raiserFunc is an ingest.AlertRaiser from a function.
type raiserFunc func(ctx context.Context, tx pgx.Tx, args ingest.HappeningNowArgs) error

func (f raiserFunc) RaiseHappeningNowTx(ctx context.Context, tx pgx.Tx, args ingest.HappeningNowArgs) error {
	return f(ctx, tx, args)
}

// TestSubmitReportHappeningNowRaisedInItsTransaction: with an AlertRaiser
// the alert is raised in the report's own transaction (the raiser sees the
// uncommitted report) and no job is queued; when raising fails, even with
// an SQL error inside the transaction, the report is stored all the same
// and the job is queued in its place.
func TestSubmitReportHappeningNowRaisedInItsTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	jobs := testkit.Jobs(t, b.db)
	withRaiser := func(r ingest.AlertRaiser) *ingest.Service {
		svc, err := ingest.NewService(b.db, ingest.Deps{Bucket: b.bucket, Keyring: testkit.Keyring(t), Jobs: jobs,
			Alerts: r, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	happeningNowJobs := func(reportID int64) int {
		return b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'ingest.happening_now'
			AND (args->>'report_id')::bigint = $1`, reportID)
	}
	reportID := func(code string) int64 {
		return int64(b.count(t, `SELECT id FROM reports WHERE code = $1`, code))
	}
	file := func(svc *ingest.Service) ingest.ReportReceipt {
		t.Helper()
		lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
		rec, err := svc.SubmitReport(b.ctx, ingest.NewReport{Category: "groping", HappeningNow: true,
			Lat: &lat, Lon: &lon, WithoutPhotos: true})
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}

	var raised []ingest.HappeningNowArgs
	rec := file(withRaiser(raiserFunc(func(ctx context.Context, tx pgx.Tx, args ingest.HappeningNowArgs) error {
		var seen int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM reports WHERE id = $1`, args.ReportID).Scan(&seen); err != nil || seen != 1 {
			return fmt.Errorf("the raiser does not see the report it alerts (%d rows, %v)", seen, err)
		}
		raised = append(raised, args)
		return nil
	})))
	id := reportID(rec.Code)
	if len(raised) != 1 || raised[0].ReportID != id || raised[0].H3R8 != rec.AlertCell {
		t.Errorf("raised %+v, want one alert for report %d in cell %x", raised, id, rec.AlertCell)
	}
	if n := happeningNowJobs(id); n != 0 {
		t.Errorf("%d happening-now jobs queued for an alert already raised, want 0", n)
	}

	rec = file(withRaiser(raiserFunc(func(ctx context.Context, tx pgx.Tx, _ ingest.HappeningNowArgs) error {
		_, err := tx.Exec(ctx, `SELECT 1 / 0`) // aborts the transaction but for the savepoint
		return err
	})))
	id = reportID(rec.Code)
	if id == 0 || happeningNowJobs(id) != 1 {
		t.Errorf("after a failed raise: report %d stored with %d happening-now jobs, want the report and 1 job",
			id, happeningNowJobs(id))
	}
}

func TestSubmitReportDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	submit := func(cat string) ingest.ReportReceipt {
		t.Helper()
		rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: cat, Photos: [][]byte{photoAt(t, testkit.Agra)}})
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	first := submit("drunk_gathering")
	second := submit("drunk_gathering")
	third := submit("drunk_gathering")
	other := submit("stalking")
	if first.LinkedTo || !second.LinkedTo || second.AlsoReported != 1 || !third.LinkedTo || third.AlsoReported != 2 {
		t.Errorf("receipts: first %+v second %+v third %+v", first, second, third)
	}
	if other.LinkedTo {
		t.Error("a report of another category was linked")
	}
	st, err := b.svc.ReportStatus(b.ctx, first.Code)
	if err != nil || st.AlsoReported != 2 || st.LinkedTo {
		t.Errorf("first report status = %+v, %v; want also_reported 2", st, err)
	}
	if n := b.count(t, `SELECT count(*) FROM reports d JOIN reports o ON o.id = d.duplicate_of
		WHERE o.code = $1`, first.Code); n != 2 {
		t.Errorf("%d reports link to the first, want 2", n)
	}
}

func TestReportHindiTextRoundTrips(t *testing.T) {
	t.Parallel()
	b := setup(t)
	text := "बस स्टैंड पर रोज़ शाम को लड़के फब्तियाँ कसते हैं। 😟"
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "फब्तियाँ / अभद्र टिप्पणी", Text: text,
		Photos: [][]byte{photoAt(t, testkit.Lucknow)}})
	if err != nil {
		t.Fatal(err)
	}
	mod := testkit.User(b.ctx, t, b.db, "moderator", stateScope)
	q, err := b.svc.ModerationQueue(b.ctx, mod, "", zeroTime, 0, 10)
	if err != nil || len(q) != 1 {
		t.Fatalf("queue = %d items, %v", len(q), err)
	}
	if q[0].Code != rec.Code || q[0].Text != text || q[0].Category != ingest.CategoryCatcallingComments {
		t.Errorf("queued %q %q %s; want the Hindi text back", q[0].Code, q[0].Text, q[0].Category)
	}
}
