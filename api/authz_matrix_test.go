package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/testkit"
)

// access is who may call a route. Every route the engine serves must have
// one in authzRules, so a new endpoint has to declare its access here.
type access struct {
	// anon: anonymous callers may call it.
	anon bool
	// roles may call it; every other role gets 403 or 404. What each
	// allowed caller sees is still the domain's decision (a list may be
	// empty, a state change may be a 409).
	roles []auth.Role
	// scoped: the route addresses an object in Lucknow; callers of an
	// allowed role scoped elsewhere get 403 or 404, never the object.
	scoped bool
}

var (
	allRoles = auth.Roles()
	public   = access{anon: true, roles: allRoles}
	staff    = access{roles: allRoles}
	// alertRoles see alert consoles: the units alerts go to, MSP and admins.
	alertRoles = []auth.Role{auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal,
		auth.RoleAHTU, auth.RolePCR, auth.RoleAdmin}
	// complaintReaders see complaint queues and files in their jurisdiction.
	complaintReaders = []auth.Role{auth.RoleStation, auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal}
	// tipReaders see trafficking tips and leads (AHTU: their unit's only).
	tipReaders = []auth.Role{auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAHTU, auth.RoleAdmin}
	msp        = []auth.Role{auth.RoleMSPAnalyst, auth.RoleMSPLegal}
	// supervisors read ATR quality and the daily digest of their scope.
	supervisors = []auth.Role{auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal}
	mods        = []auth.Role{auth.RoleModerator, auth.RoleAdmin}
	admin       = []auth.Role{auth.RoleAdmin}
)

// lifecycleRoles work hotspot reports' outcomes and exports.
var lifecycleRoles = []auth.Role{auth.RoleModerator, auth.RoleAdmin, auth.RolePCR, auth.RoleStation,
	auth.RoleNodal, auth.RoleSP}

func roles(rs ...auth.Role) access { return access{roles: rs} }

func scoped(rs ...auth.Role) access { return access{roles: rs, scoped: true} }

