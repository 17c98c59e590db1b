package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/testkit"
)

func TestReportExportIsScopedAndAudited(t *testing.T) {
	t.Parallel()
	b := setupIngest(t)
	file := func(at [2]float64, text string) string {
		t.Helper()
		rec := b.do(http.MethodPost, "/api/v1/reports", fmt.Sprintf(`{"category":"stalking","lat":%f,"lon":%f,"text":%q}`,
			at[0], at[1], text), "")
		if rec.Code != http.StatusCreated {
			t.Fatalf("report: %d %s", rec.Code, rec.Body)
		}
		return decode[receiptBody](t, rec).Code
	}
	lko := file(testkit.Lucknow, "=HYPERLINK(\"http://x\")")
	file(testkit.Lucknow, "second one near the market")
	file(testkit.Agra, "near the fort")
	var station int64
	if err := b.db.QueryRow(b.ctx, `SELECT station_id FROM reports WHERE code = $1`, lko).Scan(&station); err != nil {
		t.Fatal(err)
	}
	csvRows := func(token, query string) (int, [][]string) {
		t.Helper()
		rec := b.do(http.MethodGet, "/api/v1/staff/reports/export.csv"+query, "", token)
		if rec.Code != http.StatusOK {
			return rec.Code, nil
		}
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rec.Code, rows[1:]
	}
	for name, tc := range map[string]struct {
		role  auth.Role
		scope auth.Scope
		want  int
	}{
		"ModeratorState":   {auth.RoleModerator, auth.StateScope, 3},
		"NodalLucknow":     {auth.RoleNodal, auth.Scope{Kind: auth.ScopeDistrict, ID: 162}, 2},
		"SPAgra":           {auth.RoleSP, auth.Scope{Kind: auth.ScopeDistrict, ID: 118}, 1},
		"StationOwn":       {auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: station}, 2},
		"PCRDistrictAgra":  {auth.RolePCR, auth.Scope{Kind: auth.ScopeDistrict, ID: 118}, 1},
		"AdminState":       {auth.RoleAdmin, auth.StateScope, 3},
		"StationElsewhere": {auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: stationIDOf(t, b, "AGR-TAJ")}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			status, rows := csvRows(b.token(t, tc.role, tc.scope), "")
			if status != 200 || len(rows) != tc.want {
				t.Fatalf("status %d, %d rows, want %d", status, len(rows), tc.want)
			}
		})
	}
	t.Run("Refused", func(t *testing.T) {
		if status, _ := csvRows(b.token(t, auth.RoleMSPAnalyst, auth.StateScope), ""); status != http.StatusForbidden {
			t.Errorf("MSP analyst: %d", status)
		}
		if status, _ := csvRows("", ""); status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", status)
		}
	})
	mod := b.token(t, auth.RoleModerator, auth.StateScope)
	t.Run("FiltersAndFormulaCells", func(t *testing.T) {
		_, rows := csvRows(mod, "?category=stalking&status=pending")
		if len(rows) != 3 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			if r[1] == lko && r[6] != `'=HYPERLINK("http://x")` {
				t.Errorf("formula cell exported as %q", r[6])
			}
		}
		if _, rows := csvRows(mod, "?status=approved"); len(rows) != 0 {
			t.Errorf("status=approved: %d rows", len(rows))
		}
		if status, _ := csvRows(mod, "?status=bogus"); status != http.StatusUnprocessableEntity {
			t.Errorf("bad status: %d", status)
		}
	})
	t.Run("GeoJSON", func(t *testing.T) {
		rec := b.do(http.MethodGet, "/api/v1/staff/reports/export.geojson", "", mod)
		var fc struct {
			Features []struct {
				Geometry struct {
					Type        string    `json:"type"`
					Coordinates []float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &fc) != nil || len(fc.Features) != 3 ||
			fc.Features[0].Geometry.Type != "Point" {
			t.Fatalf("geojson: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("EveryExportIsAuditedWithoutContent", func(t *testing.T) {
		n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'report.exported'`)
		if n != 10 { // 7 scoped exports, 2 filtered CSVs and the GeoJSON; refused ones write nothing
			t.Errorf("%d export audit entries, want 10", n)
		}
		if b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'report.exported' AND detail::text LIKE '%market%'`) != 0 {
			t.Error("an export's audit entry holds report text")
		}
		if b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'report.exported' AND detail->>'format' = 'geojson'
			AND detail->>'scope' = 'state'`) != 1 {
			t.Error("the GeoJSON export's entry lacks its format or scope")
		}
	})
}
