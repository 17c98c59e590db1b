package api_test

import (
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/ingest/ingesttest"
)

// A client that retries a submission with the same Idempotency-Key (say
// after a dropped connection) gets the first receipt with 200 and stores
// nothing twice; reusing the key for other content is a 409.
func TestSubmissionRetriesWithIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 60, GPS: &ingesttest.Lucknow})
	report := upload{fields: map[string]string{"category": "stalking"}, files: map[string][][]byte{"photos": {photo}},
		headers: map[string]string{"Idempotency-Key": "0b6f1c1e-report"}}
	first := b.post(t, "/api/v1/reports", report, "")
	retry := b.post(t, "/api/v1/reports", report, "")
	if first.Code != http.StatusCreated || retry.Code != http.StatusOK {
		t.Fatalf("statuses %d, %d; want 201 then 200: %s", first.Code, retry.Code, retry.Body)
	}
	if a, r := decode[receiptBody](t, first), decode[receiptBody](t, retry); a.Code != r.Code {
		t.Errorf("retry got code %s, want %s", r.Code, a.Code)
	}

	report.fields["text"] = "different"
	if got := b.post(t, "/api/v1/reports", report, ""); got.Code != http.StatusConflict {
		t.Errorf("key reused for other content: %d %s, want 409", got.Code, got.Body)
	} else if e := decode[errorBody](t, got); e.Code != "idempotency_key_reused" {
		t.Errorf("error code %q", e.Code)
	}

	tip := upload{fields: map[string]string{"text": "a van with girls", "places": `[{"lat":26.85,"lon":80.95}]`},
		headers: map[string]string{"Idempotency-Key": "0b6f1c1e-tip"}}
	if a, r := b.post(t, "/api/v1/tips", tip, ""), b.post(t, "/api/v1/tips", tip, ""); a.Code != http.StatusCreated || r.Code != http.StatusOK {
		t.Fatalf("tip statuses %d, %d; want 201 then 200", a.Code, r.Code)
	}
	bad := upload{fields: map[string]string{"text": "x", "places": `[{"lat":26.85,"lon":80.95}]`},
		headers: map[string]string{"Idempotency-Key": "not a key"}}
	if got := b.post(t, "/api/v1/tips", bad, ""); got.Code != http.StatusUnprocessableEntity && got.Code != http.StatusBadRequest {
		t.Errorf("invalid key: %d, want 4xx", got.Code)
	}
	if n := b.count(t, `SELECT count(*) FROM reports`) + b.count(t, `SELECT count(*) FROM tips`); n != 2 {
		t.Errorf("stored %d submissions, want 2", n)
	}
}

// A JSON report has no photos, needs its location, and is stored and
// routed like a form report.
func TestJSONReportWithoutPhotos(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	rec := b.do(http.MethodPost, "/api/v1/reports",
		`{"category":"drunk_gathering","text":"शाम को","lat":26.8467,"lon":80.9462,"happening_now":true}`, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	r := decode[receiptBody](t, rec)
	if n := b.count(t, `SELECT count(*) FROM reports WHERE code = $1 AND location_source = 'form' AND happening_now
		AND h3_r9 IS NOT NULL AND pcr_unit_id IS NOT NULL`, r.Code); n != 1 {
		t.Error("JSON report not stored routed and indexed")
	}
	if n := b.count(t, `SELECT count(*) FROM report_media`); n != 0 {
		t.Errorf("report_media = %d, want 0", n)
	}
	for name, body := range map[string]string{
		"NoLocation": `{"category":"groping"}`,
		"OutsideUP":  `{"category":"groping","lat":19.07,"lon":72.87}`,
		"NotJSON":    `{"category":`,
	} {
		if got := b.do(http.MethodPost, "/api/v1/reports", body, ""); got.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422: %s", name, got.Code, got.Body)
		}
	}
}