// authzRules is the access of every route, "METHOD /path" as Gin names it.
var authzRules = map[string]access{
	// Health (metrics are served on a listener of their own, not here).
	"GET /healthz": public, "GET /readyz": public,
	// The OpenAPI document of /api/v1.
	"GET /api/v1/openapi.json": public,
	// Login and the caller's own account.
	"POST /api/v1/session":                public,
	"POST /api/v1/session/totp":           public,
	"DELETE /api/v1/session":              public,
	"GET /api/v1/me":                      staff,
	"POST /api/v1/me/password":            staff,
	"POST /api/v1/me/totp":                staff,
	"POST /api/v1/me/totp/confirm":        staff,
	"DELETE /api/v1/admin/users/:id/totp": roles(admin...),
	// Public reference data and submissions. Logged-in staff other than
	// E-cell may not file complaints (E-cell files on a woman's behalf).
	"GET /api/v1/districts":               public,
	"GET /api/v1/stations":                public,
	"GET /api/v1/complaint-categories":    public,
	"GET /api/v1/report-categories":       public,
	"POST /api/v1/complaints":             {anon: true, roles: []auth.Role{auth.RoleECell}},
	"POST /api/v1/complaints/track":       public,
	"POST /api/v1/complaints/rate":        public,
	"POST /api/v1/complaints/withdraw":    public,
	"POST /api/v1/reports":                public,
	"GET /api/v1/reports/:code":           public,
	"GET /api/v1/reports/:code/photos/:n": public,
	"POST /api/v1/tips":                   public,
	"GET /api/v1/hotspots":                public,
	"GET /open311/v2/services.json":       public, "GET /open311/v2/services.xml": public,
	"GET /open311/v2/services/:file": public,
	"GET /open311/v2/requests.json":  public, "GET /open311/v2/requests.xml": public,
	"POST /open311/v2/requests.json": public, "POST /open311/v2/requests.xml": public,
	"GET /open311/v2/requests/:file": public,
	// Open311 discovery and tokens; the area feeds; her report tracking
	// and updates with code + secret.
	"GET /open311/v2/discovery.json": public, "GET /open311/v2/discovery.xml": public,
	"GET /open311/v2/tokens/:file":       public,
	"GET /api/v1/feeds/districts/:file":  public,
	"GET /api/v1/report-outcome-reasons": public,
	"POST /api/v1/reports/:code/track":   public,
	"POST /api/v1/reports/:code/updates": public,
	// Hotspot report lifecycle and raw exports: moderators and admins
	// state-wide, the police of the report's area.
	"GET /api/v1/staff/reports/export.csv":                roles(lifecycleRoles...),
	"GET /api/v1/staff/reports/export.geojson":            roles(lifecycleRoles...),
	"GET /api/v1/staff/reports/:id":                       scoped(lifecycleRoles...),
	"POST /api/v1/staff/reports/:id/outcome":              scoped(lifecycleRoles...),
	"GET /api/v1/staff/reports/:id/updates/:update/photo": scoped(lifecycleRoles...),
	// Tiles: the route is public; role-gated layers are checked per layer
	// by package tiles (tested there and in tiles_test.go).
	"GET /tiles/:layer": public, "GET /tiles/:layer/:z/:x/:y": public,
	// The street base map (VIKALP_BASEMAP_PMTILES): public geography only.
	"GET /basemap/:file": public, "GET /basemap/:file/:x/:y": public,
	// Staff exports of the hotspot map (audited).
	"GET /api/v1/hotspots/export.csv": staff, "GET /api/v1/hotspots/export.geojson": staff,
	"GET /api/v1/priority-places": staff,
	// Complaints (police side).
	"GET /api/v1/complaints":           roles(complaintReaders...),
	"GET /api/v1/dashboard/complaints": roles(complaintReaders...),
	// ATR quality and the daily digest: supervisors only (quality.go).
	"GET /api/v1/dashboard/quality":            roles(supervisors...),
	"GET /api/v1/dashboard/quality/complaints": roles(supervisors...),
	"GET /api/v1/digest":                       roles(supervisors...),
	// Filings by outreach channel: counts of the caller's scope.
	"GET /api/v1/dashboard/channels":             roles(supervisors...),
	"GET /api/v1/complaints/:id":                 scoped(complaintReaders...),
	"GET /api/v1/complaints/:id/photos":          scoped(complaintReaders...),
	"GET /api/v1/complaints/:id/photos/:n":       scoped(complaintReaders...),
	"PUT /api/v1/complaints/:id/atr":             scoped(auth.RoleStation),
	"POST /api/v1/complaints/:id/atr/submit":     scoped(auth.RoleStation),
	"POST /api/v1/complaints/:id/atr/approve":    scoped(auth.RoleNodal),
	"POST /api/v1/complaints/:id/atr/return":     scoped(auth.RoleNodal),
	"POST /api/v1/complaints/:id/legal-decision": scoped(auth.RoleMSPLegal),
	"GET /api/v1/call-tasks":                     roles(msp...),
	// Supervision: directions (MSP and SP issue, the addressee answers) and
	// transfers (nodal and SP in their district, MSP anywhere; the
	// receiving district's SP or MSP decides a district request).
	"GET /api/v1/complaints/:id/directions":                       scoped(complaintReaders...),
	"POST /api/v1/complaints/:id/directions":                      scoped(auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal),
	"POST /api/v1/complaints/:id/directions/:direction_id/answer": scoped(auth.RoleStation, auth.RoleNodal, auth.RoleSP),
	"POST /api/v1/complaints/:id/transfer":                        scoped(auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal),
	"POST /api/v1/complaints/:id/transfer-request":                scoped(auth.RoleNodal, auth.RoleSP),
	"GET /api/v1/transfers/pending":                               roles(auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal),
	"POST /api/v1/transfers/:id/accept":                           scoped(auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal),
	"POST /api/v1/transfers/:id/decline":                          scoped(auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal),
	"POST /api/v1/call-tasks/:id/outcome":                         roles(msp...),
	// Moderation of public reports.
	"GET /api/v1/moderation/reports":                       roles(mods...),
	"GET /api/v1/moderation/reports/:id":                   roles(mods...),
	"POST /api/v1/moderation/reports/:id/approve":          roles(mods...),
	"POST /api/v1/moderation/reports/:id/reject":           roles(mods...),
	"POST /api/v1/moderation/reports/:id/photos/:n/redact": roles(mods...),
	"GET /api/v1/moderation/reports/:id/photos/:n":         roles(mods...),
	// Trafficking tips and leads. Only the AHTU works a lead; MSP and
	// admins read. The informant's contact is for AHTU and MSP, not admins.
	"GET /api/v1/tips":                  roles(tipReaders...),
	"GET /api/v1/tips/:id":              scoped(tipReaders...),
	"GET /api/v1/tips/:id/contact":      scoped(auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAHTU),
	"GET /api/v1/tips/:id/photos/:n":    scoped(tipReaders...),
	"GET /api/v1/leads":                 roles(tipReaders...),
	"GET /api/v1/leads/export.csv":      roles(tipReaders...),
	"GET /api/v1/leads/export.geojson":  roles(tipReaders...),
	"GET /api/v1/leads/:id":             scoped(tipReaders...),
	"POST /api/v1/leads/:id/transition": scoped(auth.RoleAHTU),
	"POST /api/v1/leads/:id/notes":      scoped(auth.RoleAHTU),
	"POST /api/v1/leads/:id/assign":     scoped(auth.RoleAHTU),
	"POST /api/v1/leads/:id/merge":      scoped(auth.RoleAHTU),
	"POST /api/v1/leads/:id/split":      scoped(auth.RoleAHTU),
	// Alerts (the seeded alert is the complaint alert for Lucknow's
	// officers; other units see 404).
	"GET /api/v1/alerts":              roles(alertRoles...),
	"GET /api/v1/alerts/stream":       roles(alertRoles...),
	"GET /api/v1/alerts/:id":          scoped(alertRoles...),
	"POST /api/v1/alerts/:id/ack":     scoped(alertRoles...),
	"POST /api/v1/alerts/:id/resolve": scoped(alertRoles...),
	"POST /api/v1/alerts/:id/outcome": scoped(auth.RolePCR, auth.RoleAdmin),
	// Administration of webhooks, deliveries and the SMS outbox.
	"GET /api/v1/admin/webhooks":               roles(admin...),
	"POST /api/v1/admin/webhooks":              roles(admin...),
	"PATCH /api/v1/admin/webhooks/:id":         roles(admin...),
	"DELETE /api/v1/admin/webhooks/:id":        roles(admin...),
	"GET /api/v1/admin/deliveries":             roles(admin...),
	"POST /api/v1/admin/deliveries/:id/resend": roles(admin...),
	"GET /api/v1/admin/sms":                    roles(admin...),
	// The inbound SMS webhook: the gateway's shared secret, no role (401
	// without it, 403 for staff sessions and tokens).
	"POST /api/v1/sms/inbound": {},
	"GET /api/v1/sms/inbound":  {},

	// Complaint photos: she attaches with code + secret and sees her
	// thumbnails; E-cell staff attach to complaints they filed; other
	// staff may not attach (403). Staff views are above, by complaint.
	"POST /api/v1/complaints/attachments":  {anon: true, roles: []auth.Role{auth.RoleECell}},
	"POST /api/v1/complaints/track/photos": public,
}

