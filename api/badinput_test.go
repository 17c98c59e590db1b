package api_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
)

// badInputBundle serves every public POST endpoint (complaints, tracking,
// reports, tips, Open311, login) on a fresh database with an in-memory
// media bucket it can count.
type badInputBundle struct {
	fixture
	bucket *blob.Bucket
	router http.Handler
}

func setupBadInput(t *testing.T) *badInputBundle {
	t.Helper()
	b := &badInputBundle{fixture: newFixture(t), bucket: ingesttest.Bucket(t)}
	b.router = apitest.ValidateContract(t, apitest.Router(t, apitest.Deps(t, b.db, apitest.Options{Bucket: b.bucket})))
	return b
}

// badRequest is one hostile request: a path, a content type and a body.
// A lenient one may also be accepted, its text sanitized (a NUL is a
// control character, which the intake strips; a lone surrogate escape
// decodes to U+FFFD), but never with a 5xx.
type badRequest struct {
	name, path, ctype string
	body              func() io.Reader
	lenient           bool
}

func jsonReq(name, path, body string) badRequest {
	return badRequest{name: name, path: path, ctype: "application/json", body: func() io.Reader { return strings.NewReader(body) }}
}

func formReq(name, path string, fields map[string]string, files ...[]byte) badRequest {
	return badRequest{name: name, path: path, body: func() io.Reader {
		body, _ := multipartForm(fields, files...)
		return bytes.NewReader(body)
	}, ctype: formContentType}
}

// formBoundary separates the parts of every multipart body built here. It
// is fixed so the content type is known before a body is built.
const (
	formBoundary    = "vikalpbadinputboundary"
	formContentType = "multipart/form-data; boundary=" + formBoundary
)

