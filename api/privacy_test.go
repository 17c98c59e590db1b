package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/testkit"
	"github.com/vikalp/vikalp/tiles"
)

// syncBuffer is a bytes.Buffer the server's goroutines can log into.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}

// complainant is one woman's identity, filed with a complaint.
type complainant struct {
	name, phone, address string // as she typed them
	digits               string // her ten-digit mobile number
	confidential         bool
	lat, lon             float64
	id                   int64
	code, secret         string
}

// secrets are every writing of her identity the test searches for.
func (c complainant) secrets() []string {
	d := c.digits
	return []string{d, d[:5] + " " + d[5:], d[:5] + "-" + d[5:], d[:3] + " " + d[3:6] + " " + d[6:],
		d[:3] + "-" + d[3:6] + "-" + d[6:], c.name, c.address}
}

// leaks names the secrets of cs found in data.
func leaks(data []byte, cs []complainant) []string {
	var found []string
	for _, c := range cs {
		for _, s := range c.secrets() {
			if bytes.Contains(data, []byte(s)) {
				found = append(found, s)
			}
		}
	}
	return found
}

// TestPrivacyEndToEnd files complaints with distinctive names and phone
// numbers (written several ways), lets the workers raise alerts and queue
// SMS, has every role (in Lucknow and outside it) and an anonymous caller
// read every endpoint and tile layer near the complaints, and then searches
// all of it: the server's log output, tiles, SMS bodies, the audit log and
// every response. Her phone and name appear only in the contact field of
// the complaint file for the roles that may decrypt it (assigned station,
// the district's nodal officer and MSP; only MSP when confidential), and
// each of those decryptions is in the audit log.
func TestPrivacyEndToEnd(t *testing.T) {
	ctx := context.Background()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := apitest.StartWith(t, "privacy-password-1", matrixUsers, apitest.Options{Workers: true, Logger: logger})
	callers := matrixCallers(t, srv)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1] // Hazratganj
	women := []complainant{
		{name: "Kalindi Vasudharani", phone: "9876543210", address: "14 Gulmohar Lane Hazratganj",
			digits: "9876543210", lat: lat, lon: lon},
		{name: "Meenakshi Trivikrama", phone: "+91 98390 12345", address: "7 Neelkanth Colony",
			digits: "9839012345", confidential: true, lat: lat + 0.0004, lon: lon + 0.0003},
		{name: "सुनयना भार्गवी", phone: "098391-23456", address: "ग्राम कोटवारा",
			digits: "9839123456", lat: lat - 0.0003, lon: lon + 0.0005},
	}
	ecell := callerNamed(t, callers, string(auth.RoleECell))
	var responses []recorded
	for i := range women {
		w := &women[i]
		body, _ := json.Marshal(map[string]any{"category": "stalking", "language": "en",
			"description": "a man follows me from the bus stop every evening", "lat": w.lat, "lon": w.lon,
			"confidential": w.confidential, "contact": map[string]string{"name": w.name, "phone": w.phone,
				"address": w.address}})
		token := ""
		if i == 2 { // E-cell files the third on her behalf
			token = ecell.token
		}
		status, data := call(t, srv, http.MethodPost, "/api/v1/complaints", token, body)
		if status != http.StatusCreated {
			t.Fatalf("file complaint %d: %d %s", i, status, data)
		}
		responses = append(responses, recorded{who: "filer", path: "POST /api/v1/complaints", body: data})
		var filed struct{ Code, Secret string }
		must(t, json.Unmarshal(data, &filed))
		w.code, w.secret = filed.Code, filed.Secret
		must(t, srv.Pool.QueryRow(ctx, `SELECT id FROM complaints WHERE code = $1`, w.code).Scan(&w.id))
	}
	// A refused filing whose phone has her digits must not echo them anywhere.
	status, data := call(t, srv, http.MethodPost, "/api/v1/complaints", "", []byte(`{"category":"stalking",
		"language":"en","description":"help","district_id":162,"contact":{"phone":"9876543210x"}}`))
	if status/100 != 4 {
		t.Fatalf("invalid phone: %d %s", status, data)
	}
	responses = append(responses, recorded{who: "anonymous", path: "POST /api/v1/complaints (invalid)", body: data})
	seedPrivacyNeighbours(t, srv, lat, lon)
	waitForWorkers(t, srv)

	// Every read endpoint, as every caller.
	var alertIDs, tipIDs, leadIDs []int64
	must(t, srv.Pool.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM alerts`).Scan(&alertIDs))
	must(t, srv.Pool.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM tips`).Scan(&tipIDs))
	must(t, srv.Pool.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM leads`).Scan(&leadIDs))
	paths := []string{"/api/v1/me", "/api/v1/complaints", "/api/v1/dashboard/complaints", "/api/v1/call-tasks",
		"/api/v1/alerts", "/api/v1/admin/sms", "/api/v1/admin/deliveries", "/api/v1/admin/webhooks",
		"/api/v1/tips", "/api/v1/leads", "/api/v1/leads/export.csv", "/api/v1/leads/export.geojson",
		"/api/v1/hotspots", "/api/v1/hotspots/export.csv", "/api/v1/hotspots/export.geojson",
		"/api/v1/moderation/reports", "/open311/v2/requests.json", "/open311/v2/requests.xml"}
	for _, ids := range []struct {
		prefix string
		ids    []int64
	}{{"/api/v1/alerts/", alertIDs}, {"/api/v1/tips/", tipIDs}, {"/api/v1/leads/", leadIDs}} {
		for _, id := range ids.ids {
			paths = append(paths, fmt.Sprint(ids.prefix, id))
		}
	}
	shown := map[string]int{} // caller/complaint → contact decryptions seen
	for _, c := range callers {
		for _, p := range paths {
			_, data := call(t, srv, http.MethodGet, p, c.token, nil)
			responses = append(responses, recorded{who: c.name, path: p, body: data})
		}
		for _, w := range women {
			p := fmt.Sprint("/api/v1/complaints/", w.id)
			status, data := call(t, srv, http.MethodGet, p, c.token, nil)
			if !mayDecrypt(c, w) {
				responses = append(responses, recorded{who: c.name, path: p, body: data})
				continue
			}
			if status != http.StatusOK {
				t.Errorf("%s may read complaint %s: %d %s", c.name, w.code, status, data)
				continue
			}
			rest := checkContactOnly(t, c.name, w, data)
			responses = append(responses, recorded{who: c.name, path: p + " (contact removed)", body: rest})
			shown[c.name+"/"+w.code]++
		}
	}
	// Her own tracking page (code + secret) and the public lookups.
	for _, w := range women {
		body, _ := json.Marshal(map[string]string{"code": w.code, "secret": w.secret})
		_, data := call(t, srv, http.MethodPost, "/api/v1/complaints/track", "", body)
		responses = append(responses, recorded{who: "complainant", path: "POST /api/v1/complaints/track", body: data})
	}

	for _, r := range responses {
		if found := leaks(r.body, women); len(found) > 0 {
			t.Errorf("%s %s: response carries %q", r.who, r.path, found)
		}
	}
	checkTiles(t, srv, callers, women)
	checkSMS(t, srv, women)
	checkDecryptionsAudited(t, srv, women, shown)
	out := logs.Bytes()
	if len(out) == 0 {
		t.Fatal("no log output captured")
	}
	t.Logf("searched %d responses, %d bytes of logs; contacts shown %v", len(responses), len(out), shown)
	if found := leaks(out, women); len(found) > 0 {
		t.Errorf("logs carry %q", found)
	}
}

// recorded is one response of the run.
type recorded struct {
	who, path string
	body      []byte
}

func callerNamed(t *testing.T, cs []caller, name string) caller {
	t.Helper()
	for _, c := range cs {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no caller %s", name)
	return caller{}
}

// call sends one request, with a bearer token when token is set.
func call(t *testing.T, srv *apitest.Server, method, path, token string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(bearerRequest(context.Background(), t, srv, method, path, token, body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, data
}

// mayDecrypt is cases' rule (cases/detail.go, mayOpenContact) for the
// Lucknow complaints: MSP always; the Hazratganj station and Lucknow's
// nodal officer unless she asked for confidentiality; nobody else.
func mayDecrypt(c caller, w complainant) bool {
	switch {
	case c.role == auth.RoleMSPAnalyst || c.role == auth.RoleMSPLegal:
		return true
	case c.foreign || w.confidential:
		return false
	}
	return c.role == auth.RoleStation || c.role == auth.RoleNodal
}

// checkContactOnly checks that a complaint file decrypted for an entitled
// caller carries her identity in its contact field and returns the file
// without that field, for the leak search.
func checkContactOnly(t *testing.T, who string, w complainant, data []byte) []byte {
	t.Helper()
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("%s: complaint %s: %v", who, w.code, err)
	}
	contact, _ := file["contact"].(map[string]any)
	if file["contact_access"] != "shown" || contact["phone"] != "+91"+w.digits || contact["name"] != w.name {
		t.Errorf("%s: complaint %s contact = %v (%v), want her phone and name", who, w.code, contact,
			file["contact_access"])
	}
	delete(file, "contact")
	rest, _ := json.Marshal(file)
	// encoding/json escapes nothing in the secrets, so a leak elsewhere in
	// the file still shows up byte for byte.
	return rest
}

// seedPrivacyNeighbours adds a tip and a hotspot report near the
// complaints, so tip, lead and report endpoints and layers have content.
func seedPrivacyNeighbours(t *testing.T, srv *apitest.Server, lat, lon float64) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if _, err := srv.Ingest.SubmitTip(ctx, ingest.NewTip{Text: "two girls taken towards the border in a white van",
		Places:   []ingest.TipPlace{{Lat: lat, Lon: lon, Description: "Charbagh", SeenAt: &now}},
		Vehicles: []string{"UP 32 AB 1234"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Ingest.SubmitReport(ctx, ingest.NewReport{Category: "stalking", Lat: &lat, Lon: &lon,
		HappeningNow: true, WithoutPhotos: true}); err != nil {
		t.Fatal(err)
	}
}

// waitForWorkers waits until the workers have raised alerts, queued the
// complainants' SMS and run every job that is due.
func waitForWorkers(t *testing.T, srv *apitest.Server) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var alerts, sms, due int
		must(t, srv.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM alerts),
			(SELECT count(*) FROM sms_outbox WHERE to_kind = 'complainant'),
			(SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable')
				AND scheduled_at <= now())`).Scan(&alerts, &sms, &due))
		if alerts > 0 && sms > 0 && due == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %d alerts, %d SMS to complainants, %d jobs due", alerts, sms, due)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkTiles fetches every layer's TileJSON and tiles at several zooms
