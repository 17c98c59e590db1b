package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestCrashDuringSubmissions kills `vikalp serve` with SIGKILL while
// clients are submitting complaints, JSON and photo reports and tips, each
// with its own Idempotency-Key, and restarts it. The clients retry every
// request that got no answer, with the same key. Afterwards every
// submission exists exactly once with its River jobs or SMS rows (the transactional
// outbox), acknowledged receipts survived the crash, a second retry of an
// acknowledged submission is a replay, no media row is orphaned and every
// media row has its blobs.
func TestCrashDuringSubmissions(t *testing.T) {
	t.Parallel()
	d := setupDemo(t, pgtest.URL(t))
	db := openPool(t, d.dbURL)
	before := maxIDs(t, db)

	srv := d.serve(t, "serve", true)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120})
	subs := makeSubmissions(t.Name(), 30, photo)

	var acked atomic.Int64
	var wg sync.WaitGroup
	work := make(chan *submission)
	for range 12 {
		wg.Go(func() {
			for s := range work {
				s.sendUntilAnswered(t, srv.base, 3*time.Minute)
				acked.Add(1)
			}
		})
	}
	go func() {
		for _, s := range subs {
			work <- s
		}
		close(work)
	}()

	// Kill once a good part of the load is through, with requests in flight.
	waitFor(t, 2*time.Minute, func() bool { return acked.Load() >= int64(len(subs))/3 })
	srv.kill(t)
	ackedBeforeCrash := acked.Load()
	time.Sleep(300 * time.Millisecond) // clients see refused connections and retry
	srv.start(t)
	wg.Wait()
	replayed, retried := countReplays(subs)
	t.Logf("%d of %d submissions acknowledged before SIGKILL; %d retried, %d of them answered as replays",
		ackedBeforeCrash, len(subs), retried, replayed)
	if retried == 0 {
		t.Error("no request was cut off by the crash; the test proves nothing")
	}

	// A retry of an answered submission (her phone never saw the answer) is
	// a replay of the same receipt, never a second submission.
	for _, s := range subs[:8] {
		code := s.code
		status, body := s.send(t, srv.base)
		if status != http.StatusOK || receiptCode(body) != code {
			t.Errorf("%s %s: retry got %d %s, want 200 with code %s", s.kind, s.key, status, body, code)
		}
	}
	checkSubmissionsStored(t, db, subs, before)
	checkMedia(t, db, d.mediaDir, before)
}

// submission is one public submission a client sends until it is answered.
type submission struct {
	kind     string // "complaint", "report_json", "report_photo" or "tip"
	key      string // Idempotency-Key
	body     []byte
	ctype    string
	path     string
	now      bool   // a "happening now" report
	photos   int    // photos attached
	code     string // the code in the first 2xx answer
	replayed bool   // the first 2xx answer was a replay
	failures int    // attempts without an answer or with a 5xx
	saw500   bool   // an attempt got a 500 (a 503 is the right answer to an outage)
}

// makeSubmissions returns n submissions of each kind, keyed under prefix.
func makeSubmissions(prefix string, n int, photo []byte) []*submission {
	var out []*submission
	for i := range n {
		lat, lon := 26.80+float64(i%10)*0.01, 80.90+float64(i/10)*0.01
		key := func(kind string) string { return fmt.Sprintf("%s-%s-%06d-idempotency", prefix, kind, i) }
		complaint, _ := json.Marshal(map[string]any{"category": "stalking", "language": "en",
			"description": fmt.Sprintf("A man follows me every evening near the market (%d)", i), "lat": lat, "lon": lon})
		report, _ := json.Marshal(map[string]any{"category": "drunk_gathering", "lat": lat, "lon": lon, "happening_now": i%2 == 0})
		form, ct := multipartBody(map[string]string{"category": "poorly_lit_area", "lat": ftoa(lat), "lon": ftoa(lon),
			"happening_now": strconv.FormatBool(i%3 == 0)}, "photos", photo)
		tipPhotos := i % 2
		tip, tipCT := multipartBody(map[string]string{"text": fmt.Sprintf("Girls taken away in a white van, tip %d", i),
			"places": fmt.Sprintf(`[{"lat":%s,"lon":%s}]`, ftoa(lat), ftoa(lon))}, "photos", photo[:len(photo)*tipPhotos])
		out = append(out,
			&submission{kind: "complaint", key: key("complaint"), body: complaint, ctype: "application/json", path: "/api/v1/complaints"},
			&submission{kind: "report_json", key: key("rj"), body: report, ctype: "application/json", path: "/api/v1/reports", now: i%2 == 0},
			&submission{kind: "report_photo", key: key("rp"), body: form, ctype: ct, path: "/api/v1/reports", now: i%3 == 0, photos: 1},
			&submission{kind: "tip", key: key("tip"), body: tip, ctype: tipCT, path: "/api/v1/tips", photos: tipPhotos})
	}
	return out
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }

