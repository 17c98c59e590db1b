package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/testkit"
)

// setupLeadAPI is setupIngest and the router's lead service.
func setupLeadAPI(t *testing.T) (*ingestBundle, *leads.Service) {
	t.Helper()
	b := setupIngest(t)
	return b, b.deps.Leads
}

func TestLeadsOverHTTP(t *testing.T) {
	t.Parallel()
	b, leads := setupLeadAPI(t)
	places := fmt.Sprintf(`[{"lat":%f,"lon":%f,"description":"Gorakhpur Jn"}]`, testkit.Gorakhpur[0], testkit.Gorakhpur[1])
	for _, text := range []string{"a girl aged 14 in a van, driver +91-9839011234",
		"उसका नंबर 98 39० double-one 234 है", "men at Agra with a truck UP 80 CD 5678"} {
		if rec := b.post(t, "/api/v1/tips", upload{fields: map[string]string{"text": text, "places": places}}, ""); rec.Code != http.StatusCreated {
			t.Fatalf("submit tip: %d %s", rec.Code, rec.Body)
		}
	}
	if _, err := leads.Run(b.ctx); err != nil {
		t.Fatal(err)
	}
	var lead, ahtu int64
	if err := b.db.QueryRow(b.ctx, `SELECT id, ahtu_id FROM leads WHERE tip_count = 2`).Scan(&lead, &ahtu); err != nil {
		t.Fatal(err)
	}
	own := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu})
	foreign := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu%35 + 1})
	pcr := b.token(t, auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	msp := b.token(t, auth.RoleMSPAnalyst, auth.StateScope)
	path := fmt.Sprintf("/api/v1/leads/%d", lead)

	for who, tok := range map[string]string{"OtherAHTU": foreign, "PCR": pcr} {
		if rec := b.do(http.MethodGet, path, "", tok); rec.Code != http.StatusNotFound {
			t.Errorf("%s view: %d, want 404", who, rec.Code)
		}
		if rec := b.do(http.MethodPost, path+"/transition", `{"to":"triaged"}`, tok); rec.Code != http.StatusNotFound {
			t.Errorf("%s transition: %d, want 404", who, rec.Code)
		}
	}
	if rec := b.do(http.MethodGet, "/api/v1/leads", "", pcr); rec.Code != http.StatusNotFound {
		t.Errorf("PCR list: %d, want 404", rec.Code)
	}
	if rec := b.do(http.MethodGet, path, "", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", rec.Code)
	}
	if rec := b.do(http.MethodGet, "/api/v1/leads", "", foreign); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"id"`)) {
		t.Errorf("foreign list: %d %s", rec.Code, rec.Body)
	}
	detail := b.do(http.MethodGet, path, "", own)
	if detail.Code != http.StatusOK || !bytes.Contains(detail.Body.Bytes(), []byte("+919839011234")) ||
		!bytes.Contains(detail.Body.Bytes(), []byte(`"indicator":"minors"`)) {
		t.Fatalf("own view: %d %s", detail.Code, detail.Body)
	}
	if rec := b.do(http.MethodGet, "/api/v1/leads?min_score=1&status=new", "", msp); rec.Code != http.StatusOK ||
		!bytes.Contains(rec.Body.Bytes(), []byte(fmt.Sprintf(`"id":%d`, lead))) {
		t.Errorf("MSP list: %d %s", rec.Code, rec.Body)
	}
	if rec := b.do(http.MethodGet, "/api/v1/leads?status=bogus", "", msp); rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest {
		t.Errorf("bad status filter: %d", rec.Code)
	}
	if rec := b.do(http.MethodPost, path+"/transition", `{"to":"triaged"}`, msp); rec.Code != http.StatusForbidden {
		t.Errorf("MSP transition: %d, want 403", rec.Code)
	}
	if rec := b.do(http.MethodPost, path+"/transition", `{"to":"actioned"}`, own); rec.Code != http.StatusConflict {
		t.Errorf("illegal transition: %d, want 409: %s", rec.Code, rec.Body)
	}
	if rec := b.do(http.MethodPost, path+"/transition", `{"to":"triaged","note":"looks real"}`, own); rec.Code != http.StatusOK ||
		!bytes.Contains(rec.Body.Bytes(), []byte(`"status":"triaged"`)) {
		t.Errorf("transition: %d %s", rec.Code, rec.Body)
	}
	if rec := b.do(http.MethodPost, path+"/notes", `{"note":"number traced to Basti"}`, own); rec.Code != http.StatusOK {
		t.Errorf("note: %d %s", rec.Code, rec.Body)
	}
	var tip int64
	if err := b.db.QueryRow(b.ctx, `SELECT max(tip_id) FROM lead_members WHERE lead_id = $1`, lead).Scan(&tip); err != nil {
		t.Fatal(err)
	}
	split := b.do(http.MethodPost, path+"/split", fmt.Sprintf(`{"tip_ids":[%d]}`, tip), own)
	if split.Code != http.StatusCreated {
		t.Fatalf("split: %d %s", split.Code, split.Body)
	}
	newLead := decode[struct {
		ID int64 `json:"id"`
	}](t, split).ID
	if rec := b.do(http.MethodPost, path+"/merge", fmt.Sprintf(`{"lead_id":%d}`, newLead), own); rec.Code != http.StatusOK ||
		!bytes.Contains(rec.Body.Bytes(), []byte(`"tip_count":2`)) {
		t.Errorf("merge: %d %s", rec.Code, rec.Body)
	}

	csv := b.do(http.MethodGet, "/api/v1/leads/export.csv", "", own)
	if csv.Code != http.StatusOK || !strings.HasPrefix(csv.Body.String(), "id,ahtu_id,") ||
		!strings.Contains(csv.Body.String(), fmt.Sprintf("\n%d,%d,", lead, ahtu)) || strings.Contains(csv.Body.String(), "9839") {
		t.Errorf("csv export: %d %s", csv.Code, csv.Body)
	}
	gj := b.do(http.MethodGet, "/api/v1/leads/export.geojson", "", msp)
	if gj.Code != http.StatusOK || !bytes.Contains(gj.Body.Bytes(), []byte(`"FeatureCollection"`)) {
		t.Errorf("geojson export: %d %s", gj.Code, gj.Body)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'lead.exported'`); n != 2 {
		t.Errorf("exports audited: %d, want 2", n)
	}
}
