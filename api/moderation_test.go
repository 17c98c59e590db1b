package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// submitReport files one report over HTTP and returns its code and id.
func (b *ingestBundle) submitReport(t *testing.T) (string, int64) {
	t.Helper()
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 200, Height: 150, GPS: &testkit.Varanasi})
	rec := b.post(t, "/api/v1/reports", upload{fields: map[string]string{"category": "groping"},
		files: map[string][][]byte{"photos": {photo}}}, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	code := decode[receiptBody](t, rec).Code
	return code, b.reportID(t, code)
}

func TestModerationOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	code, id := b.submitReport(t)
	mod := b.token(t, auth.RoleModerator, auth.StateScope)
	pcr := b.token(t, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})

	if rec := b.do(http.MethodGet, "/api/v1/moderation/reports", "", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous queue: %d, want 401", rec.Code)
	}
	if rec := b.do(http.MethodGet, "/api/v1/moderation/reports", "", pcr); rec.Code != http.StatusForbidden {
		t.Errorf("pcr queue: %d, want 403", rec.Code)
	}
	rec := b.do(http.MethodGet, "/api/v1/moderation/reports", "", mod)
	if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(code)) {
		t.Fatalf("queue: %d %s", rec.Code, rec.Body)
	}
	base := fmt.Sprintf("/api/v1/moderation/reports/%d", id)
	if rec := b.do(http.MethodPost, base+"/photos/1/redact", `{"rects":[{"x":0.1,"y":0.1,"w":0.4,"h":0.4}]}`, mod); rec.Code != http.StatusOK {
		t.Fatalf("redact: %d %s", rec.Code, rec.Body)
	}
	clean := b.do(http.MethodGet, base+"/photos/1", "", mod)
	red := b.do(http.MethodGet, base+"/photos/1?variant=redacted", "", mod)
	if clean.Code != 200 || red.Code != 200 || bytes.Equal(clean.Body.Bytes(), red.Body.Bytes()) {
		t.Fatalf("moderator photos: %d %d, equal %v", clean.Code, red.Code, bytes.Equal(clean.Body.Bytes(), red.Body.Bytes()))
	}
	if rec := b.do(http.MethodGet, base+"/photos/1?variant=original", "", mod); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("original variant: %d, want 422", rec.Code)
	}
	if rec := b.do(http.MethodPost, base+"/approve", "", mod); rec.Code != http.StatusOK {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	public := b.do(http.MethodGet, "/api/v1/reports/"+code+"/photos/1", "", "")
	if public.Code != 200 || !bytes.Equal(public.Body.Bytes(), red.Body.Bytes()) {
		t.Errorf("public photo is not the redacted derivative (status %d)", public.Code)
	}
	if rec := b.do(http.MethodPost, base+"/reject", `{"reason":"abuse"}`, mod); rec.Code != http.StatusOK {
		t.Fatalf("reject: %d %s", rec.Code, rec.Body)
	}
	if rec := b.do(http.MethodGet, "/api/v1/reports/"+code+"/photos/1", "", ""); rec.Code != http.StatusNotFound {
		t.Errorf("rejected photo: %d, want 404", rec.Code)
	}
	if rec := b.do(http.MethodPost, base+"/reject", `{"reason":"meh"}`, mod); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad reason: %d, want 422", rec.Code)
	}
}