// matrixBodies are valid-shaped bodies for routes that validate before
// they authorize; every other unsafe route gets {}.
var matrixBodies = map[string]string{
	"PUT /api/v1/complaints/:id/atr":             `{"text":"the accused was warned","action_taken":"warning given"}`,
	"POST /api/v1/complaints/:id/atr/return":     `{"reason":"please add the date of the visit"}`,
	"POST /api/v1/complaints/:id/legal-decision": `{"decision":"pursue","reason":"the action was not enough"}`,
	"POST /api/v1/call-tasks/:id/outcome":        `{"outcome":"reached"}`,
	"POST /api/v1/alerts/:id/outcome":            `{"outcome":"visited"}`,
	"POST /api/v1/leads/:id/notes":               `{"note":"checked the bus stand"}`,
	"POST /api/v1/moderation/reports/:id/reject": `{"reason":"not a public place"}`,
	"POST /api/v1/staff/reports/:id/outcome":     `{"outcome":"action_taken","reason_code":"other"}`,
	// Supervision: a real direction; moves refused by a domain rule (an
	// unknown station, the same district) so the complaint stays put.
	"POST /api/v1/complaints/:id/directions":                      `{"to":"station","body":"please report what was done"}`,
	"POST /api/v1/complaints/:id/directions/:direction_id/answer": `{"answer":"visited her today"}`,
	"POST /api/v1/complaints/:id/transfer":                        `{"station_id":0,"reason":"matrix"}`,
	"POST /api/v1/complaints/:id/transfer-request":                `{"district_id":162,"reason":"matrix"}`,
	"POST /api/v1/transfers/:id/accept":                           `{"station_id":0}`,
}

