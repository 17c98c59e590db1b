package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/jurisdiction"
)

const e2ePassword = "e2e-password-123"

// complaintBundle is a server on a fresh database with the shared UP
// districts, the demo stations and one account per complaint role.
type complaintBundle struct {
	t      *testing.T
	ctx    context.Context
	server *httptest.Server
	api    *apitest.Server // for TOTP codes of roles that need them
	count  func(sql string, args ...any) int
}

func setupComplaints(t *testing.T) *complaintBundle {
	t.Helper()
	srv := apitest.Start(t, e2ePassword, func(j *jurisdiction.Service) []auth.DemoUser {
		return append(complaintStaff(t, j), auth.DemoUser{Username: "msp.legal", Role: auth.RoleMSPLegal, Scope: auth.StateScope})
	})
	return newComplaintBundle(t, srv)
}

// complaintStaff are the accounts every complaint test logs in as: the
// Hazratganj and Gomti Nagar stations, the nodal officers of Lucknow and
// Agra, and a Lucknow PCR user.
func complaintStaff(t *testing.T, j *jurisdiction.Service) []auth.DemoUser {
	t.Helper()
	lko := auth.Scope{Kind: auth.ScopeDistrict, ID: 162}
	return []auth.DemoUser{
		{Username: "station.hzg", Role: auth.RoleStation, Scope: auth.Scope{Kind: auth.ScopeStation, ID: apitest.StationID(t, j, "LKO-HAZ")}},
		{Username: "station.gom", Role: auth.RoleStation, Scope: auth.Scope{Kind: auth.ScopeStation, ID: apitest.StationID(t, j, "LKO-GOM")}},
		{Username: "nodal.lko", Role: auth.RoleNodal, Scope: lko},
		{Username: "nodal.agra", Role: auth.RoleNodal, Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 118}},
		{Username: "pcr.user", Role: auth.RolePCR, Scope: lko},
	}
}

// newComplaintBundle wraps a started test server.
func newComplaintBundle(t *testing.T, srv *apitest.Server) *complaintBundle {
	ctx := context.Background()
	b := &complaintBundle{t: t, ctx: ctx, server: srv.Server, api: srv}
	b.count = func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := srv.Pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("count %q: %v", sql, err)
		}
		return n
	}
	return b
}

// client is one browser: a cookie jar and the CSRF token of its session.
type client struct {
	b    *complaintBundle
	csrf string
	jar  []*http.Cookie
}

func (b *complaintBundle) anonymous() *client { return &client{b: b} }

func (b *complaintBundle) login(username string) *client {
	b.t.Helper()
	c := &client{b: b}
	var out struct {
		CSRFToken string `json:"csrf_token"`
		Challenge string `json:"challenge"`
	}
	want := http.StatusOK
	if username == "msp.legal" { // msp_legal must use TOTP (apitest seeds the demo secret)
		want = http.StatusAccepted
	}
	c.do(http.MethodPost, "/api/v1/session", map[string]string{"username": username, "password": e2ePassword}, want, &out)
	if out.Challenge != "" {
		c.do(http.MethodPost, "/api/v1/session/totp", map[string]string{"challenge": out.Challenge,
			"code": b.api.TOTPCode(b.t, username)}, http.StatusOK, &out)
	}
	c.csrf = out.CSRFToken
	return c
}

// do sends a JSON request, checks the status and decodes the reply into out.
func (c *client) do(method, path string, body any, wantStatus int, out any, headers ...string) []byte {
	c.b.t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.b.server.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	return c.expect(req, wantStatus, out, headers...)
}

// expect sends req (see send), checks the status and decodes the reply
// into out when it is set.
func (c *client) expect(req *http.Request, wantStatus int, out any, headers ...string) []byte {
	c.b.t.Helper()
	resp, data := c.send(req, headers...)
	if resp.StatusCode != wantStatus {
		c.b.t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL.RequestURI(), resp.StatusCode, wantStatus, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.b.t.Fatalf("%s %s: decode %s: %v", req.Method, req.URL.RequestURI(), data, err)
		}
	}
	return data
}