// multipartForm encodes fields and files (each a "photos" part).
func multipartForm(fields map[string]string, files ...[]byte) ([]byte, string) {
	var buf bytes.Buffer
	for k, v := range fields {
		fmt.Fprintf(&buf, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", formBoundary, k, v)
	}
	for i, f := range files {
		fmt.Fprintf(&buf, "--%s\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p%d.jpg\"\r\n"+
			"Content-Type: image/jpeg\r\n\r\n", formBoundary, i)
		buf.Write(f)
		buf.WriteString("\r\n")
	}
	fmt.Fprintf(&buf, "--%s--\r\n", formBoundary)
	return buf.Bytes(), formContentType
}

// The public POST endpoints and a valid body for each, which the cases
// below spoil one field at a time.
var (
	complaintFields = map[string]string{"category": "stalking", "description": "A man follows me home every day",
		"language": "en", "incident_at": "", "callback_window": "10:00-12:00", "filed_by": "", "relation": ""}
	complaintContact = map[string]string{"name": "Sita", "phone": "9876543210", "address": "Hazratganj"}
	trackFields      = map[string]string{"code": "UP-ABCD-1234", "secret": "secret", "rating": "", "reason": ""}
	jsonReportFields = map[string]string{"category": "groping", "text": "near the bus stop"}
	tipFields        = map[string]string{"text": "girls taken in a van", "vehicles": "UP32 AB 1234",
		"phones": "9876543210", "people": "tall man"}
	open311Fields = map[string]string{"service_code": "stalking", "description": "near the gate"}
)

// complaintJSON encodes a complaint with one field ("contact.name" for a
// contact field) replaced by raw (a JSON value, inserted as is).
func complaintJSON(field, raw string) string {
	contactField, ok := strings.CutPrefix(field, "contact.")
	if !ok {
		contactField = ""
	}
	contact := objectJSON(complaintContact, contactField, raw)
	return objectJSON(complaintFields, field, raw, `"lat":26.85`, `"lon":80.95`, `"contact":`+contact)
}

// objectJSON encodes fields as a JSON object of strings, with field
// replaced by raw (a JSON value, inserted as is) and extra members first.
func objectJSON(fields map[string]string, field, raw string, extra ...string) string {
	parts := extra
	for k, v := range fields {
		if k == field {
			v = raw
		} else {
			v = fmt.Sprintf("%q", v)
		}
		parts = append(parts, fmt.Sprintf("%q:%s", k, v))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func with(fields map[string]string, key, value string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		out[k] = v
	}
	out[key] = value
	return out
}

// hostileForm and hostileJSON are what each text field gets in turn:
// invalid UTF-8 (raw bytes, overlong encodings), a NUL and, in JSON, a lone
// surrogate escape. The last two are lenient (see badRequest).
var (
	hostileForm = map[string]string{"InvalidUTF8": "ab\xff\xfe\xc3(", "Overlong": "\xc0\xaf\xe0\x80\xaf", "NUL": "ab\x00cd"}
	hostileJSON = map[string]string{"InvalidUTF8": "\"ab\xff\xfe\xc3(\"", "NUL": `"ab\u0000cd"`, "LoneSurrogate": `"ab\ud800cd"`}
	lenientName = map[string]bool{"NUL": true, "LoneSurrogate": true}
)

// deep is JSON nested n levels deep.
func deep(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// badRequests lists every hostile request.
func badRequests(t *testing.T, maxPhoto int64) []badRequest {
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 60})
	lucknow := map[string]string{"lat": "26.8467", "lon": "80.9462"}
	report := with(with(with(lucknow, "category", "stalking"), "text", "dark lane"), "happening_now", "false")
	tip := with(tipFields, "places", `[{"lat":26.85,"lon":80.95,"description":"the dhaba"}]`)
	o311 := with(with(open311Fields, "lat", "26.8467"), "long", "80.9462")
	var out []badRequest

	// Oversized bodies.
	huge := func(n int) string { return strings.Repeat("a", n) }
	out = append(out,
		jsonReq("Complaint/Oversized", "/api/v1/complaints", complaintJSON("description", `"`+huge(2<<20)+`"`)),
		jsonReq("Track/Oversized", "/api/v1/complaints/track", objectJSON(trackFields, "reason", `"`+huge(2<<20)+`"`)),
		jsonReq("JSONReport/Oversized", "/api/v1/reports", objectJSON(jsonReportFields, "text", `"`+huge(64<<10)+`"`, `"lat":26.85`, `"lon":80.95`)),
		jsonReq("Login/Oversized", "/api/v1/session", `{"username":"`+huge(2<<20)+`","password":"x"}`),
		jsonReq("Complaint/LongDescription", "/api/v1/complaints", complaintJSON("description", `"`+huge(20000)+`"`)),
		formReq("Report/PhotoTooLarge", "/api/v1/reports", report, append(bytes.Clone(photo), make([]byte, maxPhoto)...)),
		formReq("Report/TooManyPhotos", "/api/v1/reports", report, photo, photo, photo, photo),
		formReq("Tip/TooManyPhotos", "/api/v1/tips", tip, photo, photo, photo, photo, photo, photo),
		formReq("Report/LongText", "/api/v1/reports", with(report, "text", huge(5000)), photo),
		formReq("Tip/LongText", "/api/v1/tips", with(tip, "text", huge(100000))),
	)
	for _, path := range []string{"/api/v1/reports", "/api/v1/tips", "/open311/v2/requests.json"} {
		out = append(out, badRequest{name: "Upload/Oversized" + path, path: path, ctype: formContentType,
			body: func() io.Reader { return hugeUpload(53 << 20) }})
	}

	// Deeply nested JSON.
	out = append(out,
		jsonReq("Complaint/DeepJSON", "/api/v1/complaints", deep(100000)),
		jsonReq("Complaint/DeepField", "/api/v1/complaints", complaintJSON("category", deep(20000))),
		jsonReq("Track/DeepJSON", "/api/v1/complaints/track", deep(100000)),
		jsonReq("JSONReport/DeepJSON", "/api/v1/reports", deep(8000)),
		jsonReq("Login/DeepJSON", "/api/v1/session", deep(100000)),
		formReq("Tip/DeepPlaces", "/api/v1/tips", with(tip, "places", deep(100000))),
		formReq("Tip/DeepContact", "/api/v1/tips", with(tip, "contact", `{"name":`+deep(100000)+`}`)),
		formReq("Tip/DeepList", "/api/v1/tips", with(tip, "vehicles", deep(100000))),
	)

	// Malformed bodies.
	out = append(out,
		jsonReq("Complaint/NotJSON", "/api/v1/complaints", `category=stalking`),
		jsonReq("Complaint/TrailingGarbage", "/api/v1/complaints", complaintJSON("category", `"stalking"`)+`{"x":1}`),
		jsonReq("Complaint/WrongTypes", "/api/v1/complaints", complaintJSON("category", `42`)),
		jsonReq("JSONReport/WrongTypes", "/api/v1/reports", `{"category":"groping","lat":"north","lon":80.9}`),
		jsonReq("JSONReport/NaN", "/api/v1/reports", `{"category":"groping","lat":NaN,"lon":80.9}`),
		jsonReq("JSONReport/HugeNumber", "/api/v1/reports", `{"category":"groping","lat":1e400,"lon":80.9}`),
		formReq("Report/BadNumber", "/api/v1/reports", with(report, "lat", "26.8e999"), photo),
		formReq("Report/GarbagePhoto", "/api/v1/reports", report, ingesttest.GarbageJPEG()),
		formReq("Report/PNGBomb", "/api/v1/reports", report, ingesttest.PNGBomb(60000, 60000)),
		formReq("Tip/BadPlaces", "/api/v1/tips", with(tip, "places", `[{"lat":"x"}]`)),
		badRequest{name: "Report/BadBoundary", path: "/api/v1/reports", ctype: "multipart/form-data; boundary=nope",
			body: func() io.Reader { return strings.NewReader("--other\r\n\r\nx") }},
		badRequest{name: "Tip/NoBoundary", path: "/api/v1/tips", ctype: "multipart/form-data",
			body: func() io.Reader { return strings.NewReader("x") }},
	)

	// Invalid UTF-8 and NUL in every text field.
	for hn, hv := range hostileJSON {
		for f := range complaintFields {
			out = append(out, jsonReq("Complaint/"+f+"/"+hn, "/api/v1/complaints", complaintJSON(f, hv)))
		}
		for f := range complaintContact {
			out = append(out, jsonReq("Complaint/contact."+f+"/"+hn, "/api/v1/complaints", complaintJSON("contact."+f, hv)))
		}
		for f := range trackFields {
			for _, p := range []string{"track", "rate", "withdraw"} {
				out = append(out, jsonReq(p+"/"+f+"/"+hn, "/api/v1/complaints/"+p, objectJSON(trackFields, f, hv)))
			}
		}
		for f := range jsonReportFields {
			out = append(out, jsonReq("JSONReport/"+f+"/"+hn, "/api/v1/reports",
				objectJSON(jsonReportFields, f, hv, `"lat":26.85`, `"lon":80.95`)))
		}
		out = append(out, jsonReq("Login/"+hn, "/api/v1/session", `{"username":`+hv+`,"password":"x"}`))
		for _, k := range []string{"name", "phone", "email", "note"} {
			out = append(out, formReq("Tip/contact."+k+"/"+hn, "/api/v1/tips",
				with(tip, "contact", `{"`+k+`":`+hv+`}`)))
		}
		out = append(out, formReq("Tip/places.description/"+hn, "/api/v1/tips",
			with(tip, "places", `[{"lat":26.85,"lon":80.95,"description":`+hv+`}]`)))
	}
	for hn, hv := range hostileForm {
		for _, f := range []string{"category", "text", "lat", "occurred_at", "happening_now"} {
			out = append(out, formReq("Report/"+f+"/"+hn, "/api/v1/reports", with(report, f, hv), photo))
		}
		for _, f := range []string{"text", "vehicles", "phones", "people", "consent_contact", "consent_share"} {
			out = append(out, formReq("Tip/"+f+"/"+hn, "/api/v1/tips", with(tip, f, hv)))
		}
		for _, f := range []string{"service_code", "description", "lat"} {
			out = append(out, formReq("Open311/"+f+"/"+hn, "/open311/v2/requests.json", with(o311, f, hv), photo))
		}
	}
	for i := range out {
		out[i].lenient = lenientName[out[i].name[strings.LastIndex(out[i].name, "/")+1:]]
	}
	return out
}

// hugeUpload is a multipart body of n bytes in one file part, streamed.
func hugeUpload(n int64) io.Reader {
	head := "--" + formBoundary + "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"big.jpg\"\r\n\r\n"
	return io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, n), strings.NewReader("\r\n--"+formBoundary+"--\r\n"))
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Hostile input to any public POST endpoint gets a clean 4xx with a JSON
// error and no internal detail, and leaves no row and no blob behind.
func TestBadInputOnPublicEndpoints(t *testing.T) {
	t.Parallel()
	b := setupBadInput(t)
	maxPhoto := int64(10 << 20)
	all := badRequests(t, maxPhoto)
	for _, lenient := range []bool{false, true} {
		for i, tc := range all {
			if tc.lenient != lenient {
				continue
			}
			rec := b.post(t, tc.path, tc.ctype, nil, fmt.Sprintf("bad-input-key-%06d", i), tc.body())
			if lenient && rec.Code < 300 {
				continue // accepted with its text sanitized
			}
			if rec.Code < 400 || rec.Code > 499 {
				t.Errorf("%s: status %d, want 4xx: %.300s", tc.name, rec.Code, rec.Body)
				continue
			}
			wantCleanError(t, tc.name, rec)
		}
		if !lenient {
			b.wantNothingStored(t, b.bucket, submissionTables...)
		}
	}
}

