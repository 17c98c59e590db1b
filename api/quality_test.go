package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/jurisdiction"
)

// setupSupervision is the complaint bundle with an MSP analyst and Agra's
// SP besides the usual accounts.
func setupSupervision(t *testing.T) *complaintBundle {
	t.Helper()
	srv := apitest.Start(t, e2ePassword, func(j *jurisdiction.Service) []auth.DemoUser {
		return append(complaintStaff(t, j),
			auth.DemoUser{Username: "msp.analyst", Role: auth.RoleMSPAnalyst, Scope: auth.StateScope},
			auth.DemoUser{Username: "sp.agra", Role: auth.RoleSP, Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 118}})
	})
	return newComplaintBundle(t, srv)
}

// fileAndAnswer files a complaint near Hazratganj and has its ATR (text)
// drafted, submitted and published; it returns the complaint's id and code.
func (b *complaintBundle) fileAndAnswer(station, nodal *client, text string) (int, string) {
	b.t.Helper()
	var filed struct{ Code string }
	b.anonymous().do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking",
		"description": "a man follows me to college", "language": "en", "lat": 26.8505, "lon": 80.9466,
		"contact": map[string]string{"name": "Meena Kumari", "phone": "9811122233"}}, http.StatusCreated, &filed)
	id := b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code)
	path := "/api/v1/complaints/" + strconv.Itoa(id)
	station.do(http.MethodPut, path+"/atr", map[string]string{"text": text, "action_taken": "warning issued"}, http.StatusOK, nil)
	station.do(http.MethodPost, path+"/atr/submit", nil, http.StatusOK, nil)
	nodal.do(http.MethodPost, path+"/atr/approve", nil, http.StatusOK, nil)
	return id, filed.Code
}

type qualityBody struct {
	Stations []struct {
		ID      int64 `json:"id"`
		Rank    *int  `json:"rank"`
		Name    struct{ EN string }
		Figures map[string]struct {
			N      int      `json:"n"`
			Count  int      `json:"count"`
			Value  *float64 `json:"value"`
			TooFew bool     `json:"too_few"`
		} `json:"figures"`
	} `json:"stations"`
	NearCopies []struct {
		Code        string `json:"code"`
		EarlierCode string `json:"earlier_code"`
		ATRID       int64  `json:"atr_id"`
	} `json:"near_copies"`
}

// TestATRQualityOverHTTP: a station that pastes its earlier ATR shows with
// the pair, labelled too few to compare; the list behind the figure is
// scoped; other districts and stations get nothing.
func TestATRQualityOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupSupervision(t)
	station, nodal := b.login("station.hzg"), b.login("nodal.lko")
	const first = "आरोपी को थाने बुलाकर चेतावनी दी गई और बीट आरक्षी को नियमित निगरानी के निर्देश दिए गए। पीड़िता को हेल्पलाइन नंबर दिए गए।"
	_, code1 := b.fileAndAnswer(station, nodal, first)
	_, code2 := b.fileAndAnswer(station, nodal, "आरोपी को थाने बुलाकर चेतावनी दी गई, और बीट आरक्षी को नियमित निगरानी के निर्देश दिए गए; पीड़िता को हेल्पलाइन नंबर दिए गए")

	var q qualityBody
	b.login("msp.analyst").do(http.MethodGet, "/api/v1/dashboard/quality?sort=near_copy", nil, http.StatusOK, &q)
	if len(q.NearCopies) != 1 || q.NearCopies[0].Code != code2 || q.NearCopies[0].EarlierCode != code1 {
		t.Fatalf("near-copies %+v; want %s copying %s", q.NearCopies, code2, code1)
	}
	if len(q.Stations) != 1 || q.Stations[0].Name.EN != "Hazratganj" {
		t.Fatalf("stations %+v", q.Stations)
	}
	hzg := q.Stations[0]
	if f := hzg.Figures["near_copy"]; f.N != 2 || f.Count != 1 || f.Value == nil || *f.Value != 0.5 || !f.TooFew || hzg.Rank != nil {
		t.Errorf("near-copy figure %+v rank %v; want 1 of 2, too few, unranked", f, hzg.Rank)
	}

	list := "/api/v1/dashboard/quality/complaints?metric=near_copy&level=station&id=" + strconv.FormatInt(hzg.ID, 10)
	var entries struct {
		Entries []struct {
			Code     string `json:"code"`
			Counted  bool   `json:"counted"`
			NearCopy *struct {
				EarlierCode string `json:"earlier_code"`
			} `json:"near_copy"`
		} `json:"entries"`
	}
	nodal.do(http.MethodGet, list, nil, http.StatusOK, &entries)
	if len(entries.Entries) != 2 || entries.Entries[1].Code != code2 || !entries.Entries[1].Counted ||
		entries.Entries[1].NearCopy == nil || entries.Entries[1].NearCopy.EarlierCode != code1 || entries.Entries[0].Counted {
		t.Errorf("entries behind the figure: %+v", entries.Entries)
	}

	// Agra's officers see none of it; a station may not read the figures.
	agra := b.login("nodal.agra")
	raw := agra.do(http.MethodGet, "/api/v1/dashboard/quality", nil, http.StatusOK, &q)
	if len(q.Stations) != 0 || len(q.NearCopies) != 0 || strings.Contains(string(raw), code1) {
		t.Errorf("Agra's nodal officer sees %s", raw)
	}
	agra.do(http.MethodGet, list, nil, http.StatusNotFound, nil)
	b.login("sp.agra").do(http.MethodGet, list, nil, http.StatusNotFound, nil)
	station.do(http.MethodGet, "/api/v1/dashboard/quality", nil, http.StatusForbidden, nil)
	for _, bad := range []string{"?days=0", "?days=400", "?sort=speed"} {
		nodal.do(http.MethodGet, "/api/v1/dashboard/quality"+bad, nil, http.StatusUnprocessableEntity, nil)
	}
	nodal.do(http.MethodGet, "/api/v1/dashboard/quality/complaints?metric=returned&level=station", nil, http.StatusUnprocessableEntity, nil)
	nodal.do(http.MethodGet, "/api/v1/dashboard/quality/complaints?metric=speed&level=station&id=1", nil, http.StatusUnprocessableEntity, nil)
}

