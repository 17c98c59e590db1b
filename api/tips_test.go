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

func TestTipsOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	places := fmt.Sprintf(`[{"lat":%f,"lon":%f,"description":"चारबाग बस अड्डा","seen_at":"2026-01-05T20:30:00+05:30"}]`,
		testkit.Lucknow[0], testkit.Lucknow[1])
	rec := b.post(t, "/api/v1/tips", upload{fields: map[string]string{
		"text": "a girl of about 14 was taken towards the border in a white van", "places": places,
		"vehicles": `["UP 32 AB 1234"]`, "phones": "9876543210", "contact": `{"phone":"9123456780"}`,
		"consent_contact": "true"},
		files: map[string][][]byte{"photos": {ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120})}}}, "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("submit tip: %d %s", rec.Code, rec.Body)
	}
	var id int64
	var ahtu int64
	if err := b.db.QueryRow(b.ctx, `SELECT id, ahtu_ids[1] FROM tips`).Scan(&id, &ahtu); err != nil {
		t.Fatal(err)
	}
	var other int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM ahtu_units WHERE id <> $1 ORDER BY id LIMIT 1`, ahtu).Scan(&other); err != nil {
		t.Fatal(err)
	}
	own := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu})
	foreign := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: other})
	pcr := b.token(t, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	msp := b.token(t, auth.RoleMSPLegal, auth.StateScope)

	tip := fmt.Sprintf("/api/v1/tips/%d", id)
	for name, path := range map[string]string{"Tip": tip, "Photo": tip + "/photos/1", "Contact": tip + "/contact"} {
		for who, tok := range map[string]string{"OtherAHTU": foreign, "PCR": pcr} {
			if rec := b.do(http.MethodGet, path, "", tok); rec.Code != http.StatusNotFound {
				t.Errorf("%s for %s: %d, want 404", name, who, rec.Code)
			}
		}
		if rec := b.do(http.MethodGet, path, "", ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s anonymous: %d, want 401", name, rec.Code)
		}
	}
	for who, tok := range map[string]string{"OwnAHTU": own, "MSP": msp} {
		got := b.do(http.MethodGet, tip, "", tok)
		if got.Code != http.StatusOK || !bytes.Contains(got.Body.Bytes(), []byte("चारबाग बस अड्डा")) ||
			!bytes.Contains(got.Body.Bytes(), []byte("UP 32 AB 1234")) {
			t.Errorf("%s view: %d %s", who, got.Code, got.Body)
		}
		photo := b.do(http.MethodGet, tip+"/photos/1", "", tok)
		if photo.Code != http.StatusOK || ingesttest.HasEXIF(photo.Body.Bytes()) || photo.Header().Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s photo: %d, cache %q", who, photo.Code, photo.Header().Get("Cache-Control"))
		}
	}
	if got := b.do(http.MethodGet, tip+"/contact", "", own); got.Code != http.StatusOK || !bytes.Contains(got.Body.Bytes(), []byte("9123456780")) {
		t.Errorf("contact: %d %s", got.Code, got.Body)
	}
	if list := b.do(http.MethodGet, "/api/v1/tips", "", foreign); list.Code != http.StatusOK || bytes.Contains(list.Body.Bytes(), []byte(`"id"`)) {
		t.Errorf("foreign list: %d %s", list.Code, list.Body)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE object_kind = 'tip' AND object_id = $1
		AND action IN ('tip.viewed', 'tip.photo_viewed', 'tip.contact_decrypted')`, id); n != 5 {
		t.Errorf("audited tip accesses = %d, want 5", n)
	}
}

func TestTipRefusalsOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	for name, fields := range map[string]map[string]string{
		"NoPlaces":  {"text": "seen"},
		"BadJSON":   {"text": "seen", "places": "[{"},
		"OutsideUP": {"text": "seen", "places": `[{"lat":19.07,"lon":72.87}]`},
	} {
		t.Run(name, func(t *testing.T) {
			if rec := b.post(t, "/api/v1/tips", upload{fields: fields}, ""); rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422: %s", rec.Code, rec.Body)
			}
		})
	}
	b.wantNothingStored(t, b.bucket, "reports", "tips", "media")
}