// wantCleanError fails unless rec is a JSON error without internal detail.
func wantCleanError(t *testing.T, name string, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
		!strings.Contains(body, `"error"`) && !strings.Contains(body, `"description"`) {
		t.Errorf("%s: %d answer is not a JSON error: %q %.200s", name, rec.Code, rec.Header().Get("Content-Type"), body)
	}
	for _, leak := range []string{"SQLSTATE", "pgx", "panic", "runtime.", "goroutine", "unexpected EOF"} {
		if strings.Contains(body, leak) {
			t.Errorf("%s: error leaks %q: %.300s", name, leak, body)
		}
	}
}

// submissionTables hold what a public submission stores: none may have a
// row after refused input.
var submissionTables = []string{"complaints", "complaint_events", "sms_outbox", "reports", "tips", "media",
	"submission_keys", "river_job"}

// SQL and HTML injection strings are valid text: they are stored exactly
// as sent, never executed, and every JSON answer escapes their markup.
func TestInjectionStringsAreStoredAsText(t *testing.T) {
	t.Parallel()
	b := setupBadInput(t)
	payloads := []string{
		`Robert'); DROP TABLE complaints; --`,
		`<script>alert("x")</script><img src=x onerror=alert(1)>`,
		`' OR '1'='1' UNION SELECT secret_hash FROM complaints --`,
		`{{7*7}} ${7*7} %s%n%x \u0000 $$;`,
	}
	for i, p := range payloads {
		// A complaint, her tracking page and a reason.
		rec := b.post(t, "/api/v1/complaints", "application/json", []byte(complaintJSON("description", jsonString(p))), fmt.Sprintf("injection-key-%04d", i))
		if rec.Code != http.StatusCreated {
			t.Fatalf("complaint %d: %d %s", i, rec.Code, rec.Body)
		}
		filed := decode[struct{ Code, Secret string }](t, rec)
		track := b.post(t, "/api/v1/complaints/track", "application/json",
			[]byte(fmt.Sprintf(`{"code":%q,"secret":%q}`, filed.Code, filed.Secret)), "")
		if track.Code != http.StatusOK {
			t.Fatalf("track %d: %d %s", i, track.Code, track.Body)
		}
		wantEscaped(t, "tracking page", track.Body.String())
		if got := b.text(t, `SELECT description FROM complaints WHERE code = $1`, filed.Code); got != strings.TrimSpace(p) {
			t.Errorf("complaint description stored as %q, want %q", got, p)
		}

		// A JSON report and a tip.
		rep := b.post(t, "/api/v1/reports", "application/json",
			[]byte(fmt.Sprintf(`{"category":"groping","text":%s,"lat":26.85,"lon":80.95}`, jsonString(p))), "")
		if rep.Code != http.StatusCreated {
			t.Fatalf("report %d: %d %s", i, rep.Code, rep.Body)
		}
		receipt := decode[receiptBody](t, rep)
		if got := b.text(t, `SELECT body FROM reports WHERE code = $1`, receipt.Code); got != strings.TrimSpace(p) {
			t.Errorf("report text stored as %q, want %q", got, p)
		}
		form, ct := multipartForm(map[string]string{"text": p, "places": `[{"lat":26.85,"lon":80.95}]`, "vehicles": `UP32'; DROP--<b>`})
		if tip := b.post(t, "/api/v1/tips", ct, form, ""); tip.Code != http.StatusCreated {
			t.Fatalf("tip %d: %d %s", i, tip.Code, tip.Body)
		}
	}
	n := b.count(t, `SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM reports) + (SELECT count(*) FROM tips)`)
	if n != 3*len(payloads) {
		t.Errorf("stored %d submissions, want %d", n, 3*len(payloads))
	}
}

