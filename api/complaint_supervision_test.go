package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/jurisdiction"
)

// directionsBundle is a complaint server with the supervisors of Lucknow
// and Agra, an MSP analyst and the Tajganj (Agra) station.
type directionsBundle struct {
	*complaintBundle
	stationIDs map[string]int64
}

func setupDirectionsTransfers(t *testing.T) *directionsBundle {
	t.Helper()
	ids := map[string]int64{}
	srv := apitest.Start(t, e2ePassword, func(j *jurisdiction.Service) []auth.DemoUser {
		for _, code := range []string{"LKO-HAZ", "LKO-GOM", "AGR-TAJ"} {
			ids[code] = apitest.StationID(t, j, code)
		}
		return append(complaintStaff(t, j),
			auth.DemoUser{Username: "msp.analyst", Role: auth.RoleMSPAnalyst, Scope: auth.StateScope},
			auth.DemoUser{Username: "sp.lko", Role: auth.RoleSP, Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 162}},
			auth.DemoUser{Username: "sp.agra", Role: auth.RoleSP, Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 118}},
			auth.DemoUser{Username: "station.taj", Role: auth.RoleStation, Scope: auth.Scope{Kind: auth.ScopeStation, ID: ids["AGR-TAJ"]}})
	})
	return &directionsBundle{complaintBundle: newComplaintBundle(t, srv), stationIDs: ids}
}

// directionsFiling is a complaint at Hazratganj, Lucknow, with her name
// and number, so the tests can look for them where they must not be.
var directionsFiling = map[string]any{
	"category": "stalking", "description": "A man follows me from the tempo stand every day", "language": "en",
	"lat": 26.8505, "lon": 80.9466, "contact": map[string]string{"name": "Kavita Rani", "phone": "9812345670"},
}

// file files directionsFiling and returns its id, code and secret.
func (b *directionsBundle) file() (id int, ck map[string]string) {
	b.t.Helper()
	var filed struct{ Code, Secret string }
	b.anonymous().do(http.MethodPost, "/api/v1/complaints", directionsFiling, http.StatusCreated, &filed)
	return b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code), map[string]string{"code": filed.Code, "secret": filed.Secret}
}

// wantPrivateSMS fails when any SMS of complaint id names her, her number
// or the crime.
func (b *directionsBundle) wantPrivateSMS(id int) {
	b.t.Helper()
	if n := b.count(`SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND to_kind <> 'complainant' AND
		(body ILIKE '%Kavita%' OR body LIKE '%98123%' OR body ILIKE '%stalk%' OR body ILIKE '%follows%')`, id); n != 0 {
		b.t.Fatalf("%d officer SMS name her or the crime", n)
	}
}

type directionDTO struct {
	ID      int64  `json:"id"`
	To      string `json:"to"`
	Body    string `json:"body"`
	Open    bool   `json:"open"`
	Answer  string `json:"answer"`
	ReplyBy string `json:"reply_by"`
}

