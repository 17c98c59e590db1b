package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/testkit"
)

// TestAlertEscalationOverHTTP follows an unacknowledged "happening now"
// alert in Lucknow up the ladder over the API: the district control room
// and then the SP find it in their list and may open and acknowledge it
// (before, they get 404); the nodal officer, who is not on the ladder,
// never does. The SP's acknowledgement stops the ladder before MSP, and
// the admin's SMS outbox shows one page per level reached.
func TestAlertEscalationOverHTTP(t *testing.T) {
	t.Parallel()
	b := &alertBundle{fixture: newFixture(t)}
	clock := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	deps := apitest.Deps(t, b.db, apitest.Options{Clock: clock})
	b.alerts = deps.Alerts
	b.srv = httptest.NewServer(apitest.ValidateContract(t, apitest.Router(t, deps)))
	t.Cleanup(func() { b.srv.CloseClientConnections(); b.srv.Close() })

	ing := deps.Ingest
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	rep, err := ing.SubmitReport(b.ctx, ingest.NewReport{Category: "groping", Lat: &lat, Lon: &lon, HappeningNow: true,
		WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	var args ingest.HappeningNowArgs
	if err := b.db.QueryRow(b.ctx, `SELECT id, pcr_unit_id, district_id, h3_r8 FROM reports WHERE code = $1`, rep.Code).
		Scan(&args.ReportID, &args.PCRUnitID, &args.DistrictID, &args.H3R8); err != nil {
		t.Fatal(err)
	}
	a, err := b.alerts.RaiseHappeningNow(b.ctx, args)
	if err != nil {
		t.Fatal(err)
	}
	district := auth.Scope{Kind: auth.ScopeDistrict, ID: int64(args.DistrictID)}
	room := b.token(t, auth.RolePCR, district)
	sp := b.token(t, auth.RoleSP, district)
	nodal := b.token(t, auth.RoleNodal, district)
	msp := b.token(t, auth.RoleMSPAnalyst, auth.StateScope)
	admin := b.token(t, auth.RoleAdmin, auth.StateScope)
	path := fmt.Sprintf("/api/v1/alerts/%d", a.ID)
	sees := func(who, token string) bool {
		t.Helper()
		code, body := b.call(t, "GET", path, "", token)
		if code != http.StatusOK && code != http.StatusNotFound {
			t.Fatalf("%s opens the alert: %d %s", who, code, body)
		}
		_, list := b.call(t, "GET", "/api/v1/alerts?state=open", "", token)
		if listed := strings.Contains(string(list), fmt.Sprintf(`"id":%d,`, a.ID)); listed != (code == http.StatusOK) {
			t.Fatalf("%s: opens %d, lists it %v", who, code, listed)
		}
		return code == http.StatusOK
	}
	step := func(level int) {
		t.Helper()
		clock.Advance(10 * time.Minute)
		if _, err := b.alerts.Escalate(b.ctx, alerts.EscalateArgs{AlertID: a.ID, Level: level}); err != nil {
			t.Fatal(err)
		}
	}

	if sees("control room", room) || sees("SP", sp) || sees("nodal", nodal) {
		t.Fatal("the district sees the PCR unit's alert before any escalation")
	}
	step(0)
	if !sees("control room", room) || sees("SP", sp) {
		t.Fatal("after 10 minutes the control room, and not yet the SP, sees the alert")
	}
	step(1)
	if !sees("SP", sp) || !sees("control room", room) || sees("nodal", nodal) || sees("MSP", msp) {
		t.Fatal("after 20 minutes the SP and the control room see the alert; the nodal officer and MSP do not")
	}
	code, body := b.call(t, "GET", path, "", sp)
	var got map[string]any
	if code != http.StatusOK || json.Unmarshal(body, &got) != nil {
		t.Fatalf("SP detail: %d %s", code, body)
	}
	units, _ := got["escalated_units"].([]any)
	if got["category"] != "groping" || got["place"] == nil || got["occurred_at"] == nil || got["escalated_to_role"] != "sp" ||
		len(units) != 2 || got["escalation_level"] != 2.0 {
		t.Errorf("SP detail lacks category, place, time or levels: %s", body)
	}
	if strings.Contains(string(body), fmt.Sprint(lat)) || strings.Contains(string(body), fmt.Sprint(lon)) {
		t.Errorf("alert detail carries coordinates: %s", body)
	}
	if code, body := b.call(t, "POST", path+"/ack", "", nodal); code != http.StatusNotFound {
		t.Errorf("nodal ack: %d %s, want 404", code, body)
	}
	if code, body := b.call(t, "POST", path+"/ack", "", sp); code != http.StatusOK || !strings.Contains(string(body), `"state":"acknowledged"`) {
		t.Fatalf("SP ack: %d %s", code, body)
	}
	step(2)
	if sees("MSP", msp) {
		t.Error("MSP paged after the SP acknowledged")
	}
	code, body = b.call(t, "GET", "/api/v1/admin/sms", "", admin)
	if code != http.StatusOK {
		t.Fatalf("admin sms: %d %s", code, body)
	}
	var outbox struct {
		SMS []struct {
			ToKind   string `json:"to_kind"`
			ToRole   string `json:"to_role"`
			Template string `json:"template"`
		} `json:"sms"`
	}
	if err := json.Unmarshal(body, &outbox); err != nil {
		t.Fatalf("admin sms: %s", body)
	}
	var pages []string
	for _, m := range outbox.SMS {
		if strings.HasPrefix(m.Template, "alert.") {
			pages = append(pages, m.ToKind+":"+m.ToRole)
		}
	}
	if want := []string{"district_officers:sp", "district_control_room:"}; strings.Join(pages, ",") != strings.Join(want, ",") {
		t.Errorf("pages in the outbox (newest first) %v, want %v", pages, want)
	}
}
