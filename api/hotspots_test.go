package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
)

// hotspotCells are the stored fixture cells: two public r8 cells in
// Lucknow (162), one Lucknow cell with too few reports for the public, one
// Meerut (163) cell, and an r9 cell.
type hotspotFixture struct {
	hot, cold, sparse, meerut, fine h3.Cell
}

func setupHotspots(t *testing.T) (*ingestBundle, hotspotFixture) {
	t.Helper()
	b := &ingestBundle{fixture: newFixture(t)}
	lucknow := h3.LatLngToCell(h3.NewLatLng(26.85, 80.95), 8)
	disk := h3.GridDisk(lucknow, 3)
	f := hotspotFixture{hot: lucknow, cold: disk[len(disk)-1], sparse: disk[len(disk)-2],
		meerut: h3.LatLngToCell(h3.NewLatLng(28.98, 77.70), 8), fine: lucknow.Children(9)[0]}
	runID, err := analytics.NewAnalysisRunStore(b.db).Start(b.ctx, "hotspots", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	row := func(c h3.Cell, district, distinct, bin int, z float64, emerging analytics.EmergingClass) analytics.HexStat {
		return analytics.HexStat{WindowKey: "30d", Resolution: c.Resolution(), Cell: int64(c), RunID: runID,
			WindowStart: time.Now().Add(-30 * 24 * time.Hour), WindowEnd: time.Now(), NReports: distinct + 1,
			NDistinct: distinct, Score: float64(distinct), GiZ: z, GiP: analytics.PValue(z),
			GiPFDR: analytics.PValue(z), Bin: bin, Emerging: emerging, DistrictID: district}
	}
	rows := []analytics.HexStat{row(f.hot, 162, 9, 3, 4.2, analytics.EmergingNew), row(f.cold, 162, 3, -2, -2.1, ""),
		row(f.sparse, 162, 1, 0, 0.3, ""), row(f.meerut, 163, 5, 1, 1.7, ""), row(f.fine, 162, 9, 3, 3.9, "")}
	if err := analytics.NewHexStatStore(b.db).Replace(b.ctx, runID, rows, nil); err != nil {
		t.Fatal(err)
	}
	b.router = apitest.ValidateContract(t, apitest.Router(t, apitest.Deps(t, b.db, apitest.Options{})))
	return b, f
}

// hotspotCells decodes a list response into its cell ids.
func hotspotCells(t *testing.T, rec *httptest.ResponseRecorder) map[string]map[string]any {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var body struct {
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, c := range body.Cells {
		out[c["cell"].(string)] = c
	}
	return out
}

func TestHotspotsOverHTTP(t *testing.T) {
	t.Parallel()
	b, f := setupHotspots(t)
	lucknowSP := b.token(t, auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: 162})
	msp := b.token(t, auth.RoleMSPAnalyst, auth.StateScope)

	t.Run("PublicIsKAnonymous", func(t *testing.T) {
		cells := hotspotCells(t, b.do(http.MethodGet, "/api/v1/hotspots?window=30d&resolution=8", "", ""))
		if len(cells) != 3 || cells[f.hot.String()] == nil || cells[f.sparse.String()] != nil {
			t.Errorf("public cells %v", cells)
		}
		hot := cells[f.hot.String()]
		if _, leaked := hot["n_complaints"]; leaked || hot["geometry"].(map[string]any)["type"] != "Polygon" {
			t.Errorf("public cell %v", hot)
		}
		if rec := b.do(http.MethodGet, "/api/v1/hotspots?resolution=9", "", ""); rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("public r9: %d, want 4xx", rec.Code)
		}
	})
	t.Run("StaffScope", func(t *testing.T) {
		cells := hotspotCells(t, b.do(http.MethodGet, "/api/v1/hotspots", "", lucknowSP))
		if len(cells) != 3 || cells[f.sparse.String()] == nil || cells[f.meerut.String()] != nil {
			t.Errorf("Lucknow SP cells %v", cells)
		}
		if other := hotspotCells(t, b.do(http.MethodGet, "/api/v1/hotspots?district=163", "", lucknowSP)); len(other) != 0 {
			t.Errorf("Lucknow SP sees Meerut: %v", other)
		}
		if all := hotspotCells(t, b.do(http.MethodGet, "/api/v1/hotspots", "", msp)); len(all) != 4 {
			t.Errorf("state analyst sees %d cells, want 4", len(all))
		}
		if fine := hotspotCells(t, b.do(http.MethodGet, "/api/v1/hotspots?resolution=9", "", lucknowSP)); len(fine) != 1 {
			t.Errorf("staff r9 cells %v", fine)
		}
	})
	t.Run("Classes", func(t *testing.T) {
		for class, want := range map[string]string{"hot": f.hot.String(), "cold": f.cold.String(), "new": f.hot.String()} {
			cells := hotspotCells(t, b.do(http.MethodGet, "/api/v1/hotspots?class="+class, "", msp))
			if len(cells) == 0 || cells[want] == nil {
				t.Errorf("class %s: %v", class, cells)
			}
		}
		if rec := b.do(http.MethodGet, "/api/v1/hotspots?class=lukewarm", "", msp); rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("bad class: %d", rec.Code)
		}
	})
	t.Run("ExportsAreStaffOnlyAndAudited", func(t *testing.T) {
		for _, path := range []string{"/api/v1/hotspots/export.csv", "/api/v1/hotspots/export.geojson"} {
			if rec := b.do(http.MethodGet, path, "", ""); rec.Code != http.StatusUnauthorized {
				t.Errorf("anonymous %s: %d, want 401", path, rec.Code)
			}
		}
		csvRec := b.do(http.MethodGet, "/api/v1/hotspots/export.csv?window=30d&resolution=8", "", lucknowSP)
		lines := strings.Split(strings.TrimSpace(csvRec.Body.String()), "\n")
		if csvRec.Code != http.StatusOK || !strings.HasPrefix(lines[0], "cell,window,resolution") || len(lines) != 4 ||
			strings.Contains(csvRec.Body.String(), f.meerut.String()) {
			t.Errorf("csv export: %d %s", csvRec.Code, csvRec.Body)
		}
		geo := b.do(http.MethodGet, "/api/v1/hotspots/export.geojson?class=hot", "", msp)
		if geo.Code != http.StatusOK || !bytes.Contains(geo.Body.Bytes(), []byte(`"FeatureCollection"`)) ||
			!bytes.Contains(geo.Body.Bytes(), []byte(f.meerut.String())) {
			t.Errorf("geojson export: %d %s", geo.Code, geo.Body)
		}
		if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'hotspots.exported'`); n != 2 {
			t.Errorf("audited exports = %d, want 2", n)
		}
	})
}
