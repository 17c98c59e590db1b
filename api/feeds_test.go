package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"testing"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/testkit"
)

// feedWorld is a server with three approved reports in one r8 cell of
// Lucknow (district 162), each in its own r9 cell, so their cell is public.
type feedWorld struct {
	srv   *apitest.Server
	mod   auth.Principal
	codes []string
}

func newFeedWorld(t *testing.T) feedWorld {
	t.Helper()
	srv := apitest.Start(t, "feed-password-1", func(*jurisdiction.Service) []auth.DemoUser { return nil })
	w := feedWorld{srv: srv, mod: testkit.User(context.Background(), t, srv.Pool, auth.RoleModerator, auth.StateScope)}
	cells, err := geo.Index(testkit.Lucknow[0], testkit.Lucknow[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, child := range h3.Cell(cells.R8).Children(9)[:3] {
		c := geo.Center(int64(child))
		w.codes = append(w.codes, w.report(t, "groping", c.Lat(), c.Lon(), true))
	}
	return w
}

// report files a report at lat, lon, approves it when approve is set, and
// returns its code.
func (w feedWorld) report(t *testing.T, category string, lat, lon float64, approve bool) string {
	t.Helper()
	ctx := context.Background()
	rec, err := w.srv.Ingest.SubmitReport(ctx, ingest.NewReport{Category: category, Lat: &lat, Lon: &lon, WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	if approve {
		must(t, w.srv.Ingest.ApproveReport(ctx, w.mod, w.id(t, rec.Code)))
	}
	return rec.Code
}

func (w feedWorld) id(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	must(t, w.srv.Pool.QueryRow(context.Background(), `SELECT id FROM reports WHERE code = $1`, code).Scan(&id))
	return id
}

// feeds fetches Lucknow's Atom and GeoJSON feeds.
func (w feedWorld) feeds(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range []string{"/api/v1/feeds/districts/162.atom", "/api/v1/feeds/districts/162.geojson"} {
		rec := serve(w.srv.Router, http.MethodGet, p, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", p, rec.Code, rec.Body)
		}
		out[p] = rec.Body.Bytes()
	}
	return out
}

func TestDistrictFeeds(t *testing.T) {
	t.Parallel()
	w := newFeedWorld(t)
	feeds := w.feeds(t)
	var atom struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(feeds["/api/v1/feeds/districts/162.atom"], &atom); err != nil || len(atom.Entries) != 3 {
		t.Fatalf("atom: %v %s", err, feeds["/api/v1/feeds/districts/162.atom"])
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry struct {
				Type string `json:"type"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	must(t, json.Unmarshal(feeds["/api/v1/feeds/districts/162.geojson"], &fc))
	if fc.Type != "FeatureCollection" || len(fc.Features) != 3 || fc.Features[0].Geometry.Type != "Polygon" ||
		fc.Features[0].Properties["resolution"] != float64(8) || fc.Features[0].Properties["kind"] != "approved" {
		t.Fatalf("geojson: %s", feeds["/api/v1/feeds/districts/162.geojson"])
	}
	if bytes.Contains(feeds["/api/v1/feeds/districts/162.geojson"], []byte("Point")) {
		t.Error("a feed carries a point")
	}
	if rec := serve(w.srv.Router, http.MethodGet, "/api/v1/feeds/districts/99999.atom", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown district: %d", rec.Code)
	}
	if rec := serve(w.srv.Router, http.MethodGet, "/api/v1/feeds/districts/162.rss", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown format: %d", rec.Code)
	}

	// A staff outcome is a public change: the feeds show it.
	must(t, w.srv.Ingest.SetOutcome(context.Background(), w.mod, w.id(t, w.codes[0]), ingest.OutcomeActionTaken,
		"patrolling_increased", "two constables posted at the gate"))
	after := w.feeds(t)
	if bytes.Equal(after["/api/v1/feeds/districts/162.atom"], feeds["/api/v1/feeds/districts/162.atom"]) ||
		!bytes.Contains(after["/api/v1/feeds/districts/162.atom"], []byte("Police patrolling increased")) {
		t.Errorf("the outcome is not in the atom feed: %s", after["/api/v1/feeds/districts/162.atom"])
	}
	if bytes.Contains(after["/api/v1/feeds/districts/162.atom"], []byte("constables")) {
		t.Error("a staff note reached the feed")
	}
}

// TestDistrictFeedNonInterference: what the public may not see (a pending
// report, a complaint, an approved report in a cell below k) changes no
// byte of either feed.
func TestDistrictFeedNonInterference(t *testing.T) {
	t.Parallel()
	w := newFeedWorld(t)
	before := w.feeds(t)
	centre := geo.Center(mustCells(t, testkit.Lucknow).R8)

	// A pending report in the public cell.
	w.report(t, "groping", centre.Lat(), centre.Lon(), false)
	// A complaint at the same place.
	body, _ := json.Marshal(map[string]any{"category": "stalking", "language": "en",
		"description": "he waits for me at this corner", "lat": centre.Lat(), "lon": centre.Lon()})
	if rec := serve(w.srv.Router, http.MethodPost, "/api/v1/complaints", bytes.NewReader(body),
		"Content-Type", "application/json"); rec.Code != http.StatusCreated {
		t.Fatalf("complaint: %d %s", rec.Code, rec.Body)
	}
	// An approved report in Lucknow district whose r8, r7 and r5 cells hold
	// fewer than k (3) approved reports.
	lone := [2]float64{26.98, 80.72}
	code := w.report(t, "groping", lone[0], lone[1], true)
	var district int
	var sameR5 bool
	must(t, w.srv.Pool.QueryRow(context.Background(), `SELECT r.district_id, r.h3_r5 = ANY(SELECT h3_r5 FROM reports
		WHERE code = ANY($2)) FROM reports r WHERE r.code = $1`, code, w.codes).Scan(&district, &sameR5))
	if district != 162 || sameR5 {
		t.Fatalf("fixture: lone report in district %d, shares the r5 cell: %v", district, sameR5)
	}
	// And a rejected one in the public cell.
	rejected := w.report(t, "groping", centre.Lat()+0.0002, centre.Lon(), false)
	must(t, w.srv.Ingest.RejectReport(context.Background(), w.mod, w.id(t, rejected), ingest.RejectSpam))

	after := w.feeds(t)
	for p := range before {
		if !bytes.Equal(before[p], after[p]) {
			t.Errorf("%s changed:\nbefore %s\nafter  %s", p, before[p], after[p])
		}
	}
}

// mustCells indexes a position.
func mustCells(t *testing.T, at [2]float64) geo.Cells {
	t.Helper()
	c, err := geo.Index(at[0], at[1])
	must(t, err)
	return c
}