// post sends body (or, when body is nil, the reader r) to path.
func (b *badInputBundle) post(t *testing.T, path, ctype string, body []byte, key string, r ...io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	var in io.Reader = bytes.NewReader(body)
	if body == nil && len(r) > 0 {
		in = r[0]
	}
	return serve(b.router, http.MethodPost, path, in, "Content-Type", ctype, "Idempotency-Key", key)
}

func (b *badInputBundle) text(t *testing.T, query string, args ...any) string {
	t.Helper()
	var s string
	if err := b.db.QueryRow(b.ctx, query, args...).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// jsonString quotes s as a JSON string (Go's %q differs for some runes).
func jsonString(s string) string {
	var buf bytes.Buffer
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&buf, `\u%04x`, r)
		default:
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
	return buf.String()
}

// wantEscaped fails when an answer carries raw markup.
func wantEscaped(t *testing.T, what, body string) {
	t.Helper()
	if strings.Contains(body, "<script") || strings.Contains(body, "<img") {
		t.Errorf("%s carries unescaped markup: %.300s", what, body)
	}
}

// An upload that stops sending is cut off after the idle timeout and
// stores nothing; a slow one that keeps sending outlives the server's
// ReadTimeout and is stored.
func TestSlowUploads(t *testing.T) {
	t.Cleanup(api.SetUploadTimeouts(400*time.Millisecond, 5*time.Second)) // after the server closes
	b := setupBadInput(t)
	srv := httptest.NewUnstartedServer(b.router)
	srv.Config.ReadHeaderTimeout = time.Second
	srv.Config.ReadTimeout = time.Second // as in cmd/vikalp, scaled down
	srv.Start()
	t.Cleanup(srv.Close)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 60})
	body, ct := multipartForm(map[string]string{"category": "stalking", "lat": "26.8467", "lon": "80.9462"}, photo)

	t.Run("Stalled", func(t *testing.T) {
		start := time.Now()
		status := rawPost(t, srv.Listener.Addr().String(), ct, body, len(body)/2, 0, 3*time.Second)
		if took := time.Since(start); took > 2500*time.Millisecond {
			t.Errorf("stalled upload held for %v, want it cut after the idle timeout", took)
		}
		if status >= 200 && status < 300 {
			t.Errorf("stalled upload answered %d", status)
		}
		b.wantNothingStored(t, b.bucket, submissionTables...)
	})
	t.Run("SlowButSteady", func(t *testing.T) {
		// 2.4 s in 12 chunks: longer than ReadTimeout, never idle long.
		status := rawPost(t, srv.Listener.Addr().String(), ct, body, len(body)/12+1, 200*time.Millisecond, 10*time.Second)
		if status != http.StatusCreated {
			t.Errorf("slow upload: %d, want 201", status)
		}
	})
}

// rawPost writes a POST over a raw connection, chunk bytes at a time with
// pause between chunks; with pause 0 it sends one chunk and then stalls.
// It returns the status read (0 when the server closed without one).
func rawPost(t *testing.T, addr, ctype string, body []byte, chunk int, pause, wait time.Duration) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(body))
	for off := 0; off < len(body); off += chunk {
		end := min(off+chunk, len(body))
		if _, err := conn.Write(body[off:end]); err != nil {
			break
		}
		if pause == 0 {
			break
		}
		time.Sleep(pause)
	}
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