// caller is one identity the matrix runs as.
type caller struct {
	name    string
	role    auth.Role // "" for anonymous
	foreign bool      // scoped outside Lucknow
	token   string
}

// matrixObjects are the ids that fill route parameters.
type matrixObjects struct {
	complaintID, reportID, tipID, alertID, leadID, webhookID, deliveryID, callTaskID, userID int64
	reportCode                                                                               string
}

func TestAuthzMatrix(t *testing.T) {
	srv := apitest.StartWith(t, "matrix-password-1", matrixUsers, apitest.Options{Workers: true})
	engine := srv.Router
	callers := matrixCallers(t, srv)
	objs := seedMatrix(t, srv)
	routes := engine.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	dump := os.Getenv("VIKALP_AUTHZ_DUMP") != ""
	station := cookieLogin(t, srv, "mx.station", http.StatusOK)
	enrolOnly := cookieLogin(t, srv, "mx.admin", http.StatusOK)
	if !enrolOnly.restricted || station.restricted {
		t.Fatalf("admin without TOTP got restricted=%v, station %v", enrolOnly.restricted, station.restricted)
	}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		rule, ok := authzRules[key]
		if !ok && !dump {
			t.Errorf("route %s has no rule in authzRules: declare who may call it", key)
			continue
		}
		t.Run(strings.NewReplacer("/", "_", ":", "").Replace(key), func(t *testing.T) {
			var line []string
			for _, c := range callers {
				status := callRoute(t, srv, r.Method, fillPath(r.Path, objs), matrixBodies[key], c.token)
				line = append(line, fmt.Sprintf("%s=%d", c.name, status))
				if dump {
					continue
				}
				if msg := checkStatus(rule, c, status); msg != "" {
					t.Errorf("%s as %s: status %d, %s", key, c.name, status, msg)
				}
			}
			if dump {
				fmt.Printf("%-55s %s\n", key, strings.Join(line, " "))
				return
			}
			checkCookieAccess(t, srv, key, rule, fillPath(r.Path, objs), station, enrolOnly)
		})
	}
}

// checkStatus returns what is wrong with status for caller c under rule, or "".
func checkStatus(rule access, c caller, status int) string {
	if status >= 500 {
		return "a server error"
	}
	denied := status == http.StatusForbidden || status == http.StatusNotFound
	through := status != http.StatusUnauthorized && status != http.StatusForbidden
	switch {
	case c.role == "" && rule.anon:
		if !through {
			return "want a public route to answer anonymous callers"
		}
	case c.role == "":
		if status != http.StatusUnauthorized {
			return "want 401 for an anonymous caller"
		}
	case !slices.Contains(rule.roles, c.role):
		if !denied {
			return "want 403 or 404 for a role without access"
		}
	case rule.scoped && c.foreign:
		if !denied {
			return "want 403 or 404 for an object outside the caller's scope"
		}
	default:
		if !through {
			return "want an allowed role in scope to get through"
		}
	}
	return ""
}

