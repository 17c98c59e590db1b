package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// reporterView is the tracking answer as the web page reads it.
type reporterView struct {
	Code         string `json:"code"`
	Status       string `json:"status"`
	State        string `json:"state"`
	StateLabelEN string `json:"state_label_en"`
	StateLabelHI string `json:"state_label_hi"`
	Timeline     []struct {
		Kind          string `json:"kind"`
		LabelEN       string `json:"label_en"`
		LabelHI       string `json:"label_hi"`
		ReasonLabelEN string `json:"reason_label_en"`
		ReasonLabelHI string `json:"reason_label_hi"`
	} `json:"timeline"`
	Updates []struct {
		Text     string `json:"text"`
		HasPhoto bool   `json:"has_photo"`
	} `json:"updates"`
}

// track asks for her view of code with secret.
func (b *ingestBundle) track(t *testing.T, code, secret string) (*httptest.ResponseRecorder, reporterView) {
	t.Helper()
	rec := b.do(http.MethodPost, "/api/v1/reports/"+code+"/track", fmt.Sprintf(`{"secret":%q}`, secret), "")
	if rec.Code != http.StatusOK {
		return rec, reporterView{}
	}
	return rec, decode[reporterView](t, rec)
}

// A report taken from submission to approved, action taken, closed and
// reopened by a new report, as the reporter (in English and Hindi), the
// police and Open311 see it.
func TestReportLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	mod := b.token(t, auth.RoleModerator, auth.StateScope)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 120, Height: 90, GPS: &testkit.Lucknow})
	rec := b.post(t, "/api/v1/reports", upload{fields: map[string]string{"category": "poorly_lit_area"},
		files: map[string][][]byte{"photos": {photo}}}, "")
	receipt := decode[struct {
		Code   string `json:"code"`
		Secret string `json:"secret"`
	}](t, rec)
	if rec.Code != http.StatusCreated || len(receipt.Secret) != 10 {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	code, id := receipt.Code, b.reportID(t, receipt.Code)
	var stationID int64
	if err := b.db.QueryRow(b.ctx, `SELECT station_id FROM reports WHERE id = $1`, id).Scan(&stationID); err != nil {
		t.Fatal(err)
	}
	station := b.token(t, auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: stationID})
	nodal := b.token(t, auth.RoleNodal, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	agraSP := b.token(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: 118})
	analyst := b.token(t, auth.RoleMSPAnalyst, auth.StateScope)

	t.Run("HerViewNeedsTheSecret", func(t *testing.T) {
		if rec, _ := b.track(t, code, "0000000000"); rec.Code != http.StatusNotFound {
			t.Errorf("wrong secret: %d", rec.Code)
		}
		rec, v := b.track(t, code, strings.ToLower(receipt.Secret))
		if rec.Code != 200 || v.State != "pending" || v.StateLabelHI != "समीक्षा की प्रतीक्षा में" ||
			v.StateLabelEN != "Awaiting review" {
			t.Fatalf("pending view: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("SheAddsTextAndPhoto", func(t *testing.T) {
		rec := b.do(http.MethodPost, "/api/v1/reports/"+code+"/updates",
			fmt.Sprintf(`{"secret":%q,"text":"the lamp post is still broken"}`, receipt.Secret), "")
		if rec.Code != http.StatusCreated {
			t.Fatalf("text update: %d %s", rec.Code, rec.Body)
		}
		again := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 90, Height: 60, GPS: &testkit.Lucknow})
		rec = b.post(t, "/api/v1/reports/"+code+"/updates", upload{fields: map[string]string{"secret": receipt.Secret},
			files: map[string][][]byte{"photo": {again}}}, "")
		if rec.Code != http.StatusCreated || !bytes.Contains(rec.Body.Bytes(), []byte(`"has_photo":true`)) {
			t.Fatalf("photo update: %d %s", rec.Code, rec.Body)
		}
		rec = b.do(http.MethodPost, "/api/v1/reports/"+code+"/updates", `{"secret":"0000000000","text":"x"}`, "")
		if rec.Code != http.StatusNotFound {
			t.Errorf("update with a wrong secret: %d", rec.Code)
		}
	})

	if rec := b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/approve", id), "", mod); rec.Code != 200 {
		t.Fatalf("approve: %d", rec.Code)
	}
	outcome := func(token, body string) *httptest.ResponseRecorder {
		return b.do(http.MethodPost, fmt.Sprintf("/api/v1/staff/reports/%d/outcome", id), body, token)
	}
	t.Run("WhoMaySetAnOutcome", func(t *testing.T) {
		if rec := outcome(agraSP, `{"outcome":"action_taken","reason_code":"other"}`); rec.Code != http.StatusNotFound {
			t.Errorf("SP of another district: %d", rec.Code)
		}
		if rec := outcome(analyst, `{"outcome":"action_taken","reason_code":"other"}`); rec.Code != http.StatusForbidden {
			t.Errorf("MSP analyst: %d", rec.Code)
		}
		if rec := outcome("", `{"outcome":"action_taken","reason_code":"other"}`); rec.Code != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", rec.Code)
		}
	})
	if rec := outcome(station, `{"outcome":"action_taken","reason_code":"patrolling_increased","note":"beat constable told"}`); rec.Code != 200 {
		t.Fatalf("action taken: %d %s", rec.Code, rec.Body)
	}
	if rec := outcome(nodal, `{"outcome":"closed","reason_code":"lighting_repaired","note":"nagar nigam replaced lamp"}`); rec.Code != 200 {
		t.Fatalf("closed: %d %s", rec.Code, rec.Body)
	}

	t.Run("SheSeesTheOutcomeInBothLanguages", func(t *testing.T) {
		rec, v := b.track(t, code, receipt.Secret)
		if v.State != "closed" || v.StateLabelEN != "Closed" || v.StateLabelHI != "बंद" || len(v.Timeline) != 3 ||
			v.Timeline[2].ReasonLabelHI != "रोशनी की व्यवस्था ठीक की गई" || v.Timeline[1].LabelHI != "पुलिस ने कार्रवाई की" ||
			len(v.Updates) != 2 {
			t.Fatalf("closed view: %s", rec.Body)
		}
		if strings.Contains(rec.Body.String(), "nagar nigam") || strings.Contains(rec.Body.String(), "constable") {
			t.Error("a staff note reached her view")
		}
		o := decode[[]open311Req](t, b.do(http.MethodGet, "/open311/v2/requests/"+code+".json", "", ""))
		if o[0].Status != "closed" || o[0].StatusNotes != "closed: Lighting repaired" {
			t.Errorf("open311 after closure: %+v", o[0])
		}
	})

	// A new report in the same place, approved, reopens it.
	rec = b.do(http.MethodPost, "/api/v1/reports", fmt.Sprintf(`{"category":"poorly_lit_area","lat":%f,"lon":%f}`,
		testkit.Lucknow[0], testkit.Lucknow[1]), "")
	newCode := decode[receiptBody](t, rec).Code
	if rec := b.do(http.MethodPost, fmt.Sprintf("/api/v1/moderation/reports/%d/approve", b.reportID(t, newCode)), "", mod); rec.Code != 200 {
		t.Fatalf("approve the new report: %d", rec.Code)
	}
	t.Run("ReopenedByANewReport", func(t *testing.T) {
		_, v := b.track(t, code, receipt.Secret)
		if v.State != "reopened" || v.StateLabelHI != "फिर से खोला गया – दोबारा सूचना मिली" ||
			v.Timeline[len(v.Timeline)-1].Kind != "reopened" {
			t.Fatalf("reopened view: %+v", v)
		}
		o := decode[[]open311Req](t, b.do(http.MethodGet, "/open311/v2/requests/"+code+".json", "", ""))
		if o[0].Status != "open" {
			t.Errorf("open311 after reopening: %+v", o[0])
		}
	})
	t.Run("StaffHistory", func(t *testing.T) {
		rec := b.do(http.MethodGet, fmt.Sprintf("/api/v1/staff/reports/%d", id), "", station)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "nagar nigam replaced lamp") ||
			!strings.Contains(rec.Body.String(), "the lamp post is still broken") {
			t.Fatalf("history: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do(http.MethodGet, fmt.Sprintf("/api/v1/staff/reports/%d", id), "", agraSP); rec.Code != http.StatusNotFound {
			t.Errorf("history for another district: %d", rec.Code)
		}
		hist := decode[struct {
			Updates []struct {
				PhotoURL string `json:"photo_url"`
			} `json:"updates"`
		}](t, rec)
		if len(hist.Updates) != 2 || hist.Updates[1].PhotoURL == "" {
			t.Fatalf("updates in the history: %+v", hist.Updates)
		}
		deps := b.deps
		deps.Registry = api.NewRegistry() // b.router registered its metrics in the first
		bare := apitest.Router(t, deps)
		photo := serve(bare, http.MethodGet, hist.Updates[1].PhotoURL, nil, "Authorization", station)
		if photo.Code != 200 || photo.Header().Get("Content-Type") != "image/jpeg" || ingesttest.HasEXIF(photo.Body.Bytes()) {
			t.Errorf("update photo: %d %s, EXIF %v", photo.Code, photo.Header().Get("Content-Type"), ingesttest.HasEXIF(photo.Body.Bytes()))
		}
		if rec := serve(bare, http.MethodGet, hist.Updates[1].PhotoURL, nil, "Authorization", agraSP); rec.Code != http.StatusNotFound {
			t.Errorf("update photo for another district: %d", rec.Code)
		}
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE object_id = $1 AND action IN ('report.action_taken', 'report.closed')`, id); n != 2 {
			t.Errorf("%d outcome audit entries, want 2", n)
		}
	})
}

// The station of Lucknow's Hazratganj sees 404 for a report in Agra: the
// matrix's scope rule for the lifecycle routes.
func TestReportLifecycleStationScope(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	rec := b.do(http.MethodPost, "/api/v1/reports", fmt.Sprintf(`{"category":"groping","lat":%f,"lon":%f}`,
		testkit.Agra[0], testkit.Agra[1]), "")
	id := b.reportID(t, decode[receiptBody](t, rec).Code)
	hz := b.token(t, auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: stationIDOf(t, b, "LKO-HAZ")})
	if rec := b.do(http.MethodGet, fmt.Sprintf("/api/v1/staff/reports/%d", id), "", hz); rec.Code != http.StatusNotFound {
		t.Errorf("foreign station reads history: %d", rec.Code)
	}
}

// stationIDOf returns the id of the station with code.
func stationIDOf(t *testing.T, b *ingestBundle, code string) int64 {
	t.Helper()
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM police_stations WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
