package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// ingestBundle is an API router on a seeded database, its photos in an
// in-memory bucket; ingest is the router's ingest service.
type ingestBundle struct {
	fixture
	bucket *blob.Bucket
	router http.Handler // checked against the OpenAPI document (apitest.ValidateContract)
	deps   api.Deps     // the router's services (apitest.Deps)
	ingest *ingest.Service
}

func setupIngest(t *testing.T) *ingestBundle {
	t.Helper()
	b := &ingestBundle{fixture: newFixture(t), bucket: ingesttest.Bucket(t)}
	b.deps = apitest.Deps(t, b.db, apitest.Options{Bucket: b.bucket})
	b.ingest = b.deps.Ingest
	b.router = apitest.ValidateContract(t, apitest.Router(t, b.deps))
	return b
}

// upload is a multipart body: fields and files (name → contents, each
// file part named after its field).
type upload struct {
	fields  map[string]string
	files   map[string][][]byte
	headers map[string]string // extra request headers, e.g. Idempotency-Key
}

func (u upload) encode(t *testing.T) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range u.fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for k, files := range u.files {
		for i, data := range files {
			fw, err := w.CreateFormFile(k, fmt.Sprintf("photo%d.jpg", i+1))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fw.Write(data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

// post sends a multipart upload.
func (b *ingestBundle) post(t *testing.T, path string, u upload, authz string) *httptest.ResponseRecorder {
	t.Helper()
	req, rec := b.multipart(t, path, u, authz)
	b.router.ServeHTTP(rec, req)
	return rec
}

// multipart builds a multipart upload request and a recorder for it.
func (b *ingestBundle) multipart(t *testing.T, path string, u upload, authz string) (*http.Request, *httptest.ResponseRecorder) {
	t.Helper()
	body, ct := u.encode(t)
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", ct)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	for k, v := range u.headers {
		req.Header.Set(k, v)
	}
	return req, httptest.NewRecorder()
}

// do sends a request with an optional JSON body and bearer header.
func (b *ingestBundle) do(method, path, jsonBody, authz string) *httptest.ResponseRecorder {
	var r io.Reader
	if jsonBody != "" {
		r = bytes.NewBufferString(jsonBody)
	}
	return serve(b.router, method, path, r, "Content-Type", "application/json", "Authorization", authz)
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	return v
}

type receiptBody struct {
	Code   string `json:"code"`
	Status string `json:"status"`
}

type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	Field string `json:"field"`
}

func TestReportSubmitAndFollowOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 120, Height: 90, GPS: &testkit.Lucknow})
	text := "रात में यहाँ रोशनी नहीं होती"
	rec := b.post(t, "/api/v1/reports", upload{fields: map[string]string{"category": "poorly_lit_area", "text": text},
		files: map[string][][]byte{"photos": {photo}}}, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	r := decode[receiptBody](t, rec)
	if r.Status != "pending" || r.Code == "" {
		t.Fatalf("receipt %+v", r)
	}
	if n := b.count(t, `SELECT count(*) FROM reports WHERE code = $1 AND location_source = 'exif' AND body = $2`, r.Code, text); n != 1 {
		t.Error("report not stored with its EXIF location and Hindi text")
	}

	status := b.do(http.MethodGet, "/api/v1/reports/"+r.Code, "", "")
	if status.Code != http.StatusOK {
		t.Fatalf("status %d: %s", status.Code, status.Body)
	}
	for _, leak := range []string{"lat", "lon", "26.84", "80.94", "यहाँ", "exif", "Exif"} {
		if bytes.Contains(status.Body.Bytes(), []byte(leak)) {
			t.Errorf("public status leaks %q: %s", leak, status.Body)
		}
	}
	if got := b.do(http.MethodGet, "/api/v1/reports/"+r.Code+"/photos/1", "", ""); got.Code != http.StatusNotFound {
		t.Errorf("pending photo: status %d, want 404", got.Code)
	}

	mod := b.token(t, auth.RoleModerator, auth.StateScope)
	if got := b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/approve", b.reportID(t, r.Code)), "", mod); got.Code != http.StatusOK {
		t.Fatalf("approve: %d %s", got.Code, got.Body)
	}
	for _, q := range []string{"", "?size=thumb"} {
		got := b.do(http.MethodGet, "/api/v1/reports/"+r.Code+"/photos/1"+q, "", "")
		if got.Code != http.StatusOK || got.Header().Get("Content-Type") != "image/jpeg" {
			t.Fatalf("approved photo%s: %d %s", q, got.Code, got.Header().Get("Content-Type"))
		}
		if ingesttest.HasEXIF(got.Body.Bytes()) {
			t.Errorf("served photo%s contains EXIF", q)
		}
	}
}

func TestReportRefusalsOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	ok := ingesttest.JPEG(t, ingesttest.PhotoOpts{GPS: &testkit.Lucknow})
	big := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 10<<20)...)
	cases := map[string]struct {
		u    upload
		code string
	}{
		"CorruptJPEG":   {upload{map[string]string{"category": "other"}, map[string][][]byte{"photos": {ingesttest.TruncatedJPEG(t)}}, nil}, "photo_corrupt"},
		"PNGBomb":       {upload{map[string]string{"category": "other"}, map[string][][]byte{"photos": {ingesttest.PNGBomb(100000, 100000)}}, nil}, "photo_too_many_pixels"},
		"PDFRenamedJPG": {upload{map[string]string{"category": "other"}, map[string][][]byte{"photos": {ingesttest.PDF()}}, nil}, "photo_type"},
		"Oversized":     {upload{map[string]string{"category": "other"}, map[string][][]byte{"photos": {big}}, nil}, "photo_too_large"},
		"OutsideUP":     {upload{map[string]string{"category": "other", "lat": "19.076", "lon": "72.8777"}, map[string][][]byte{"photos": {ok}}, nil}, "outside_up"},
		"NoLocation":    {upload{map[string]string{"category": "other"}, map[string][][]byte{"photos": {ingesttest.JPEG(t, ingesttest.PhotoOpts{})}}, nil}, "location_required"},
		"NoCategory":    {upload{map[string]string{}, map[string][][]byte{"photos": {ok}}, nil}, "required"},
		"NoPhoto":       {upload{map[string]string{"category": "other"}, nil, nil}, "photo_count"},
		"BadLatitude":   {upload{map[string]string{"category": "other", "lat": "north", "lon": "80"}, map[string][][]byte{"photos": {ok}}, nil}, "bad_number"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec := b.post(t, "/api/v1/reports", tc.u, "")
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", rec.Code, rec.Body)
			}
			if e := decode[errorBody](t, rec); e.Code != tc.code || e.Error == "" {
				t.Errorf("error %+v, want code %s with a message", e, tc.code)
			}
		})
	}
	t.Run("NotMultipart", func(t *testing.T) {
		if rec := b.do(http.MethodPost, "/api/v1/reports", `{"category":"other"}`, ""); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("status %d, want 422", rec.Code)
		}
	})
	b.wantNothingStored(t, b.bucket, "reports", "tips", "media")
}

func TestReportCategories(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	rec := b.do(http.MethodGet, "/api/v1/report-categories", "", "")
	if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte("unsafe_transport_stop")) ||
		!bytes.Contains(rec.Body.Bytes(), []byte("पीछा")) {
		t.Errorf("categories: %d %s", rec.Code, rec.Body)
	}
}