// send sends req as this browser, with its CSRF token, its cookies and
// headers (name, value pairs), keeps the cookies the reply sets and
// returns the reply with its body read.
func (c *client) send(req *http.Request, headers ...string) (*http.Response, []byte) {
	c.b.t.Helper()
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	for _, ck := range c.jar {
		req.AddCookie(ck)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.b.t.Fatalf("%s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.b.t.Fatalf("%s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	if len(resp.Cookies()) > 0 {
		c.jar = resp.Cookies()
	}
	return resp, data
}

type tracked struct {
	Status   string `json:"status"`
	Holder   string `json:"holder"`
	CanRate  bool   `json:"can_rate"`
	Timeline []struct {
		Kind   string `json:"kind"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"timeline"`
	ATRs []struct {
		Seq  int    `json:"seq"`
		Text string `json:"text"`
	} `json:"atrs"`
}

// TestComplaintLifecycleOverHTTP walks one complaint from filing to her
// satisfaction through a dissatisfied rating, legal review and a second ATR,
// checking what each party sees, the SMS outbox and the audit log.
func TestComplaintLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	her := b.anonymous()

	// Filing, near Hazratganj, Lucknow.
	filing := map[string]any{
		"category": "stalking", "description": "एक व्यक्ति रोज़ मेरा पीछा करता है", "language": "hi",
		"lat": 26.8505, "lon": 80.9466, "contact": map[string]string{"name": "Sunita Devi", "phone": "9876543210"},
		"callback_window": "10:00-12:00",
	}
	var filed struct {
		Code, Secret, Status string
	}
	raw := her.do(http.MethodPost, "/api/v1/complaints", filing, http.StatusCreated, &filed, "Idempotency-Key", "e2e-filing-key-0001")
	if filed.Code == "" || filed.Secret == "" || filed.Status != "assigned" {
		t.Fatalf("filed %s", raw)
	}
	var replay struct{ Code string }
	her.do(http.MethodPost, "/api/v1/complaints", filing, http.StatusOK, &replay, "Idempotency-Key", "e2e-filing-key-0001")
	if replay.Code != filed.Code || b.count(`SELECT count(*) FROM complaints`) != 1 {
		t.Fatalf("retry with the same Idempotency-Key made a second complaint")
	}
	id := b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code)
	if n := b.count(`SELECT count(*) FROM sms_outbox WHERE complaint_id = $1`, id); n < 3 {
		t.Fatalf("sms outbox has %d rows, want district officers, MSP and her", n)
	}
	if n := b.count(`SELECT count(*) FROM sms_outbox WHERE body ILIKE '%Sunita%' OR body LIKE '%9876543210%' OR body ILIKE '%stalk%' OR body LIKE '%पीछा%'`); n != 0 {
		t.Fatalf("%d SMS bodies name her or the crime", n)
	}
	ck := map[string]string{"code": filed.Code, "secret": filed.Secret}
	var tr tracked
	her.do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	if tr.Status != "assigned" || tr.Holder != "station" || tr.CanRate {
		t.Fatalf("after filing: %+v", tr)
	}

	// Wrong secret and unknown code look the same; rating before any ATR is refused.
	wrong := her.do(http.MethodPost, "/api/v1/complaints/track", map[string]string{"code": filed.Code, "secret": "WRONGSECRETWRONGSECRET"}, http.StatusNotFound, nil)
	if !strings.Contains(string(wrong), "not found") {
		t.Fatalf("wrong secret body %s", wrong)
	}
	her.do(http.MethodPost, "/api/v1/complaints/rate", map[string]string{"code": filed.Code, "secret": filed.Secret, "rating": "SATISFIED"}, http.StatusConflict, nil)

	// Another station and another district's nodal officer cannot see it.
	path := "/api/v1/complaints/" + strconv.Itoa(id)
	b.login("station.gom").do(http.MethodGet, path, nil, http.StatusNotFound, nil)
	b.login("nodal.agra").do(http.MethodGet, path, nil, http.StatusNotFound, nil)
	b.login("pcr.user").do(http.MethodGet, path, nil, http.StatusForbidden, nil)

	// The station drafts and submits the first ATR with an internal note.
	station := b.login("station.hzg")
	station.do(http.MethodPut, path+"/atr", map[string]string{"text": "आरोपी की पहचान कर ली गई है", "action_taken": "warning issued",
		"internal_note": "OFFICER-ONLY-NOTE"}, http.StatusOK, nil)
	station.do(http.MethodPost, path+"/atr/submit", nil, http.StatusOK, nil)

	// The nodal officer reads her contact (audited) and approves.
	nodal := b.login("nodal.lko")
	var detail struct {
		Contact       *struct{ Phone string } `json:"contact"`
		ContactAccess string                  `json:"contact_access"`
	}
	nodal.do(http.MethodGet, path, nil, http.StatusOK, &detail)
	if detail.ContactAccess != "shown" || detail.Contact == nil || detail.Contact.Phone != "+919876543210" {
		t.Fatalf("nodal detail contact %+v (%s)", detail.Contact, detail.ContactAccess)
	}
	if n := b.count(`SELECT count(*) FROM audit_log WHERE action = 'complaint.contact_decrypted' AND object_id = $1`, id); n != 1 {
		t.Fatalf("audit rows for the decryption: %d, want 1", n)
	}
	nodal.do(http.MethodPost, path+"/atr/approve", nil, http.StatusOK, nil)

	raw = her.do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	if tr.Status != "awaiting_feedback" || len(tr.ATRs) != 1 || !tr.CanRate {
		t.Fatalf("after the first ATR: %s", raw)
	}
	if strings.Contains(string(raw), "OFFICER-ONLY-NOTE") {
		t.Fatal("the officer-internal note reached the complainant")
	}

	// She is dissatisfied; MSP legal pursues; the case is escalated.
	her.do(http.MethodPost, "/api/v1/complaints/rate", map[string]string{"code": filed.Code, "secret": filed.Secret,
		"rating": "DISSATISFIED", "reason": "वह अब भी पीछा करता है"}, http.StatusOK, &tr)
	if tr.Status != "legal_review" || tr.Holder != "msp" {
		t.Fatalf("after dissatisfaction: status %s holder %s", tr.Status, tr.Holder)
	}
	station.do(http.MethodPost, path+"/legal-decision", map[string]string{"decision": "pursue", "reason": "x"}, http.StatusForbidden, nil)
	b.login("msp.legal").do(http.MethodPost, path+"/legal-decision", map[string]string{"decision": "pursue",
		"reason": "repeat stalking: arrest under section 78 BNS"}, http.StatusOK, nil)
	her.do(http.MethodPost, "/api/v1/complaints/track", ck, http.StatusOK, &tr)
	if tr.Status != "escalated" || tr.CanRate {
		t.Fatalf("after pursue: %+v", tr)
	}

	// A second ATR, vetted, and she is satisfied: the case closes.
	station.do(http.MethodPut, path+"/atr", map[string]string{"text": "आरोपी गिरफ्तार", "action_taken": "arrested"}, http.StatusOK, nil)
	station.do(http.MethodPost, path+"/atr/submit", nil, http.StatusOK, nil)
	nodal.do(http.MethodPost, path+"/atr/approve", nil, http.StatusOK, nil)
	her.do(http.MethodPost, "/api/v1/complaints/rate", map[string]string{"code": filed.Code, "secret": filed.Secret, "rating": "SATISFIED"}, http.StatusOK, &tr)
	if tr.Status != "closed" || len(tr.ATRs) != 2 {
		t.Fatalf("after satisfaction: status %s, %d ATRs", tr.Status, len(tr.ATRs))
	}
	var statuses []string
	for _, e := range tr.Timeline {
		if e.Status != "" {
			statuses = append(statuses, e.Status)
		}
	}
	for _, want := range []string{"assigned", "awaiting_feedback", "legal_review", "escalated", "closed"} {
		if !contains(strings.Join(statuses, ","), want) {
			t.Errorf("public timeline %v lacks %s", statuses, want)
		}
	}
	her.do(http.MethodPost, "/api/v1/complaints/withdraw", map[string]string{"code": filed.Code, "secret": filed.Secret}, http.StatusConflict, nil)

	// Every step is an event, and the audit chain is intact.
	if n := b.count(`SELECT count(*) FROM complaint_events WHERE complaint_id = $1`, id); n < 10 {
		t.Fatalf("only %d timeline events", n)
	}
	if n := b.count(`SELECT count(*) FROM call_tasks WHERE complaint_id = $1`, id); n < 2 {
		t.Fatalf("only %d MSP call tasks after two ATRs and a dissatisfaction", n)
	}
}

// TestComplaintFilingErrors checks that bad fields get a 422 naming the field,
// in the request's language, and store nothing.
func TestComplaintFilingErrors(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	her := b.anonymous()
	base := func() map[string]any {
		return map[string]any{"category": "stalking", "description": "someone follows me", "language": "en", "district_id": 162}
	}
	cases := []struct {
		name, field string
		edit        func(map[string]any)
	}{
		{"UnknownCategory", "category", func(m map[string]any) { m["category"] = "burglary" }},
		{"EmptyDescription", "description", func(m map[string]any) { m["description"] = "  " }},
		{"DescriptionTooLong", "description", func(m map[string]any) { m["description"] = strings.Repeat("अ", 5001) }},
		{"OutsideUP", "location", func(m map[string]any) { delete(m, "district_id"); m["lat"], m["lon"] = 19.07, 72.87 }},
		{"MalformedPhone", "phone", func(m map[string]any) { m["contact"] = map[string]string{"phone": "12345"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := base()
			tc.edit(body)
			var out struct{ Field, Error string }
			her.do(http.MethodPost, "/api/v1/complaints", body, http.StatusUnprocessableEntity, &out)
			if out.Field != tc.field || out.Error == "" {
				t.Fatalf("error %+v, want field %s with a message", out, tc.field)
			}
		})
	}
	t.Run("HindiMessage", func(t *testing.T) {
		body := base()
		body["language"], body["category"] = "hi", "burglary"
		var out struct{ Error string }
		her.do(http.MethodPost, "/api/v1/complaints", body, http.StatusUnprocessableEntity, &out)
		if !strings.ContainsAny(out.Error, "अआइईउएओकखगचजटडतदनपबमयरलवशसह") {
			t.Fatalf("message %q is not in Hindi", out.Error)
		}
	})
	t.Run("MalformedJSON", func(t *testing.T) {
		her.do(http.MethodPost, "/api/v1/complaints", "not an object", http.StatusUnprocessableEntity, nil)
	})
	if n := b.count(`SELECT count(*) FROM complaints`); n != 0 {
		t.Fatalf("%d complaints stored from bad input", n)
	}
}

// TestStaffSeeNoSMSChoice: her "no SMS" choice at filing is on the staff
// view of the complaint, so an officer does not text a shared phone.
func TestStaffSeeNoSMSChoice(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	for _, noSMS := range []bool{true, false} {
		var filed struct{ Code string }
		b.anonymous().do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking",
			"description": "a man follows me", "language": "en", "lat": 26.8505, "lon": 80.9466, "no_sms": noSMS,
			"contact": map[string]string{"phone": "9876543210"}}, http.StatusCreated, &filed)
		id := b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code)
		var detail struct {
			NoSMS bool `json:"no_sms"`
		}
		b.login("station.hzg").do(http.MethodGet, "/api/v1/complaints/"+strconv.Itoa(id), nil, http.StatusOK, &detail)
		if detail.NoSMS != noSMS {
			t.Errorf("filed with no_sms %v, the station sees %v", noSMS, detail.NoSMS)
		}
	}
}
