package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/testkit"
)

// TestHotspotsSayWhereTheyAre checks that a public hot cell is described
// by its centre (the nearest police station with distance and direction,
// the district, a geo: URI) and that cells nobody lists (cold ones) are
// not.
func TestHotspotsSayWhereTheyAre(t *testing.T) {
	t.Parallel()
	b, f := setupHotspots(t)
	rec := b.do(http.MethodGet, "/api/v1/hotspots?window=30d&resolution=8", "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("hotspots: %d %s", rec.Code, rec.Body)
	}
	var body struct {
		Cells []struct {
			Cell  string `json:"cell"`
			Where *struct {
				TextEN        string `json:"text_en"`
				TextHI        string `json:"text_hi"`
				GeoURI        string `json:"geo_uri"`
				DistrictID    int    `json:"district_id"`
				PoliceStation *struct {
					NameEN    string `json:"name_en"`
					DistanceM int    `json:"distance_m"`
					Direction string `json:"direction"`
				} `json:"police_station"`
			} `json:"where"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range body.Cells {
		switch c.Cell {
		case f.hot.String():
			seen++
			w := c.Where
			centre := geo.Center(int64(f.hot))
			if w == nil || w.GeoURI != jurisdiction.GeoURI(centre.Lat(), centre.Lon()) || w.DistrictID != 162 {
				t.Fatalf("hot cell where = %+v, want its centre %v in Lucknow", w, centre)
			}
			if w.PoliceStation == nil || w.PoliceStation.DistanceM <= 0 ||
				!strings.Contains(w.TextEN, w.PoliceStation.NameEN) || !strings.HasSuffix(w.TextEN, "Lucknow district") ||
				!strings.HasSuffix(w.TextHI, "लखनऊ जिला") || !strings.Contains(w.TextHI, "थाना") {
				t.Errorf("hot cell described as %q / %q (%+v)", w.TextEN, w.TextHI, w.PoliceStation)
			}
		case f.cold.String():
			seen++
			if c.Where != nil {
				t.Errorf("cold cell described: %+v", c.Where)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("hot and cold cells missing from %s", rec.Body)
	}
}

// TestAlertsSayWhereTheyAre checks that a PCR console's hotspot alert says
// where it is (nearest police station, district, a geo: URI of its cell's
// centre) in the list and in the live stream, and that a lead alert, which
// has no cell, says nothing of a place.
func TestAlertsSayWhereTheyAre(t *testing.T) {
	b := setupAlerts(t, nil)
	cells, err := geo.Index(26.8581, 80.9551) // 1.2 km north-east of Hazratganj thana
	if err != nil {
		t.Fatal(err)
	}
	unit, err := alerts.PCRUnitForCell(b.ctx, b.db, cells.R8)
	if err != nil {
		t.Fatal(err)
	}
	pcr := b.token(t, auth.RolePCR, auth.Scope{Kind: auth.ScopePCR, ID: unit.ID})
	live := b.stream(t, pcr, 0)
	defer live.close()
	if _, err := b.alerts.RaiseHotspot(b.ctx, alerts.Hotspot{H3R8: cells.R8, WindowKey: "30d", Bin: 3, GiZ: 4.1,
		DistrictID: 162, RunID: 1}); err != nil {
		t.Fatal(err)
	}
	centre := geo.Center(cells.R8)
	wantURI := jurisdiction.GeoURI(centre.Lat(), centre.Lon())
	checkWhere := func(t *testing.T, where map[string]any) {
		t.Helper()
		en, _ := where["text_en"].(string)
		hi, _ := where["text_hi"].(string)
		if where["geo_uri"] != wantURI || !strings.Contains(en, " of Hazratganj police station; ") ||
			!strings.HasSuffix(en, "Lucknow district") || !strings.Contains(hi, "हजरतगंज थाना से ") {
			t.Errorf("where = %v, want Hazratganj and %s", where, wantURI)
		}
	}

	code, body := b.call(t, "GET", "/api/v1/alerts", "", pcr)
	var list struct {
		Alerts []map[string]any `json:"alerts"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.Alerts) != 1 {
		t.Fatalf("PCR list: %d %s", code, body)
	}
	where, _ := list.Alerts[0]["where"].(map[string]any)
	checkWhere(t, where)

	e, ok := live.next(t, 30*time.Second)
	var ev struct {
		Alert map[string]any `json:"alert"`
	}
	if !ok || e.kind != "raised" || json.Unmarshal([]byte(e.data), &ev) != nil {
		t.Fatalf("stream event: %+v %v", e, ok)
	}
	where, _ = ev.Alert["where"].(map[string]any)
	checkWhere(t, where)
	if strings.Contains(e.data, `"lat"`) || strings.Contains(e.data, `"lon"`) {
		t.Errorf("event data carries a point: %s", e.data)
	}

	if _, err := b.alerts.RaiseLead(b.ctx, alerts.Lead{LeadID: 5, AHTUID: 3, Score: 60, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	ahtu := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 3})
	if code, body := b.call(t, "GET", "/api/v1/alerts", "", ahtu); code != http.StatusOK ||
		!strings.Contains(string(body), `"subject_kind":"lead"`) || strings.Contains(string(body), `"where"`) {
		t.Errorf("lead alert list: %d %s", code, body)
	}
}

// TestLeadsSayWhereTheyAre checks that a lead's place is described for its
// AHTU, in the list and in the detail.
func TestLeadsSayWhereTheyAre(t *testing.T) {
	t.Parallel()
	b, leads := setupLeadAPI(t)
	places := fmt.Sprintf(`[{"lat":%f,"lon":%f,"description":"near the station"}]`, testkit.Gorakhpur[0], testkit.Gorakhpur[1])
	for _, text := range []string{"two girls taken in a van, call +91-9839011234", "the van man +91 98390 11234 again"} {
		if rec := b.post(t, "/api/v1/tips", upload{fields: map[string]string{"text": text, "places": places}}, ""); rec.Code != http.StatusCreated {
			t.Fatalf("submit tip: %d %s", rec.Code, rec.Body)
		}
	}
	if _, err := leads.Run(b.ctx); err != nil {
		t.Fatal(err)
	}
	var lead, ahtu int64
	if err := b.db.QueryRow(b.ctx, `SELECT id, ahtu_id FROM leads WHERE tip_count = 2`).Scan(&lead, &ahtu); err != nil {
		t.Fatal(err)
	}
	own := b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: ahtu})
	var one struct {
		Where *struct {
			TextEN string `json:"text_en"`
			GeoURI string `json:"geo_uri"`
		} `json:"where"`
	}
	var list struct {
		Leads []json.RawMessage `json:"leads"`
	}
	rec := b.do(http.MethodGet, "/api/v1/leads", "", own)
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &list) != nil || len(list.Leads) == 0 {
		t.Fatalf("AHTU list: %d %s", rec.Code, rec.Body)
	}
	for what, body := range map[string][]byte{"list": list.Leads[0],
		"detail": b.do(http.MethodGet, fmt.Sprintf("/api/v1/leads/%d", lead), "", own).Body.Bytes()} {
		one.Where = nil
		if err := json.Unmarshal(body, &one); err != nil || one.Where == nil {
			t.Fatalf("%s: no where in %s", what, body)
		}
		if !strings.Contains(one.Where.TextEN, "police station") || !strings.HasSuffix(one.Where.TextEN, "Gorakhpur district") ||
			!strings.HasPrefix(one.Where.GeoURI, "geo:26.7") {
			t.Errorf("%s: where = %+v", what, one.Where)
		}
	}
}
