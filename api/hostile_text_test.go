package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/testkit"
)

// hostileText is what every free-text field gets: a NUL, a right-to-left
// override and a zero-width space. Stored, it must read cleanText.
const (
	hostileText = "ab\u0000c\u202Ed\u200Be"
	cleanText   = "abcde"
)

// hostileBundle is the whole API with workers (alerts, leads) and one
// bearer token per role, in Lucknow.
type hostileBundle struct {
	t      *testing.T
	srv    *apitest.Server
	tokens map[auth.Role]string
}

func setupHostile(t *testing.T) *hostileBundle {
	t.Helper()
	srv := apitest.StartWith(t, "hostile-password-1", func(*jurisdiction.Service) []auth.DemoUser { return nil },
		apitest.Options{Workers: true})
	ctx := context.Background()
	j := jurisdiction.New(srv.Pool)
	ahtu, err := j.AHTUForDistrict(ctx, 162)
	if err != nil {
		t.Fatal(err)
	}
	lko := auth.Scope{Kind: auth.ScopeDistrict, ID: 162}
	scopes := map[auth.Role]auth.Scope{auth.RoleStation: {Kind: auth.ScopeStation, ID: apitest.StationID(t, j, "LKO-HAZ")},
		auth.RoleNodal: lko, auth.RoleECell: lko, auth.RoleAHTU: {Kind: auth.ScopeAHTU, ID: int64(ahtu.ID)},
		auth.RoleMSPLegal: auth.StateScope, auth.RoleMSPAnalyst: auth.StateScope, auth.RoleModerator: auth.StateScope,
		auth.RoleAdmin: auth.StateScope}
	b := &hostileBundle{t: t, srv: srv, tokens: map[auth.Role]string{}}
	for role, scope := range scopes {
		u, err := srv.Auth.CreateUser(ctx, auth.Principal{}, auth.NewUser{Username: "hostile." + string(role),
			Password: "hostile-password-1", Role: role, Scope: scope})
		if err != nil {
			t.Fatal(err)
		}
		if _, b.tokens[role], err = srv.Auth.CreateToken(ctx, auth.Principal{}, u.Username, "hostile", 0); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// call sends one request as role ("" for anonymous) and returns its status
// and body.
func (b *hostileBundle) call(method, path string, role auth.Role, ctype string, body []byte) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+b.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// hostileField is one free-text field of one endpoint. body returns the
// request body with the field set to v; stored says the request must
// succeed (the field is free text that reaches the database), otherwise a
// 4xx is fine too. Never a 5xx.
type hostileField struct {
	name, method, path string
	role               auth.Role
	body               func(v string) ([]byte, string)
	stored             bool
}

// jsonWith returns a body builder for a JSON object: fields, with field
// set to the hostile value ("contact.name" for a nested one).
func jsonWith(fields map[string]any, field string) func(string) ([]byte, string) {
	return func(v string) ([]byte, string) {
		obj := map[string]any{}
		for k, x := range fields {
			obj[k] = x
		}
		if outer, inner, ok := strings.Cut(field, "."); ok {
			nested := map[string]any{}
			if m, ok := obj[outer].(map[string]any); ok {
				for k, x := range m {
					nested[k] = x
				}
			}
			nested[inner] = v
			obj[outer] = nested
		} else {
			obj[field] = v
		}
		raw, _ := json.Marshal(obj) // encodes NUL as \u0000
		return raw, "application/json"
	}
}

// formWith is jsonWith for a multipart form (the NUL as a raw byte).
func formWith(fields map[string]string, field string, files ...[]byte) func(string) ([]byte, string) {
	return func(v string) ([]byte, string) {
		if outer, inner, ok := strings.Cut(field, "."); ok { // a JSON-valued form field
			obj := map[string]any{inner: v}
			if outer == "places" {
				obj = map[string]any{"lat": 26.85, "lon": 80.95, inner: v}
			}
			raw, _ := json.Marshal(obj)
			if outer == "places" {
				raw = append(append([]byte("["), raw...), ']')
			}
			return multipartForm(with(fields, outer, string(raw)), files...)
		}
		return multipartForm(with(fields, field, v), files...)
	}
}

// Finding "NUL bytes give 500": a NUL (with a bidi override and a
// zero-width space) in any free-text field of any endpoint is stripped or
// refused with a 4xx, never a 5xx; what is stored is the cleaned text, in
// every table.
func TestNULBytesNeverGive500(t *testing.T) {
	t.Parallel()
	b := setupHostile(t)
	ctx := context.Background()
	db := b.srv.Pool
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 60})
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]

	// One complaint to walk through the staff steps, another to withdraw.
	complaint := map[string]any{"category": "stalking", "description": "someone follows me", "language": "en",
		"lat": lat, "lon": lon, "contact": map[string]any{"name": "Sita", "phone": "9876543210", "address": "Hazratganj"}}
	code, secret, id := b.file(complaint)
	code2, secret2, _ := b.file(complaint)
	cid := fmt.Sprint(id)

	var fields []hostileField
	add := func(stored bool, name, method, path string, role auth.Role, body func(string) ([]byte, string)) {
		fields = append(fields, hostileField{name: name, method: method, path: path, role: role, body: body, stored: stored})
	}
	// Public submissions.
	for _, f := range []string{"description", "relation", "contact.name", "contact.address"} {
		add(true, "Complaint/"+f, "POST", "/api/v1/complaints", "", jsonWith(complaint, f))
	}
	for _, f := range []string{"category", "language", "incident_at", "callback_window", "filed_by", "contact.phone"} {
		add(false, "Complaint/"+f, "POST", "/api/v1/complaints", "", jsonWith(complaint, f))
	}
	add(true, "ComplaintByECell/description", "POST", "/api/v1/complaints", auth.RoleECell, jsonWith(complaint, "description"))
	report := map[string]any{"category": "stalking", "text": "men at the gate", "lat": lat, "lon": lon, "happening_now": true}
	add(true, "JSONReport/text", "POST", "/api/v1/reports", "", jsonWith(report, "text"))
	add(false, "JSONReport/category", "POST", "/api/v1/reports", "", jsonWith(report, "category"))
	form := map[string]string{"category": "stalking", "text": "dark lane", "lat": fmt.Sprint(lat), "lon": fmt.Sprint(lon)}
	add(true, "Report/text", "POST", "/api/v1/reports", "", formWith(form, "text", photo))
	o311 := map[string]string{"service_code": "stalking", "description": "near the gate", "lat": fmt.Sprint(lat), "long": fmt.Sprint(lon)}
	add(true, "Open311/description", "POST", "/open311/v2/requests.json", "", formWith(o311, "description", photo))
	tip := map[string]string{"text": "girls taken in a van", "places": `[{"lat":26.85,"lon":80.95}]`}
	for _, f := range []string{"text", "vehicles", "phones", "people", "places.description", "contact.name",
		"contact.phone", "contact.email", "contact.note"} {
		add(true, "Tip/"+f, "POST", "/api/v1/tips", "", formWith(tip, f))
	}
	// Staff steps, in lifecycle order: draft, return, redraft, approve (which
	// makes an MSP call task), her dissatisfied rating, the legal decision.
	atr := map[string]any{"text": "the accused was warned", "action_taken": "warning given", "internal_note": "n"}
	for _, f := range []string{"text", "action_taken", "internal_note"} {
		add(true, "ATR/"+f, "PUT", "/api/v1/complaints/"+cid+"/atr", auth.RoleStation, jsonWith(atr, f))
	}
	steps := []hostileField{
		{name: "ATR/submit", method: "POST", path: "/api/v1/complaints/" + cid + "/atr/submit", role: auth.RoleStation},
		{name: "ATRReturn/reason", method: "POST", path: "/api/v1/complaints/" + cid + "/atr/return", role: auth.RoleNodal,
			body: jsonWith(nil, "reason"), stored: true},
		{name: "ATR/redraft", method: "PUT", path: "/api/v1/complaints/" + cid + "/atr", role: auth.RoleStation,
			body: jsonWith(atr, "text"), stored: true},
		{name: "ATR/resubmit", method: "POST", path: "/api/v1/complaints/" + cid + "/atr/submit", role: auth.RoleStation},
		{name: "ATR/approve", method: "POST", path: "/api/v1/complaints/" + cid + "/atr/approve", role: auth.RoleNodal},
	}
	fields = append(fields, steps...)
	rate := map[string]any{"code": code, "secret": secret, "rating": "DISSATISFIED", "reason": "x"}
	add(false, "Rate/rating", "POST", "/api/v1/complaints/rate", "", jsonWith(rate, "rating"))
	add(true, "Rate/reason", "POST", "/api/v1/complaints/rate", "", jsonWith(rate, "reason"))
	legal := map[string]any{"decision": "pursue", "reason": "x"}
	add(false, "Legal/decision", "POST", "/api/v1/complaints/"+cid+"/legal-decision", auth.RoleMSPLegal, jsonWith(legal, "decision"))
	add(true, "Legal/reason", "POST", "/api/v1/complaints/"+cid+"/legal-decision", auth.RoleMSPLegal, jsonWith(legal, "reason"))
	withdraw := map[string]any{"code": code2, "secret": secret2, "reason": "x"}
	add(true, "Withdraw/reason", "POST", "/api/v1/complaints/withdraw", "", jsonWith(withdraw, "reason"))

	for _, f := range fields {
		b.send(t, f)
	}

	// Call tasks, alerts and leads exist now (the workers raised them).
	taskID := b.waitID(`SELECT coalesce(min(id), 0) FROM call_tasks WHERE outcome IS NULL`)
	alertID := b.waitID(`SELECT coalesce(min(id), 0) FROM alerts WHERE kind = 'report.happening_now'`)
	leadID := b.waitID(`SELECT coalesce(min(id), 0) FROM leads`)
	reportID := b.waitID(`SELECT coalesce(min(id), 0) FROM reports`)
	fields = fields[:0]
	call := map[string]any{"outcome": "reached", "note": "x"}
	add(false, "CallOutcome/outcome", "POST", fmt.Sprintf("/api/v1/call-tasks/%d/outcome", taskID), auth.RoleMSPAnalyst, jsonWith(call, "outcome"))
	add(true, "CallOutcome/note", "POST", fmt.Sprintf("/api/v1/call-tasks/%d/outcome", taskID), auth.RoleMSPAnalyst, jsonWith(call, "note"))
	outcome := map[string]any{"outcome": "visited", "note": "x"}
	add(false, "AlertOutcome/outcome", "POST", fmt.Sprintf("/api/v1/alerts/%d/outcome", alertID), auth.RoleAdmin, jsonWith(outcome, "outcome"))
	add(true, "AlertOutcome/note", "POST", fmt.Sprintf("/api/v1/alerts/%d/outcome", alertID), auth.RoleAdmin, jsonWith(outcome, "note"))
	leadPath := fmt.Sprintf("/api/v1/leads/%d", leadID)
	add(true, "LeadNote/note", "POST", leadPath+"/notes", auth.RoleAHTU, jsonWith(nil, "note"))
	add(false, "LeadTransition/to", "POST", leadPath+"/transition", auth.RoleAHTU, jsonWith(map[string]any{"note": "x"}, "to"))
	add(true, "LeadTransition/note", "POST", leadPath+"/transition", auth.RoleAHTU, jsonWith(map[string]any{"to": "triaged"}, "note"))
	add(false, "Moderation/reason", "POST", fmt.Sprintf("/api/v1/moderation/reports/%d/reject", reportID), auth.RoleModerator,
		jsonWith(nil, "reason"))
	hook := map[string]any{"unit_kind": "pcr_unit", "unit_id": 1, "url": "https://hooks.example.org/vikalp", "description": "x"}
	add(true, "Webhook/description", "POST", "/api/v1/admin/webhooks", auth.RoleAdmin, jsonWith(hook, "description"))
	add(false, "Webhook/unit_kind", "POST", "/api/v1/admin/webhooks", auth.RoleAdmin, jsonWith(hook, "unit_kind"))
	add(false, "Webhook/url", "POST", "/api/v1/admin/webhooks", auth.RoleAdmin, jsonWith(hook, "url"))
	// Credentials and codes: never stored as given; refused, never a 500.
	for _, f := range []string{"code", "secret"} {
		for _, p := range []string{"track", "rate", "withdraw", "track/photos"} {
			add(false, "Complainant/"+p+"/"+f, "POST", "/api/v1/complaints/"+p, "",
				jsonWith(map[string]any{"code": code, "secret": secret, "rating": "SATISFIED"}, f))
		}
		add(false, "Attach/"+f, "POST", "/api/v1/complaints/attachments", "",
			formWith(map[string]string{"code": code, "secret": secret}, f, photo))
	}
	login := map[string]any{"username": "hostile.station", "password": "hostile-password-1"}
	add(false, "Login/username", "POST", "/api/v1/session", "", jsonWith(login, "username"))
	add(false, "Login/password", "POST", "/api/v1/session", "", jsonWith(login, "password"))
	add(false, "LoginTOTP/challenge", "POST", "/api/v1/session/totp", "", jsonWith(map[string]any{"code": "123456"}, "challenge"))
	add(false, "LoginTOTP/code", "POST", "/api/v1/session/totp", "", jsonWith(map[string]any{"challenge": "x"}, "code"))
	password := map[string]any{"current_password": "hostile-password-1", "new_password": "another-password-2"}
	add(false, "Password/current_password", "POST", "/api/v1/me/password", auth.RoleStation, jsonWith(password, "current_password"))
	add(false, "TOTPConfirm/code", "POST", "/api/v1/me/totp/confirm", auth.RoleStation, jsonWith(nil, "code"))
	for _, f := range fields {
		b.send(t, f)
	}
	sub := b.waitID(`SELECT coalesce(min(id), 0) FROM webhook_subscriptions`)
	b.send(t, hostileField{name: "WebhookPatch/description", method: "PATCH", path: fmt.Sprintf("/api/v1/admin/webhooks/%d", sub),
		role: auth.RoleAdmin, body: jsonWith(map[string]any{"active": true}, "description"), stored: true})

	// Query parameters of the lists and lookups.
	q := url.QueryEscape(hostileText)
	for _, g := range []struct {
		path string
		role auth.Role
	}{
		{"/api/v1/complaints?status=" + q, auth.RoleNodal}, {"/api/v1/admin/deliveries?status=" + q, auth.RoleAdmin},
		{"/api/v1/admin/sms?status=" + q, auth.RoleAdmin}, {"/api/v1/leads?status=" + q, auth.RoleAHTU},
		{"/api/v1/moderation/reports?status=" + q, auth.RoleModerator}, {"/api/v1/tips?status=" + q, auth.RoleAHTU},
		{"/api/v1/alerts?state=" + q, auth.RoleAdmin}, {"/api/v1/reports/" + q, ""},
		{"/open311/v2/requests.json?service_code=" + q, ""}, {"/open311/v2/requests.json?service_request_id=" + q, ""},
		{"/open311/v2/requests/" + q + ".json", ""}, {"/api/v1/hotspots?category=" + q, ""},
	} {
		if status, body := b.call("GET", g.path, g.role, "", nil); status >= 500 {
			t.Errorf("GET %s: %d %.200s", g.path, status, body)
		}
	}

	// No table holds the hostile characters: what was stored was cleaned.
	var tables []string
	rows, err := db.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		_ = rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	for _, table := range tables {
		var n int
		if err := db.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %q x WHERE x::text ~ '[\u202A-\u202E\u2066-\u2069\u200B\uFEFF]'`,
			table)).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows hold a bidi or zero-width character", table, n)
		}
	}
	// Hindi keeps the joiners that shape its letters (half forms).
	hindi := map[string]any{"category": "stalking", "language": "hi", "lat": lat, "lon": lon,
		"description": "\u202Eवह \u0915\u094D\u200D\u0937 पर\u200B खड़ा था\uFEFF"}
	_, _, hid := b.file(hindi)
	var stored string
	if err := db.QueryRow(ctx, `SELECT description FROM complaints WHERE id = $1`, hid).Scan(&stored); err != nil ||
		stored != "वह \u0915\u094D\u200D\u0937 पर खड़ा था" {
		t.Errorf("Hindi description stored as %+q (%v)", stored, err)
	}
	for query, least := range map[string]int{
		`SELECT count(*) FROM complaints WHERE description = '` + cleanText + `'`:            2,
		`SELECT count(*) FROM atrs WHERE text = '` + cleanText + `'`:                         1,
		`SELECT count(*) FROM lead_events WHERE note = '` + cleanText + `'`:                  2,
		`SELECT count(*) FROM webhook_subscriptions WHERE description = '` + cleanText + `'`: 1,
		`SELECT count(*) FROM reports WHERE body = '` + cleanText + `'`:                      3,
		`SELECT count(*) FROM tips WHERE body = '` + cleanText + `'`:                         1,
	} {
		if n := b.count(query); n < least {
			t.Errorf("%s = %d, want at least %d", query, n, least)
		}
	}
}

// send makes f's request with the hostile value and checks the answer.
func (b *hostileBundle) send(t *testing.T, f hostileField) {
	t.Helper()
	body, ctype := []byte("{}"), "application/json"
	if f.body != nil {
		body, ctype = f.body(hostileText)
	}
	status, resp := b.call(f.method, f.path, f.role, ctype, body)
	switch {
	case status >= 500:
		t.Errorf("%s: %d %.300s", f.name, status, resp)
	case f.stored && status >= 300:
		t.Errorf("%s: %d %.300s, want it stored cleaned", f.name, status, resp)
	case f.body == nil && status >= 300:
		t.Errorf("%s: %d %.300s", f.name, status, resp)
	}
}

// file files complaint and returns its code, secret and id.
func (b *hostileBundle) file(complaint map[string]any) (code, secret string, id int64) {
	b.t.Helper()
	raw, _ := json.Marshal(complaint)
	status, body := b.call("POST", "/api/v1/complaints", "", "application/json", raw)
	var out struct{ Code, Secret string }
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &out) != nil {
		b.t.Fatalf("file: %d %s", status, body)
	}
	if err := b.srv.Pool.QueryRow(context.Background(), `SELECT id FROM complaints WHERE code = $1`, out.Code).Scan(&id); err != nil {
		b.t.Fatal(err)
	}
	return out.Code, out.Secret, id
}

// waitID polls query (one bigint, 0 while absent) until it is set.
func (b *hostileBundle) waitID(query string) int64 {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var id int64
		if err := b.srv.Pool.QueryRow(context.Background(), query).Scan(&id); err != nil {
			b.t.Fatalf("%s: %v", query, err)
		}
		if id != 0 {
			return id
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: nothing after 60 s", query)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *hostileBundle) count(query string) int {
	b.t.Helper()
	var n int
	if err := b.srv.Pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
		b.t.Fatalf("%s: %v", query, err)
	}
	return n
}
