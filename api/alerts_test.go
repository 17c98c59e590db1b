package api_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
)

// alertBundle is a real HTTP server with the alerts service and its hub.
type alertBundle struct {
	fixture
	srv    *httptest.Server
	alerts *alerts.Service
}

// setupAlerts serves the alerts API and its hub over HTTP, in a parallel
// test; configure, when set, adjusts the server before it starts.
func setupAlerts(t *testing.T, configure func(*http.Server)) *alertBundle {
	t.Helper()
	t.Parallel()
	b := &alertBundle{fixture: newFixture(t)}
	deps := apitest.Deps(t, b.db, apitest.Options{})
	b.alerts = deps.Alerts
	b.srv = httptest.NewUnstartedServer(apitest.ValidateContract(t, apitest.Router(t, deps)))
	if configure != nil {
		configure(b.srv.Config)
	}
	b.srv.Start()
	t.Cleanup(func() { b.srv.CloseClientConnections(); b.srv.Close() }) // before the hub stops
	return b
}

func (b *alertBundle) call(t *testing.T, method, path, body, authz string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func TestAlertsOverHTTP(t *testing.T) {
	b := setupAlerts(t, nil)
	a, err := b.alerts.RaiseLead(b.ctx, alerts.Lead{LeadID: 11, AHTUID: 3, Score: 77, Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}
	own := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 3})
	other := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 4})
	station := b.token(t, auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: 1})

	if code, _ := b.call(t, "GET", "/api/v1/alerts", "", ""); code != http.StatusUnauthorized {
		t.Errorf("anonymous list: %d", code)
	}
	if code, _ := b.call(t, "GET", "/api/v1/alerts", "", station); code != http.StatusForbidden {
		t.Errorf("station list: %d", code)
	}
	code, body := b.call(t, "GET", "/api/v1/alerts?state=open&kind=lead.alert", "", own)
	var list struct {
		Alerts []map[string]any `json:"alerts"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.Alerts) != 1 || list.Alerts[0]["summary"] == "" {
		t.Fatalf("own list: %d %s", code, body)
	}
	if code, body := b.call(t, "GET", "/api/v1/alerts", "", other); code != http.StatusOK || strings.Contains(string(body), `"id"`) {
		t.Errorf("other unit's list: %d %s", code, body)
	}
	path := fmt.Sprintf("/api/v1/alerts/%d", a.ID)
	for _, p := range []string{path, path + "/ack", path + "/resolve"} {
		method := "POST"
		if p == path {
			method = "GET"
		}
		if code, _ := b.call(t, method, p, "", other); code != http.StatusNotFound {
			t.Errorf("%s %s by another AHTU: %d, want 404", method, p, code)
		}
	}
	if code, body := b.call(t, "POST", path+"/ack", "", own); code != http.StatusOK || !strings.Contains(string(body), `"state":"acknowledged"`) {
		t.Errorf("ack: %d %s", code, body)
	}
	if code, _ := b.call(t, "POST", path+"/ack", "", own); code != http.StatusConflict {
		t.Errorf("second ack: %d", code)
	}
	if code, _ := b.call(t, "POST", path+"/outcome", `{"outcome":"visited"}`, own); code != http.StatusForbidden {
		t.Errorf("AHTU outcome: %d, want 403", code)
	}
	if code, body := b.call(t, "POST", path+"/resolve", "", own); code != http.StatusOK || !strings.Contains(string(body), `"state":"resolved"`) {
		t.Errorf("resolve: %d %s", code, body)
	}
	if code, body := b.call(t, "GET", path, "", own); code != http.StatusOK || strings.Count(string(body), `"actor_role"`) != 3 {
		t.Errorf("detail: %d %s", code, body)
	}
}

func TestWebhookAdminOverHTTP(t *testing.T) {
	b := setupAlerts(t, nil)
	admin := b.token(t, auth.RoleAdmin, auth.StateScope)
	pcr := b.token(t, auth.RolePCR, auth.Scope{Kind: auth.ScopePCR, ID: 1})
	body := `{"unit_kind":"pcr_unit","unit_id":1,"url":"https://pcr.example/hook","description":"dispatch"}`
	if code, _ := b.call(t, "POST", "/api/v1/admin/webhooks", body, pcr); code != http.StatusForbidden {
		t.Errorf("PCR creates webhook: %d", code)
	}
	code, resp := b.call(t, "POST", "/api/v1/admin/webhooks", body, admin)
	var sub struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	if code != http.StatusCreated || json.Unmarshal(resp, &sub) != nil || !strings.HasPrefix(sub.Secret, "whsec_") {
		t.Fatalf("create webhook: %d %s", code, resp)
	}
	if code, _ := b.call(t, "POST", "/api/v1/admin/webhooks", `{"unit_kind":"pcr_unit","url":"ftp://x"}`, admin); code != http.StatusUnprocessableEntity {
		t.Errorf("bad url: %d", code)
	}
	// An admin cannot point deliveries at the platform's own network.
	for _, internal := range []string{"http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data", "http://localhost/hook",
		"http://[::1]/hook", "https://user:pass@pcr.example/hook"} {
		code, resp := b.call(t, "POST", "/api/v1/admin/webhooks", `{"unit_kind":"pcr_unit","unit_id":1,"url":"`+internal+`"}`, admin)
		if code != http.StatusUnprocessableEntity || !strings.Contains(string(resp), `"url"`) {
			t.Errorf("webhook to %s: %d %s, want 422 on url", internal, code, resp)
		}
	}
	if code, resp := b.call(t, "GET", "/api/v1/admin/webhooks", "", admin); code != http.StatusOK || strings.Contains(string(resp), "whsec_") {
		t.Errorf("list webhooks leaks the secret or fails: %d %s", code, resp)
	}
	if code, resp := b.call(t, "PATCH", fmt.Sprintf("/api/v1/admin/webhooks/%d", sub.ID), `{"active":false}`, admin); code != http.StatusOK ||
		!strings.Contains(string(resp), `"active":false`) || !strings.Contains(string(resp), `"dispatch"`) {
		t.Errorf("deactivate: %d %s", code, resp)
	}
	for _, p := range []string{"/api/v1/admin/deliveries?status=dead", "/api/v1/admin/sms"} {
		if code, _ := b.call(t, "GET", p, "", admin); code != http.StatusOK {
			t.Errorf("GET %s: %d", p, code)
		}
		if code, _ := b.call(t, "GET", p, "", pcr); code != http.StatusForbidden {
			t.Errorf("PCR GET %s: %d", p, code)
		}
	}
	if code, _ := b.call(t, "POST", "/api/v1/admin/deliveries/999/resend", "", admin); code != http.StatusNotFound {
		t.Errorf("resend unknown delivery: %d", code)
	}
}

// sseClient reads one SSE response.
type sseClient struct {
	resp   *http.Response
	events chan sseEvent
}

type sseEvent struct {
	id      int64
	kind    string
	data    string
	comment bool
}

// stream connects to the alert stream as authz and parses its events.
func (b *alertBundle) stream(t *testing.T, authz string, lastID int64) *sseClient {
	t.Helper()
	req, err := http.NewRequest("GET", b.srv.URL+"/api/v1/alerts/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authz)
	if lastID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(lastID, 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c := &sseClient{resp: resp, events: make(chan sseEvent, 100)}
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.id != 0 || e.comment {
					c.events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, ":"):
				e.comment = true
			case strings.HasPrefix(line, "id: "):
				e.id, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				e.kind = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.data = line[6:]
			}
		}
	}()
	t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() { _ = c.resp.Body.Close() }

// next returns the next real event (skipping heartbeats) within d.
func (c *sseClient) next(t *testing.T, d time.Duration) (sseEvent, bool) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				return sseEvent{}, false
			}
			if e.comment {
				continue
			}
			return e, true
		case <-timeout:
			return sseEvent{}, false
		}
	}
}

func TestAlertStreamOverHTTP(t *testing.T) {
	defer api.SetStreamHeartbeat(200 * time.Millisecond)()
	b := setupAlerts(t, nil)
	own := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 7})
	other := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 8})
	admin := b.token(t, auth.RoleAdmin, auth.StateScope)
	c := b.stream(t, own, 0)
	o := b.stream(t, other, 0)

	a, err := b.alerts.RaiseLead(b.ctx, alerts.Lead{LeadID: 21, AHTUID: 7, Score: 66, Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.next(t, time.Second)
	if !ok || e.kind != "raised" || !strings.Contains(e.data, fmt.Sprintf(`"alert_id":%d`, a.ID)) {
		t.Fatalf("first event: %+v %v", e, ok)
	}
	if strings.Contains(e.data, `"lat"`) || strings.Contains(e.data, `"lon"`) {
		t.Errorf("event data carries a point: %s", e.data)
	}
	// Heartbeats keep an idle stream alive.
	select {
	case h := <-c.events:
		if !h.comment {
			t.Errorf("expected a heartbeat, got %+v", h)
		}
	case <-time.After(2 * time.Second):
		t.Errorf("no heartbeat")
	}
	if e, ok := o.next(t, 200*time.Millisecond); ok {
		t.Errorf("another AHTU's console got %+v", e)
	}

	// Disconnect; three events happen while away, one of them for another unit.
	c.close()
	path := fmt.Sprintf("/api/v1/alerts/%d", a.ID)
	b.call(t, "POST", path+"/ack", "", admin)
	if _, err := b.alerts.RaiseLead(b.ctx, alerts.Lead{LeadID: 22, AHTUID: 8, Score: 50, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	b.call(t, "POST", path+"/resolve", "", admin)
	a2, err := b.alerts.RaiseLead(b.ctx, alerts.Lead{LeadID: 23, AHTUID: 7, Score: 55, Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}

	r := b.stream(t, own, e.id)
	var kinds []string
	last := e.id
	for range 3 {
		got, ok := r.next(t, time.Second)
		if !ok {
			t.Fatalf("resume: only %v", kinds)
		}
		if got.id <= last {
			t.Errorf("event %d after %d: duplicate or out of order", got.id, last)
		}
		last = got.id
		kinds = append(kinds, got.kind)
	}
	if strings.Join(kinds, ",") != "acknowledged,resolved,raised" {
		t.Errorf("resumed events %v", kinds)
	}
	if extra, ok := r.next(t, 300*time.Millisecond); ok {
		t.Errorf("extra event after resume: %+v", extra)
	}
	// Live again after the replay.
	if code, _ := b.call(t, "POST", fmt.Sprintf("/api/v1/alerts/%d/ack", a2.ID), "", admin); code != http.StatusOK {
		t.Fatalf("ack: %d", code)
	}
	if got, ok := r.next(t, time.Second); !ok || got.kind != "acknowledged" {
		t.Errorf("live after resume: %+v %v", got, ok)
	}
	if code, _ := b.call(t, "GET", "/api/v1/alerts/stream?last_event_id=x", "", own); code != http.StatusUnprocessableEntity {
		t.Errorf("bad last_event_id: %d", code)
	}
}