// matrixUsers are one account per role in Lucknow, and the scoped roles
// again in Agra (district 118).
func matrixUsers(j *jurisdiction.Service) []auth.DemoUser {
	return nil // accounts are made per caller in matrixCallers
}

func matrixCallers(t *testing.T, srv *apitest.Server) []caller {
	t.Helper()
	ctx := context.Background()
	j := jurisdiction.New(srv.Pool)
	lko, agra := int64(162), int64(118)
	ahtuLKO, err := j.AHTUForDistrict(ctx, int(lko))
	if err != nil {
		t.Fatal(err)
	}
	ahtuAgra, err := j.AHTUForDistrict(ctx, int(agra))
	if err != nil {
		t.Fatal(err)
	}
	pcrLKO, err := j.PCRUnitByCode(ctx, "LKO-PCR-N")
	if err != nil {
		t.Fatal(err)
	}
	scopes := func(foreign bool) map[auth.Role]auth.Scope {
		d, st, ah := lko, "LKO-HAZ", int64(ahtuLKO.ID)
		pcr := auth.Scope{Kind: auth.ScopePCR, ID: pcrLKO.ID}
		if foreign {
			d, st, ah = agra, "AGR-TAJ", int64(ahtuAgra.ID)
			pcr = auth.Scope{Kind: auth.ScopeDistrict, ID: agra}
		}
		station := auth.Scope{Kind: auth.ScopeStation, ID: apitest.StationID(t, j, st)}
		district := auth.Scope{Kind: auth.ScopeDistrict, ID: d}
		return map[auth.Role]auth.Scope{auth.RoleECell: district, auth.RoleStation: station, auth.RoleNodal: district,
			auth.RoleSP: district, auth.RoleAHTU: {Kind: auth.ScopeAHTU, ID: ah}, auth.RolePCR: pcr,
			auth.RoleMSPAnalyst: auth.StateScope, auth.RoleMSPLegal: auth.StateScope,
			auth.RoleModerator: auth.StateScope, auth.RoleAdmin: auth.StateScope}
	}
	callers := []caller{{name: "anonymous"}}
	for _, foreign := range []bool{false, true} {
		for _, role := range auth.Roles() {
			sc := scopes(foreign)[role]
			if foreign && sc.Kind == auth.ScopeState {
				continue // state-wide roles have no outside
			}
			name := string(role)
			if foreign {
				name += "@agra"
			}
			u, err := srv.Auth.CreateUser(ctx, auth.Principal{}, auth.NewUser{Username: "mx." + strings.ReplaceAll(name, "@", "."),
				Password: "matrix-password-1", Role: role, Scope: sc})
			if err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			_, tok, err := srv.Auth.CreateToken(ctx, auth.Principal{}, u.Username, "matrix", 0)
			if err != nil {
				t.Fatal(err)
			}
			callers = append(callers, caller{name: name, role: role, foreign: foreign, token: tok})
		}
	}
	return callers
}