// multipartBody encodes fields and, when file is not empty, one file part.
func multipartBody(fields map[string]string, fileField string, file []byte) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if len(file) > 0 {
		fw, _ := w.CreateFormFile(fileField, "p.jpg")
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// crashClient does not reuse connections across the crash for long and
// gives up on a request that hangs (a minute: a busy machine answers slowly,
// and a retry of a request still being served is not what the test is about).
var crashClient = &http.Client{Timeout: time.Minute}

// send posts s once; status 0 means no answer (connection refused, reset).
func (s *submission) send(t *testing.T, base string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+s.path, bytes.NewReader(s.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", s.ctype)
	req.Header.Set("Idempotency-Key", s.key)
	resp, err := crashClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil // the answer was cut off: as good as none
	}
	return resp.StatusCode, body
}

// sendUntilAnswered retries s, as a phone app would, until it gets a 2xx.
// No answer and 5xx (the database going away) are retried; a 4xx is a bug.
func (s *submission) sendUntilAnswered(t *testing.T, base string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		status, body := s.send(t, base)
		switch {
		case status == http.StatusCreated || status == http.StatusOK:
			s.code, s.replayed = receiptCode(body), status == http.StatusOK
			return
		case status >= 400 && status < 500:
			t.Errorf("%s %s: %d %s", s.kind, s.key, status, body)
			return
		}
		s.failures++
		s.saw500 = s.saw500 || status == http.StatusInternalServerError
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("%s %s: no 2xx within %v", s.kind, s.key, within)
}

func receiptCode(body []byte) string {
	var r struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(body, &r)
	return r.Code
}

// countReplays counts submissions first answered as a replay and those
// retried at least once.
func countReplays(subs []*submission) (replayed, retried int) {
	for _, s := range subs {
		if s.replayed {
			replayed++
		}
		if s.failures > 0 {
			retried++
		}
	}
	return replayed, retried
}

// idMarks are the highest ids before the load, so the demo data is told
// apart from what the test submitted.
type idMarks struct{ complaints, reports, tips, media int64 }

func maxIDs(t *testing.T, db *pgxpool.Pool) idMarks {
	t.Helper()
	var m idMarks
	err := db.QueryRow(context.Background(), `SELECT
		(SELECT coalesce(max(id), 0) FROM complaints), (SELECT coalesce(max(id), 0) FROM reports),
		(SELECT coalesce(max(id), 0) FROM tips), (SELECT coalesce(max(id), 0) FROM media)`).
		Scan(&m.complaints, &m.reports, &m.tips, &m.media)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkSubmissionsStored checks each acknowledged submission is stored
// once, under its key, with the code it was answered with and its jobs,
// and that nothing else was stored.
func checkSubmissionsStored(t *testing.T, db *pgxpool.Pool, subs []*submission, before idMarks) {
	t.Helper()
	want := map[string]int{}
	for _, s := range subs {
		if s.code == "" {
			t.Errorf("%s %s: answered without a code", s.kind, s.key)
			continue
		}
		want[s.kind]++
		var q string
		switch s.kind {
		case "complaint":
			q = `SELECT count(*) FILTER (WHERE c.code = $2)::int, count(*)::int,
				(SELECT count(*) FROM sms_outbox o WHERE o.complaint_id = min(c.id))::int,
				0 FROM submission_keys k JOIN complaints c ON c.id = k.entity_id
				WHERE k.key = $1 AND k.kind = 'complaint'`
		case "tip":
			q = `SELECT count(*) FILTER (WHERE x.code = $2)::int, count(*)::int,
				(SELECT count(*) FROM river_job j WHERE j.kind = 'ingest.tip_received' AND (j.args->>'tip_id')::bigint = min(x.id))::int,
				(SELECT count(*) FROM tip_media m WHERE m.tip_id = min(x.id))::int
				FROM submission_keys k JOIN tips x ON x.id = k.entity_id WHERE k.key = $1 AND k.kind = 'tip'`
		default:
			q = `SELECT count(*) FILTER (WHERE x.code = $2)::int, count(*)::int,
				(EXISTS (SELECT 1 FROM alerts a WHERE a.kind = 'report.happening_now' AND a.subject_id = min(x.id))
					OR EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'ingest.happening_now'
						AND (j.args->>'report_id')::bigint = min(x.id)))::int,
				(SELECT count(*) FROM report_media m WHERE m.report_id = min(x.id))::int
				FROM submission_keys k JOIN reports x ON x.id = k.entity_id WHERE k.key = $1 AND k.kind = 'report'`
		}
		var sameCode, rows, jobs, photos int
		if err := db.QueryRow(context.Background(), q, s.key, s.code).Scan(&sameCode, &rows, &jobs, &photos); err != nil {
			t.Fatalf("%s %s: %v", s.kind, s.key, err)
		}
		wantJobs := 1
		switch {
		case s.kind == "complaint":
			wantJobs = 2 // no River job: its outbox rows (officers, MSP) for the SMS drain
		case s.kind == "report_json" || s.kind == "report_photo":
			// Its alert, raised in its transaction, or the job raising it.
			wantJobs = map[bool]int{true: 1, false: 0}[s.now]
		}
		if rows != 1 || sameCode != 1 || jobs != wantJobs || photos != s.photos {
			t.Errorf("%s %s: %d rows (%d with code %s), %d jobs, %d photos; want 1 row, %d jobs, %d photos",
				s.kind, s.key, rows, sameCode, s.code, jobs, photos, wantJobs, s.photos)
		}
	}
	var complaints, reports, tips int
	err := db.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM complaints WHERE id > $1)::int, (SELECT count(*) FROM reports WHERE id > $2)::int,
		(SELECT count(*) FROM tips WHERE id > $3)::int`, before.complaints, before.reports, before.tips).
		Scan(&complaints, &reports, &tips)
	if err != nil {
		t.Fatal(err)
	}
	if complaints != want["complaint"] || reports != want["report_json"]+want["report_photo"] || tips != want["tip"] {
		t.Errorf("stored %d complaints, %d reports, %d tips; want %d, %d, %d (no duplicates)", complaints, reports, tips,
			want["complaint"], want["report_json"]+want["report_photo"], want["tip"])
	}
}

// checkMedia checks every new media row belongs to a report or tip and has
// its three blobs. Blobs without a row (written by a request the crash cut
// short before it committed) are counted, not failed: they are unreachable
// garbage, never evidence (docs/OPERATIONS.md).
func checkMedia(t *testing.T, db *pgxpool.Pool, mediaDir string, before idMarks) {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT m.blob_prefix,
		EXISTS (SELECT 1 FROM report_media r WHERE r.media_id = m.id) OR EXISTS (SELECT 1 FROM tip_media p WHERE p.media_id = m.id)
		FROM media m WHERE m.id > $1`, before.media)
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]bool{}
	for rows.Next() {
		var prefix string
		var attached bool
		if err := rows.Scan(&prefix, &attached); err != nil {
			t.Fatal(err)
		}
		prefixes[prefix] = true
		if !attached {
			t.Errorf("media %s belongs to no report or tip", prefix)
		}
		for _, name := range []string{"original.sealed", "derivative.jpg", "thumb.jpg"} {
			if _, err := os.Stat(filepath.Join(mediaDir, prefix, name)); err != nil {
				t.Errorf("media %s: blob %s: %v", prefix, name, err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(prefixes) == 0 {
		t.Error("no media rows were stored")
	}
	dirs, _ := os.ReadDir(filepath.Join(mediaDir, "media"))
	orphans := 0
	for _, d := range dirs {
		if !prefixes["media/"+d.Name()] {
			orphans++
		}
	}
	t.Logf("%d media rows with blobs; %d blob prefixes without a row (cut short before commit)", len(prefixes), orphans)
}
