package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/testkit"
)

// The statistics non-interference tests (ARCHITECTURE §6, docs/PRIVACY.md)
// build several worlds in fresh databases: the same approved reports in
// each, and in each but the first something that some callers may not
// learn from (complaints, confidential complaints, pending and rejected
// reports). The hotspot analysis runs once per world at the same as-of
// time, and every statistics output a caller can fetch — the hotspot list
// at every window and resolution, both exports, the hotspots and heat tiles
// at every zoom over the seeded places, their TileJSON, the Open311
// positions and the forecast's priority places — must be byte-identical to the base world's for every caller
// who may not see what was added. The callers who may see it are checked to
// get a different answer, so the test cannot pass by showing nothing.

// niPlaces are the seeded places: a busy Lucknow cell (public), a quiet
// Lucknow cell (below k), an Agra cell (public) and the empty Varanasi cell
// of the attack.
var niPlaces = struct{ busy, quiet, agra, varanasi [2]float64 }{
	busy:     testkit.Lucknow,
	quiet:    [2]float64{26.8610, 80.9180},
	agra:     [2]float64{27.1767, 78.0081},
	varanasi: testkit.Varanasi,
}

// niWorld is one database with the base data, its callers and the as-of
// time its analysis ran at.
type niWorld struct {
	srv     *apitest.Server
	callers map[string]caller
}

// newNIWorld seeds the base approved reports, lets extra add what the
// world adds, and runs the hotspot analysis at asOf.
func newNIWorld(t *testing.T, asOf time.Time, extra func(*testing.T, *apitest.Server, time.Time)) niWorld {
	t.Helper()
	srv := apitest.StartWith(t, "noninterference-1", matrixUsers, apitest.Options{Workers: true})
	w := niWorld{srv: srv, callers: map[string]caller{}}
	for _, c := range matrixCallers(t, srv) {
		w.callers[c.name] = c
	}
	approved := func(at [2]float64, category string, n int) {
		for i := range n {
			niReport(t, srv, at, category, asOf.Add(-time.Duration(30+i*26)*time.Hour), "approved")
		}
	}
	// A background of one report in every r8 cell around the busy one
	// gives Gi* a study area, so that a burst of reports is significant.
	for _, c := range h3.GridDisk(niCell(niPlaces.busy), 3) {
		if c != niCell(niPlaces.busy) && c != niCell(niBurst()) {
			ll := c.LatLng()
			approved([2]float64{ll.Lat, ll.Lng}, "other", 1)
		}
	}
	approved(niPlaces.busy, "groping", 3)
	approved(niPlaces.busy, "catcalling_comments", 3)
	approved(niPlaces.quiet, "poorly_lit_area", 2)
	approved(niPlaces.agra, "stalking", 4)
	// Codes and times are drawn at random and from the clock; make the base
	// rows the same in every world so that only what a world adds differs.
	if _, err := srv.Pool.Exec(context.Background(), `UPDATE reports SET code = 'HR-BASE-' || lpad(id::text, 4, '0'),
		received_at = $1::timestamptz - (id || ' hours')::interval, moderated_at = $1`, asOf.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if extra != nil {
		extra(t, srv, asOf)
	}
	p := analytics.NewPipeline(srv.Pool, analytics.Deps{Jobs: testkit.Jobs(t, srv.Pool)})
	if _, err := p.Run(context.Background(), asOf); err != nil {
		t.Fatalf("analysis: %v", err)
	}
	if _, err := p.Forecast(context.Background(), asOf); err != nil {
		t.Fatalf("forecast: %v", err)
	}
	return w
}

// niCell is the r8 cell of a place.
func niCell(at [2]float64) h3.Cell { return h3.LatLngToCell(h3.NewLatLng(at[0], at[1]), 8) }

// niBurst is the centre of an r8 cell two rings from the busy one, where a
// world adds a burst of reports: three in it and in each of its neighbours,
// within a few minutes.
func niBurst() [2]float64 {
	ring := h3.GridDiskDistances(niCell(niPlaces.busy), 2)[2]
	ll := ring[0].LatLng()
	return [2]float64{ll.Lat, ll.Lng}
}

// niBurstOf files the burst with status.
func niBurstOf(t *testing.T, srv *apitest.Server, asOf time.Time, status string) {
	t.Helper()
	for i, c := range h3.GridDisk(niCell(niBurst()), 1) {
		ll := c.LatLng()
		for j := range 3 {
			niReport(t, srv, [2]float64{ll.Lat, ll.Lng}, "groping",
				asOf.Add(-2*time.Hour+time.Duration(3*i+j)*10*time.Second), status)
		}
	}
}

// niReport files a report at place (a few metres off, so reports spread
// within the r9 cell) and sets its status.
func niReport(t *testing.T, srv *apitest.Server, at [2]float64, category string, when time.Time, status string) {
	t.Helper()
	lat, lon := at[0], at[1]
	rec, err := srv.Ingest.SubmitReport(context.Background(), ingest.NewReport{Category: category, Lat: &lat, Lon: &lon,
		OccurredAt: &when, WithoutPhotos: true})
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	if status != "pending" {
		if _, err := srv.Pool.Exec(context.Background(), `UPDATE reports SET status = $2, moderated_at = now(),
			reject_reason = CASE WHEN $2 = 'rejected' THEN 'not_relevant' END WHERE code = $1`, rec.Code, status); err != nil {
			t.Fatal(err)
		}
	}
}

// niComplaint files a located stalking complaint at place through the API
// and, when station is not "", moves it to that station of its district.
func niComplaint(t *testing.T, srv *apitest.Server, at [2]float64, confidential bool, station string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"category": "stalking", "language": "en",
		"description": "he waits for me at this corner", "lat": at[0], "lon": at[1], "confidential": confidential})
	status, data := call(t, srv, http.MethodPost, "/api/v1/complaints", "", body)
	if status != http.StatusCreated {
		t.Fatalf("file complaint: %d %s", status, data)
	}
	if station == "" {
		return
	}
	var filed struct{ Code string }
	must(t, json.Unmarshal(data, &filed))
	if _, err := srv.Pool.Exec(context.Background(), `UPDATE complaints SET station_id =
		(SELECT id FROM police_stations WHERE code = $2) WHERE code = $1`, filed.Code, station); err != nil {
		t.Fatal(err)
	}
}