// seedMatrix files a complaint, a report and a tip in Lucknow (raising an
// alert and a lead through the workers) and an admin webhook.
func seedMatrix(t *testing.T, srv *apitest.Server) matrixObjects {
	t.Helper()
	ctx := context.Background()
	var o matrixObjects
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1] // Hazratganj
	body := fmt.Sprintf(`{"category":"stalking","description":"someone follows me","language":"en","lat":%f,"lon":%f,"contact":{"phone":"9123456780"}}`, lat, lon)
	var filed struct{ Code string }
	post(t, srv, "/api/v1/complaints", body, &filed)
	must(t, srv.Pool.QueryRow(ctx, `SELECT id FROM complaints WHERE code = $1`, filed.Code).Scan(&o.complaintID))
	rep, err := srv.Ingest.SubmitReport(ctx, ingest.NewReport{Category: "stalking", Text: "men stand here at night",
		Lat: &lat, Lon: &lon, HappeningNow: true, WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	o.reportCode = rep.Code
	must(t, srv.Pool.QueryRow(ctx, `SELECT id FROM reports WHERE code = $1`, rep.Code).Scan(&o.reportID))
	now := time.Now()
	if _, err := srv.Ingest.SubmitTip(ctx, ingest.NewTip{Text: "a girl was taken to the station in a white van UP 32 AB 1234",
		Places: []ingest.TipPlace{{Lat: lat, Lon: lon, Description: "Charbagh", SeenAt: &now}},
		Phones: []string{"9876543210"}, Contact: &ingest.TipContact{Phone: "9123456781"}, ConsentContact: true}); err != nil {
		t.Fatal(err)
	}
	must(t, srv.Pool.QueryRow(ctx, `SELECT id FROM tips ORDER BY id LIMIT 1`).Scan(&o.tipID))
	deadline := time.Now().Add(15 * time.Second)
	for o.alertID == 0 || o.leadID == 0 {
		_ = srv.Pool.QueryRow(ctx, `SELECT coalesce(min(id), 0) FROM alerts`).Scan(&o.alertID)
		_ = srv.Pool.QueryRow(ctx, `SELECT coalesce(min(id), 0) FROM leads`).Scan(&o.leadID)
		if time.Now().After(deadline) {
			t.Fatalf("workers raised alert %d, lead %d in 15 s", o.alertID, o.leadID)
		}
		time.Sleep(100 * time.Millisecond)
	}
	o.webhookID, o.deliveryID, o.callTaskID = 999_999, 999_999, 999_999
	must(t, srv.Pool.QueryRow(ctx, `SELECT id FROM users ORDER BY id LIMIT 1`).Scan(&o.userID))
	seedSupervision(t, srv, o)
	return o
}

// seedSupervision adds the first direction (to the station of the Lucknow
// complaint) and the first transfer request (of a complaint in Agra, to
// Lucknow): id 1 of a fresh database, which fillPath's default "1" names.
func seedSupervision(t *testing.T, srv *apitest.Server, o matrixObjects) {
	t.Helper()
	ctx := context.Background()
	var filed struct{ Code string }
	post(t, srv, "/api/v1/complaints", `{"category":"stalking","description":"someone follows me","language":"en","lat":27.1751,"lon":78.0421}`, &filed)
	_, err := srv.Pool.Exec(ctx, `INSERT INTO complaint_directions (complaint_id, issued_by, issuer_role, to_role, body, created_at)
		VALUES ($1, $2, 'msp_analyst', 'station', 'matrix direction', now())`, o.complaintID, o.userID)
	must(t, err)
	_, err = srv.Pool.Exec(ctx, `INSERT INTO complaint_transfers (complaint_id, from_station_id, from_district_id,
		to_district_id, requested_by, requester_role, reason, state, created_at)
		SELECT id, station_id, district_id, 162, $2, 'nodal', 'matrix request', 'requested', now() FROM complaints WHERE code = $1`,
		filed.Code, o.userID)
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func post(t *testing.T, srv *apitest.Server, path, body string, out any) {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
}

// fillPath substitutes route parameters with the seeded objects.
func fillPath(path string, o matrixObjects) string {
	id := func(n int64) string { return fmt.Sprint(n) }
	var out []string
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") {
			out = append(out, p)
			continue
		}
		prev := ""
		if i > 0 {
			prev = parts[i-1]
		}
		switch {
		case p == ":id" && prev == "complaints":
			p = id(o.complaintID)
		case p == ":id" && prev == "reports":
			p = id(o.reportID)
		case p == ":id" && prev == "tips":
			p = id(o.tipID)
		case p == ":id" && prev == "alerts":
			p = id(o.alertID)
		case p == ":id" && prev == "leads":
			p = id(o.leadID)
		case p == ":id" && prev == "webhooks":
			p = id(o.webhookID)
		case p == ":id" && prev == "deliveries":
			p = id(o.deliveryID)
		case p == ":id" && prev == "call-tasks":
			p = id(o.callTaskID)
		case p == ":id" && prev == "users":
			p = id(o.userID)
		case p == ":code":
			p = o.reportCode
		case p == ":n":
			p = "1"
		case p == ":layer":
			p = "hotspots"
		case p == ":z":
			p = "12"
		case p == ":x":
			p = "2930"
		case p == ":y":
			p = "1719.mvt"
		case p == ":file":
			p = "1.json"
		default:
			p = "1"
		}
		out = append(out, p)
	}
	return strings.Join(out, "/")
}