// around each complaint, as every caller.
func checkTiles(t *testing.T, srv *apitest.Server, callers []caller, women []complainant) {
	t.Helper()
	urls := map[string]bool{}
	for _, l := range tiles.Layers() {
		urls["/tiles/"+l.Name] = true
		for _, z := range []int{6, 9, 12, 14, 16} {
			if z < l.MinZoom || z > l.MaxZoom {
				continue
			}
			for _, w := range women {
				x, y := tileOf(w.lat, w.lon, z)
				urls[fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", l.Name, z, x, y)] = true
			}
		}
	}
	fetched := 0
	for _, c := range callers {
		for u := range urls {
			status, data := call(t, srv, http.MethodGet, u, c.token, nil)
			if status == http.StatusOK {
				fetched++
			}
			if found := leaks(data, women); len(found) > 0 {
				t.Errorf("%s %s: tile carries %q", c.name, u, found)
			}
		}
	}
	if fetched == 0 {
		t.Error("no tile fetched")
	}
	t.Logf("searched %d tile requests (%d answered 200)", len(urls)*len(callers), fetched)
}

// tileOf returns the address of the Web Mercator tile at zoom z holding
// the point.
func tileOf(lat, lon float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return x, y
}

// checkSMS searches every SMS body and the audit log's details.
func checkSMS(t *testing.T, srv *apitest.Server, women []complainant) {
	t.Helper()
	ctx := context.Background()
	var bodies, audit string
	var n int
	must(t, srv.Pool.QueryRow(ctx, `SELECT coalesce(string_agg(body, E'\n'), ''), count(*) FROM sms_outbox`).
		Scan(&bodies, &n))
	if n == 0 {
		t.Fatal("no SMS queued")
	}
	if found := leaks([]byte(bodies), women); len(found) > 0 {
		t.Errorf("SMS bodies carry %q", found)
	}
	must(t, srv.Pool.QueryRow(ctx, `SELECT coalesce(string_agg(detail::text, E'\n'), '') FROM audit_log`).Scan(&audit))
	if found := leaks([]byte(audit), women); len(found) > 0 {
		t.Errorf("audit log details carry %q", found)
	}
}

// checkDecryptionsAudited matches every contact shown to an audit entry of
// the same user and complaint.
func checkDecryptionsAudited(t *testing.T, srv *apitest.Server, women []complainant, shown map[string]int) {
	t.Helper()
	if len(shown) == 0 {
		t.Fatal("no caller was shown a contact")
	}
	for key, n := range shown {
		name, code, _ := strings.Cut(key, "/")
		var id int64
		for _, w := range women {
			if w.code == code {
				id = w.id
			}
		}
		var audited int
		must(t, srv.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log a
			JOIN users u ON u.id = a.actor_user_id
			WHERE a.action = 'complaint.contact_decrypted' AND a.object_id = $1 AND u.username = $2`,
			id, "mx."+strings.ReplaceAll(name, "@", ".")).Scan(&audited))
		if audited != n {
			t.Errorf("%s saw complaint %s's contact %d times, %d audited", name, code, n, audited)
		}
	}
}