// TestDigestOverHTTP: before the first digest the home page gets null;
// after the morning's run each supervisor gets the counts of their scope.
func TestDigestOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupSupervision(t)
	station, nodal := b.login("station.hzg"), b.login("nodal.lko")
	var got struct {
		Digest *struct {
			Day              string `json:"day"`
			Scope            string `json:"scope"`
			DistrictID       *int   `json:"district_id"`
			NewComplaints    int    `json:"new_complaints"`
			AwaitingVetting  int    `json:"awaiting_vetting"`
			DissatisfiedOpen int    `json:"dissatisfied_open"`
		} `json:"digest"`
	}
	nodal.do(http.MethodGet, "/api/v1/digest", nil, http.StatusOK, &got)
	if got.Digest != nil {
		t.Fatalf("digest before the first: %+v", got.Digest)
	}
	_, code := b.fileAndAnswer(station, nodal, "The accused was warned at the police station.")

	svc := b.api.Services.Cases // standing in for the worker that makes the digests
	now := time.Now()
	made, err := svc.MakeDigests(context.Background(), cases.DigestDay(now, cases.DefaultDigestAt))
	if err != nil || len(made) != 76 {
		t.Fatalf("made %d digests (%v); want 75 districts and the state", len(made), err)
	}
	raw := nodal.do(http.MethodGet, "/api/v1/digest", nil, http.StatusOK, &got)
	if d := got.Digest; d == nil || d.Scope != "district" || d.DistrictID == nil || *d.DistrictID != 162 || d.NewComplaints != 1 ||
		d.Day != cases.DigestDay(now, cases.DefaultDigestAt).Format(time.DateOnly) || strings.Contains(string(raw), code) {
		t.Errorf("Lucknow's digest %s", raw)
	}
	b.login("sp.agra").do(http.MethodGet, "/api/v1/digest", nil, http.StatusOK, &got)
	if d := got.Digest; d == nil || *d.DistrictID != 118 || d.NewComplaints != 0 {
		t.Errorf("Agra's digest %+v", d)
	}
	got.Digest = nil // the state's has no district_id to overwrite Agra's
	b.login("msp.analyst").do(http.MethodGet, "/api/v1/digest", nil, http.StatusOK, &got)
	if d := got.Digest; d == nil || d.Scope != "state" || d.DistrictID != nil || d.NewComplaints != 1 {
		t.Errorf("the state's digest %+v", d)
	}
	station.do(http.MethodGet, "/api/v1/digest", nil, http.StatusForbidden, nil)
	if n := b.count(`SELECT count(*) FROM sms_outbox WHERE template LIKE 'digest.%' AND (body LIKE '%VK-%' OR body LIKE '%Meena%' OR body LIKE '%98111%')`); n != 0 {
		t.Errorf("%d digest SMS carry a code, name or number", n)
	}
}