// callRoute sends one request as token ("" for anonymous) with payload (a
// JSON body, {} when empty) and returns its status. The stream route is cut
// off once its headers arrive.
func callRoute(t *testing.T, srv *apitest.Server, method, path, payload, token string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var body []byte
	if method != http.MethodGet && method != http.MethodHead {
		if payload == "" {
			payload = `{}`
		}
		body = []byte(payload)
	}
	resp, err := http.DefaultClient.Do(bearerRequest(ctx, t, srv, method, path, token, body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if !strings.HasSuffix(path, "/stream") {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode
}

// bearerRequest builds a request to srv with body as JSON (when it is not
// nil) and token as a bearer token (when it is set).
func bearerRequest(ctx context.Context, t *testing.T, srv *apitest.Server, method, path, token string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// session is a browser login: its cookies and CSRF token.
type session struct {
	cookies    []*http.Cookie
	csrf       string
	restricted bool
}

// cookieLogin logs username in with a password and returns the session.
func cookieLogin(t *testing.T, srv *apitest.Server, username string, want int) session {
	t.Helper()
	resp, err := http.Post(srv.URL+"/api/v1/session", "application/json",
		strings.NewReader(`{"username":"`+username+`","password":"matrix-password-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		CSRFToken  string `json:"csrf_token"`
		Restricted bool   `json:"totp_enrolment_required"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != want {
		t.Fatalf("login %s: %d, %v", username, resp.StatusCode, err)
	}
	return session{cookies: resp.Cookies(), csrf: out.CSRFToken, restricted: out.Restricted}
}

// checkCookieAccess checks two things a browser session must never get
// around: every unsafe route refuses a session cookie without its CSRF
// token (403 csrf_token), and an enrol-only session is anonymous everywhere
// but on the enrolment routes.
func checkCookieAccess(t *testing.T, srv *apitest.Server, key string, rule access, path string, station, enrolOnly session) {
	t.Helper()
	method, _, _ := strings.Cut(key, " ")
	exempt := key == "POST /api/v1/session" || key == "POST /api/v1/session/totp"
	if method != http.MethodGet && !exempt {
		status, body, _ := cookieCall(t, srv, method, path, matrixBodies[key], station, false)
		if status != http.StatusForbidden || !strings.Contains(body, `"csrf_token"`) {
			t.Errorf("%s with a session cookie and no CSRF token: %d %s, want 403 csrf_token", key, status, body)
		}
	}
	enrolRoute := map[string]bool{"GET /api/v1/me": true, "POST /api/v1/me/totp": true,
		"POST /api/v1/me/totp/confirm": true}[key]
	if rule.anon || enrolRoute || strings.HasSuffix(key, "/stream") || key == "DELETE /api/v1/session" {
		return
	}
	if status, body, _ := cookieCall(t, srv, method, path, matrixBodies[key], enrolOnly, true); status != http.StatusUnauthorized {
		t.Errorf("%s with an enrol-only session: %d %s, want 401", key, status, body)
	}
}

// cookieCall sends a JSON request (payload, {} when empty, unless the
// method is GET) with the cookies of s, and its CSRF token when withCSRF. It
// returns the status, the body and the cookies the reply sets.
func cookieCall(t *testing.T, srv *apitest.Server, method, path, payload string, s session, withCSRF bool) (int, string, []*http.Cookie) {
	t.Helper()
	var body io.Reader
	if method != http.MethodGet {
		if payload == "" {
			payload = `{}`
		}
		body = strings.NewReader(payload)
	}
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if withCSRF {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), resp.Cookies()
}
