package jurisdiction

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/shareddata"
)

// TestLookupsUseGISTIndexes EXPLAINs the lookup statements on the real
// districts and seeded units and checks the planner reaches for the GIST
// indexes, with sequential scans allowed: 75 districts are few rows but each
// is a large polygon, and PostGIS's costing must still prefer the index.
func TestLookupsUseGISTIndexes(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), pgtest.New(t)
	if _, err := SeedDemo(ctx, db, shareddata.File(t, "up-districts.geojson"), nil); err != nil {
		t.Fatal(err)
	}
	// Fresh statistics, as autovacuum would leave them, so the plan does not
	// depend on when it last ran.
	if _, err := db.Exec(ctx, "ANALYZE districts, police_stations, pcr_units, ahtu_districts"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		query string
		want  []string
	}{
		{"DistrictAt", districtAtSQL, []string{"districts_geom_idx"}},
		{"Route", routeSQL, []string{"districts_geom_idx", "police_stations_area_idx", "pcr_units_zone_idx", "pcr_units_geom_idx"}},
		{"PCRUnitFor", pcrUnitForSQL, []string{"districts_geom_idx", "pcr_units_zone_idx"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := db.Query(ctx, "EXPLAIN "+tt.query, 26.85, 80.95)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			plan := strings.Join(lines, "\n")
			for _, idx := range tt.want {
				if !strings.Contains(plan, idx) {
					t.Errorf("plan does not use %s:\n%s", idx, plan)
				}
			}
		})
	}
}
