package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
)

// fuzzBoundary is the multipart boundary of every fuzzed body.
const fuzzBoundary = "vikalpfuzz"

// FuzzMultipartIntake parses arbitrary bytes as a multipart submission the
// way POST /api/v1/reports and /tips do, up to the domain call: it never
// panics, refuses with user-safe ErrInvalid errors only, and what it accepts
// stays within the form limits.
func FuzzMultipartIntake(f *testing.F) {
	part := func(name, value string) string {
		return "--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
	}
	end := "--" + fuzzBoundary + "--\r\n"
	f.Add([]byte(part("category", "groping") + part("lat", "26.85") + part("lon", "80.95") + part("happening_now", "true") + end))
	f.Add([]byte(part("text", "रात") + part("places", `[{"lat":26.8,"lon":80.9}]`) + part("vehicles", "UP 32 AB 1234") + end))
	f.Add([]byte(part("occurred_at", "2024-13-45T99:00:00Z") + part("lat", "NaN") + part("contact", "{") + end))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n\r\n\xff\xd8\xff\r\n" + end))
	f.Add([]byte("--" + fuzzBoundary + "\r\n\r\n"))
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/reports", bytes.NewReader(body))
		c.Request.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		form, err := parseUpload(c)
		if err != nil {
			wantUserSafe(t, err)
			return
		}
		defer func() { _ = form.RemoveAll() }()
		in, err := newReportInput(form, ingest.SourceWeb, 1<<20)
		if err != nil {
			wantUserSafe(t, err)
		} else if len(in.Photos) > ingest.MaxReportPhotos {
			t.Fatalf("accepted %d photos", len(in.Photos))
		}
		var places []ingest.TipPlace
		if err := formJSON(form, "places", &places); err != nil {
			wantUserSafe(t, err)
		}
		if _, err := formList(form, "vehicles"); err != nil {
			wantUserSafe(t, err)
		}
	})
}

// wantUserSafe fails unless err is a user-safe ErrInvalid.
func wantUserSafe(t *testing.T, err error) {
	t.Helper()
	if _, ok := vikalp.AsUserError(err); !ok || !errors.Is(err, vikalp.ErrInvalid) {
		t.Fatalf("refusal %v is not a user-safe ErrInvalid", err)
	}
}