// niOutputs fetches every statistics output c can ask for, keyed by path.
// Request ids (random per request) are blanked, and the test server's
// address (a random port) is replaced by one name.
func niOutputs(t *testing.T, w niWorld, c caller) map[string][]byte {
	t.Helper()
	var paths []string
	for _, win := range []string{"7d", "30d", "90d", "365d"} {
		for res := 5; res <= 9; res++ {
			q := fmt.Sprintf("?window=%s&resolution=%d", win, res)
			paths = append(paths, "/api/v1/hotspots"+q, "/api/v1/hotspots/export.csv"+q,
				"/api/v1/hotspots/export.geojson"+q)
		}
	}
	// Tiles at every zoom over the places where something is added, for
	// the shortest and the longest window.
	for _, win := range []string{"7d", "365d"} {
		for _, layer := range []string{"hotspots", "heat"} {
			paths = append(paths, fmt.Sprintf("/tiles/%s.json?window=%s", layer, win))
			for z := 4; z <= 16; z++ {
				for _, at := range [][2]float64{niPlaces.busy, niPlaces.varanasi} {
					x, y := tileOf(at[0], at[1], z)
					paths = append(paths, fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt?window=%s", layer, z, x, y, win))
				}
			}
		}
	}
	paths = append(paths, "/open311/v2/requests.json", "/open311/v2/requests.xml",
		"/api/v1/priority-places?limit=500")
	out := map[string][]byte{}
	for _, p := range paths {
		status, data := call(t, w.srv, http.MethodGet, p, c.token, nil)
		data = bytes.ReplaceAll(requestIDs.ReplaceAll(data, []byte(`"request_id":""`)), []byte(w.srv.URL), []byte("http://server"))
		out[p] = append([]byte(fmt.Sprintf("%d ", status)), data...)
	}
	return out
}

var requestIDs = regexp.MustCompile(`"request_id":"[^"]*"`)

// niDiff returns the paths whose outputs differ between a and b.
func niDiff(a, b map[string][]byte) []string {
	var diff []string
	for p, body := range a {
		if !bytes.Equal(body, b[p]) {
			diff = append(diff, p)
		}
	}
	sort.Strings(diff)
	return diff
}

// niCase is one world beside the base and who may learn from what it adds.
type niCase struct {
	name  string
	extra func(*testing.T, *apitest.Server, time.Time)
	// mayLearn names the callers allowed to see a difference; each of them
	// must see one.
	mayLearn []string
}

func TestStatisticsNonInterference(t *testing.T) {
	asOf := time.Now().Add(time.Hour).Truncate(time.Minute)
	base := newNIWorld(t, asOf, nil)
	baseOut := map[string]map[string][]byte{}
	for name, c := range base.callers {
		baseOut[name] = niOutputs(t, base, c)
	}
	baseAlerts := niHotspotAlerts(t, base)
	public := baseOut["anonymous"]
	if n := len(niCells(t, public["/api/v1/hotspots?window=7d&resolution=8"])); n != 2 {
		t.Fatalf("base world: %d public r8 cells, want the busy Lucknow cell and the Agra cell", n)
	}
	cases := []niCase{
		{name: "PendingAndRejectedReports", extra: func(t *testing.T, srv *apitest.Server, asOf time.Time) {
			niBurstOf(t, srv, asOf, "pending")
			for i := range 3 { // the quiet cell would reach k; an empty cell would appear
				niReport(t, srv, niPlaces.quiet, "groping", asOf.Add(-time.Duration(2+i)*time.Hour), "pending")
				niReport(t, srv, [2]float64{26.80, 81.00}, "stalking", asOf.Add(-time.Duration(3+i)*time.Hour), "pending")
				niReport(t, srv, niPlaces.busy, "groping", asOf.Add(-time.Duration(4+i)*time.Hour), "rejected")
			}
		}},
		{name: "ConfidentialComplaints", extra: func(t *testing.T, srv *apitest.Server, _ time.Time) {
			niComplaint(t, srv, niPlaces.busy, true, "")
			niComplaint(t, srv, niPlaces.quiet, true, "")
		}, mayLearn: []string{"msp_analyst", "msp_legal"}},
		{name: "ComplaintsOfAnotherStation", extra: func(t *testing.T, srv *apitest.Server, _ time.Time) {
			niComplaint(t, srv, niPlaces.busy, false, "LKO-GOM")
			niComplaint(t, srv, niPlaces.quiet, false, "LKO-GOM")
		}, mayLearn: []string{"nodal", "sp", "msp_analyst", "msp_legal"}},
		{name: "ComplaintsOfTheStation", extra: func(t *testing.T, srv *apitest.Server, _ time.Time) {
			niComplaint(t, srv, niPlaces.busy, false, "LKO-HAZ")
		}, mayLearn: []string{"station", "nodal", "sp", "msp_analyst", "msp_legal"}},
		{
			// The outside review's attack: two anonymous, never moderated
			// reports beside one confidential stalking complaint made an
			// empty Varanasi cell public.
			name: "VaranasiAttack", extra: func(t *testing.T, srv *apitest.Server, asOf time.Time) {
				niReport(t, srv, niPlaces.varanasi, "stalking", asOf.Add(-2*time.Hour), "pending")
				niReport(t, srv, niPlaces.varanasi, "groping", asOf.Add(-3*time.Hour), "pending")
				niComplaint(t, srv, niPlaces.varanasi, true, "")
			}, mayLearn: []string{"msp_analyst", "msp_legal"},
		},
	}
	t.Run("ApprovedBurstIsSeenByEveryone", func(t *testing.T) {
		// The control: what every caller may learn from changes every
		// caller's answer and raises an alert.
		w := newNIWorld(t, asOf, func(t *testing.T, srv *apitest.Server, asOf time.Time) {
			niBurstOf(t, srv, asOf, "approved")
		})
		for name, c := range w.callers {
			if len(niDiff(baseOut[name], niOutputs(t, w, c))) == 0 {
				t.Errorf("%s: no output changed after a burst of approved reports", name)
			}
		}
		cell := fmt.Sprint(int64(niCell(niBurst())))
		if got := niHotspotAlerts(t, w); !slices.Contains(got, cell) {
			t.Errorf("hotspot alerts %v, want one for the burst cell %s", got, cell)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newNIWorld(t, asOf, tc.extra)
			for name, c := range w.callers {
				diff := niDiff(baseOut[name], niOutputs(t, w, c))
				switch learns := slices.Contains(tc.mayLearn, name); {
				case learns && len(diff) == 0:
					t.Errorf("%s may see what %s adds, yet every output is unchanged", name, tc.name)
				case !learns && len(diff) > 0:
					t.Errorf("%s: %d outputs changed: %.5q\n  e.g. base:  %.200q\n       world: %.200q", name, len(diff),
						diff, baseOut[name][diff[0]], niOutputs(t, w, c)[diff[0]])
				}
			}
			// Police are dispatched on approved reports only.
			if got := niHotspotAlerts(t, w); !slices.Equal(got, baseAlerts) {
				t.Errorf("hotspot alerts %v, want %v as without %s", got, baseAlerts, tc.name)
			}
			if tc.name == "VaranasiAttack" {
				cell := niCell(niPlaces.varanasi).String()
				if cells := niCells(t, niOutputs(t, w, w.callers["anonymous"])["/api/v1/hotspots?window=7d&resolution=8"]); cells[cell] {
					t.Errorf("the Varanasi cell %s is public", cell)
				}
			}
		})
	}
}

// niHotspotAlerts lists the cells the world's analysis raised "new
// hotspot" alert jobs for.
func niHotspotAlerts(t *testing.T, w niWorld) []string {
	t.Helper()
	var cells []string
	must(t, w.srv.Pool.QueryRow(context.Background(), `SELECT coalesce(array_agg(args->>'cell' ORDER BY args->>'cell'), '{}')
		FROM river_job WHERE kind = 'analytics.hotspot_detected'`).Scan(&cells))
	return cells
}

// niCells decodes a recorded hotspot list into its set of cells.
func niCells(t *testing.T, rec []byte) map[string]bool {
	t.Helper()
	_, body, _ := bytes.Cut(rec, []byte(" "))
	var list struct {
		Cells []struct {
			Cell string `json:"cell"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("hotspot list %q: %v", rec, err)
	}
	out := map[string]bool{}
	for _, c := range list.Cells {
		out[c.Cell] = true
	}
	return out
}

// TestStatsViewOf pins the one rule: who gets which pool.
func TestStatsViewOf(t *testing.T) {
	t.Parallel()
	if v := analytics.StatsViewOf(nil); !v.Public || v.Complaints != nil {
		t.Errorf("anonymous: %+v", v)
	}
	district := auth.Scope{Kind: auth.ScopeDistrict, ID: 162}
	for role, want := range map[auth.Role]struct{ complaints, confidential bool }{
		auth.RoleStation: {true, false}, auth.RoleNodal: {true, false}, auth.RoleSP: {true, false},
		auth.RoleMSPAnalyst: {true, true}, auth.RoleMSPLegal: {true, true}, auth.RoleModerator: {},
		auth.RolePCR: {}, auth.RoleAHTU: {}, auth.RoleECell: {}, auth.RoleAdmin: {},
	} {
		scope := district
		switch role {
		case auth.RoleStation:
			scope = auth.Scope{Kind: auth.ScopeStation, ID: 1}
		case auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleModerator, auth.RoleAdmin:
			scope = auth.StateScope
		case auth.RoleAHTU:
			scope = auth.Scope{Kind: auth.ScopeAHTU, ID: 1}
		case auth.RolePCR:
			scope = auth.Scope{Kind: auth.ScopePCR, ID: 1}
		}
		v := analytics.StatsViewOf(&auth.Principal{Role: role, Scope: scope})
		if v.Public || (v.Complaints != nil) != want.complaints ||
			(v.Complaints != nil && v.Complaints.Confidential != want.confidential) {
			t.Errorf("%s: %+v, want complaints %v confidential %v", role, v, want.complaints, want.confidential)
		}
	}
}
