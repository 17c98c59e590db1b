package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// A client that retries a submission with the same Idempotency-Key (say
// after a dropped connection) gets the first receipt with 200 and stores
// nothing twice; reusing the key for other content is a 409.
func TestSubmissionRetriesWithIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 60, GPS: &testkit.Lucknow})
	report := upload{fields: map[string]string{"category": "stalking"}, files: map[string][][]byte{"photos": {photo}},
		headers: map[string]string{"Idempotency-Key": "0b6f1c1e-report-key"}}
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
		headers: map[string]string{"Idempotency-Key": "0b6f1c1e-tip-key-01"}}
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

// Finding "Idempotent replay returns code and secret for a key": a key
// must be at least 16 characters (422 naming the field otherwise), and a
// retry with her key but other contact details is a 409 without her code
// and secret; only her own retry gets them again.
func TestIdempotentReplayNeedsALongKeyAndHerContact(t *testing.T) {
	t.Parallel()
	b := setupBadInput(t)
	filing := func(phone string) []byte {
		return fmt.Appendf(nil, `{"category":"stalking","description":"he follows me","language":"en","lat":26.85,"lon":80.95,
			"contact":{"name":"Sita","phone":%q}}`, phone)
	}
	for _, key := range []string{"1", "abc", "fifteen-chars-x"} {
		rec := b.post(t, "/api/v1/complaints", "application/json", filing("9876543210"), key)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("key %q: %d %s, want 422", key, rec.Code, rec.Body)
		}
		if e := decode[errorBody](t, rec); e.Field != "idempotency_key" || !strings.Contains(e.Error, "16") {
			t.Errorf("key %q: error %+v, want one on idempotency_key naming the minimum", key, e)
		}
	}
	for _, path := range []string{"/api/v1/reports", "/api/v1/tips"} {
		form, ct := multipartForm(map[string]string{"text": "x", "category": "stalking", "places": `[{"lat":26.85,"lon":80.95}]`})
		if rec := b.post(t, path, ct, form, "short-key"); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s with a short key: %d, want 422", path, rec.Code)
		}
	}

	key := "8f14e45fceea167a5a36dedd4bea2543" // as the web app makes them
	first := b.post(t, "/api/v1/complaints", "application/json", filing("9876543210"), key)
	if first.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", first.Code, first.Body)
	}
	filed := decode[struct{ Code, Secret string }](t, first)
	retry := b.post(t, "/api/v1/complaints", "application/json", filing("+91 98765 43210"), key)
	if got := decode[struct{ Code, Secret string }](t, retry); retry.Code != http.StatusOK || got != filed {
		t.Errorf("her retry: %d %+v, want 200 with %+v", retry.Code, got, filed)
	}
	for _, phone := range []string{"9123456789", ""} {
		rec := b.post(t, "/api/v1/complaints", "application/json", filing(phone), key)
		if rec.Code != http.StatusConflict || strings.Contains(rec.Body.String(), filed.Secret) ||
			strings.Contains(rec.Body.String(), filed.Code) {
			t.Errorf("replay with contact %q: %d %s, want 409 without her code and secret", phone, rec.Code, rec.Body)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM complaints`); n != 1 {
		t.Errorf("%d complaints, want 1", n)
	}
}