// TestDirectionOverHTTP: an overdue complaint is directed by the MSP and
// answered by the station; the staff timeline has both texts with who
// wrote them, her tracking one generic line and no text.
func TestDirectionOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupDirectionsTransfers(t)
	id, ck := b.file()
	path := "/api/v1/complaints/" + strconv.Itoa(id)
	// The ATR deadline passed an hour ago (the next rung, to the SP, is 11 h away).
	if _, err := b.api.Pool.Exec(b.ctx, `UPDATE complaints SET atr_due_at = now() - interval '1 hour' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	msp := b.login("msp.analyst")
	var queue struct {
		Complaints []struct {
			ID            int  `json:"id"`
			Overdue       bool `json:"overdue"`
			OpenDirection bool `json:"open_direction"`
		} `json:"complaints"`
	}
	msp.do(http.MethodGet, "/api/v1/complaints?overdue=true", nil, http.StatusOK, &queue)
	if len(queue.Complaints) != 1 || !queue.Complaints[0].Overdue {
		t.Fatalf("MSP overdue queue %+v", queue)
	}

	body := "Report today why the ATR is late and what was done."
	tooLate := time.Now().Add(13 * time.Hour).UTC().Format(time.RFC3339)
	raw := msp.do(http.MethodPost, path+"/directions?lang=hi", map[string]any{"to": "station", "body": body, "due_at": tooLate},
		http.StatusUnprocessableEntity, nil)
	if !strings.Contains(string(raw), "direction_due_too_late") || !strings.Contains(string(raw), "समय-सीमा") {
		t.Fatalf("late deadline: %s", raw)
	}
	b.login("station.hzg").do(http.MethodPost, path+"/directions", map[string]any{"to": "station", "body": body}, http.StatusForbidden, nil)
	var d directionDTO
	msp.do(http.MethodPost, path+"/directions", map[string]any{"to": "station", "body": body, "report_back": true,
		"due_at": time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)}, http.StatusCreated, &d)
	if !d.Open || d.To != "station" || d.Body != body {
		t.Fatalf("direction %+v", d)
	}

	station := b.login("station.hzg")
	station.do(http.MethodGet, "/api/v1/complaints", nil, http.StatusOK, &queue)
	if len(queue.Complaints) != 1 || !queue.Complaints[0].OpenDirection {
		t.Fatalf("station queue %+v; want the open direction flagged", queue)
	}
	answerPath := path + "/directions/" + strconv.FormatInt(d.ID, 10) + "/answer"
	answer := "Visited her at 14:00; the accused was called to the station and warned."
	b.login("station.gom").do(http.MethodPost, answerPath, map[string]string{"answer": answer}, http.StatusNotFound, nil)
	b.login("nodal.lko").do(http.MethodPost, answerPath, map[string]string{"answer": answer}, http.StatusForbidden, nil)
	station.do(http.MethodPost, answerPath, map[string]string{"answer": answer}, http.StatusOK, &d)
	station.do(http.MethodPost, answerPath, map[string]string{"answer": "again"}, http.StatusConflict, nil)
	if d.Open || d.Answer != answer {
		t.Fatalf("answered %+v", d)
	}
	var list struct{ Directions []directionDTO }
	msp.do(http.MethodGet, path+"/directions", nil, http.StatusOK, &list)
	if len(list.Directions) != 1 || list.Directions[0].Answer != answer {
		t.Fatalf("directions %+v", list)
	}

	// Staff timeline: the text and the answer, with roles.
	var detail struct {
		Events []struct {
			Kind, Reason string
			ActorRole    string `json:"actor_role"`
			Public       bool
		} `json:"events"`
	}
	msp.do(http.MethodGet, path, nil, http.StatusOK, &detail)
	var issued, answered bool
	for _, e := range detail.Events {
		issued = issued || e.Kind == "direction_issued" && e.Reason == body && e.ActorRole == "msp_analyst" && e.Public
		answered = answered || e.Kind == "direction_answered" && e.Reason == answer && e.ActorRole == "station" && !e.Public
	}
	if !issued || !answered {
		t.Fatalf("staff timeline %+v", detail.Events)
	}
	// Her tracking: one generic line, no text.
	var tr tracked
	raw = b.anonymous().do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	var lines []string
	for _, e := range tr.Timeline {
		if strings.HasPrefix(e.Kind, "direction_") {
			lines = append(lines, e.Kind+"|"+e.Reason)
		}
	}
	if len(lines) != 1 || lines[0] != "direction_issued|" {
		t.Fatalf("her direction lines %v", lines)
	}
	if strings.Contains(string(raw), "ATR is late") || strings.Contains(string(raw), "accused was called") {
		t.Fatalf("staff text reached her: %s", raw)
	}
	// The MSP heard back; nothing personal went by SMS; both steps audited.
	if n := b.count(`SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND template = 'direction.answered' AND to_kind = 'msp'`, id); n != 1 {
		t.Fatalf("%d report-back SMS", n)
	}
	b.wantPrivateSMS(id)
	if n := b.count(`SELECT count(*) FROM audit_log WHERE object_id = $1 AND action LIKE 'complaint.direction_%'`, id); n != 2 {
		t.Fatalf("%d audit entries", n)
	}
	var dash struct {
		DirectionsOpen int `json:"directions_open"`
	}
	msp.do(http.MethodGet, "/api/v1/dashboard/complaints", nil, http.StatusOK, &dash)
	if dash.DirectionsOpen != 0 {
		t.Fatalf("dashboard open directions %d after the answer", dash.DirectionsOpen)
	}
}

type transferDTO struct {
	ID        int64  `json:"id"`
	State     string `json:"state"`
	CanDecide bool   `json:"can_decide"`
	Code      string `json:"code"`
}

// TestTransferOverHTTP: a complaint moves between stations (nodal
// officer) and between districts (request, accepted by the receiving SP);
// scopes, her tracking and the SMS follow, and her deadline stays.
func TestTransferOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupDirectionsTransfers(t)
	id, ck := b.file()
	path := "/api/v1/complaints/" + strconv.Itoa(id)
	due := func() string {
		var s string
		if err := b.api.Pool.QueryRow(b.ctx, `SELECT atr_due_at::text FROM complaints WHERE id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	firstDue := due()
	nodal := b.login("nodal.lko")

	// Between stations of Lucknow.
	nodal.do(http.MethodPost, path+"/transfer", map[string]any{"station_id": b.stationIDs["AGR-TAJ"], "reason": "r"},
		http.StatusUnprocessableEntity, nil)
	b.login("station.hzg").do(http.MethodPost, path+"/transfer", map[string]any{"station_id": b.stationIDs["LKO-GOM"],
		"reason": "r"}, http.StatusForbidden, nil)
	var x transferDTO
	nodal.do(http.MethodPost, path+"/transfer", map[string]any{"station_id": b.stationIDs["LKO-GOM"],
		"reason": "The bus stand is in Gomti Nagar's area."}, http.StatusOK, &x)
	if x.State != "done" {
		t.Fatalf("transfer %+v", x)
	}
	b.login("station.hzg").do(http.MethodGet, path, nil, http.StatusNotFound, nil)
	b.login("station.gom").do(http.MethodGet, path, nil, http.StatusOK, nil)
	var tr struct {
		Station  struct{ EN string } `json:"station"`
		District struct{ EN string } `json:"district"`
		Timeline []struct{ Kind, Reason string }
	}
	raw := b.anonymous().do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	if tr.Station.EN != "Gomti Nagar" || tr.Timeline[len(tr.Timeline)-1].Kind != "transferred_station" ||
		strings.Contains(string(raw), "bus stand is in") {
		t.Fatalf("tracking after the station move: %s", raw)
	}

	// Between districts: requested by Lucknow, accepted by Agra's SP.
	nodal.do(http.MethodPost, path+"/transfer-request", map[string]any{"district_id": 118,
		"reason": "She lives in Agra and the man follows her there."}, http.StatusCreated, &x)
	var pending struct{ Transfers []transferDTO }
	b.login("nodal.agra").do(http.MethodGet, "/api/v1/transfers/pending", nil, http.StatusOK, &pending)
	if len(pending.Transfers) != 1 || pending.Transfers[0].CanDecide {
		t.Fatalf("Agra nodal officer's pending list %+v", pending)
	}
	spAgra := b.login("sp.agra")
	spAgra.do(http.MethodGet, "/api/v1/transfers/pending", nil, http.StatusOK, &pending)
	if len(pending.Transfers) != 1 || !pending.Transfers[0].CanDecide {
		t.Fatalf("Agra SP's pending list %+v", pending)
	}
	spAgra.do(http.MethodGet, path, nil, http.StatusNotFound, nil) // not Agra's yet
	accept := "/api/v1/transfers/" + strconv.FormatInt(x.ID, 10) + "/accept"
	b.login("sp.lko").do(http.MethodPost, accept, map[string]any{"station_id": b.stationIDs["AGR-TAJ"]}, http.StatusForbidden, nil)
	spAgra.do(http.MethodPost, accept, map[string]any{"station_id": b.stationIDs["AGR-TAJ"]}, http.StatusOK, &x)
	if x.State != "done" {
		t.Fatalf("accepted %+v", x)
	}

	// Scopes follow at once; the code and her deadline stay.
	b.login("station.gom").do(http.MethodGet, path, nil, http.StatusNotFound, nil)
	nodal.do(http.MethodGet, path, nil, http.StatusNotFound, nil)
	b.login("station.taj").do(http.MethodGet, path, nil, http.StatusOK, nil)
	b.login("nodal.agra").do(http.MethodGet, path, nil, http.StatusOK, nil)
	if got := due(); got != firstDue {
		t.Fatalf("deadline %s after the moves; want %s", got, firstDue)
	}
	raw = b.anonymous().do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	if tr.District.EN != "Agra" || tr.Station.EN != "Tajganj" || tr.Timeline[len(tr.Timeline)-1].Kind != "transferred_district" {
		t.Fatalf("tracking after the district move: %s", raw)
	}
	if n := b.count(`SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND template = 'complaint.transferred.officers'
		AND district_id = 118`, id); n != 1 {
		t.Fatalf("%d transfer SMS to Agra's officers", n)
	}
	b.wantPrivateSMS(id)
	spAgra.do(http.MethodGet, "/api/v1/transfers/pending", nil, http.StatusOK, &pending)
	if len(pending.Transfers) != 0 {
		t.Fatalf("still pending %+v", pending)
	}
}
