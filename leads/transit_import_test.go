package leads_test

import (
	"os"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/testkit"
)

// sharedFile opens ../shared/data/NAME beside the repository.
func sharedFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("../../shared/data/" + name)
	if err != nil {
		t.Fatalf("shared data: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestTransitImportAndLeadIndicators(t *testing.T) {
	t.Parallel()
	b := setupLeads(t)
	rep, err := leads.ImportTransit(b.ctx, b.db, sharedFile(t, "up-railway-stations.geojson"))
	if err != nil || rep.Features != 1208 || rep.Inserted+len(rep.Rejected) != 1208 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	again, err := leads.ImportTransit(b.ctx, b.db, sharedFile(t, "up-railway-stations.geojson"))
	if err != nil || again.Unchanged != rep.Inserted || again.Inserted+again.Updated != 0 {
		t.Errorf("second import: %+v %v", again, err)
	}
	if br, err := leads.ImportBorder(b.ctx, b.db, sharedFile(t, "up-nepal-border.geojson")); err != nil || br.Inserted != 2 {
		t.Fatalf("border import: %+v %v", br, err)
	}
	// Gorakhpur (≈90 km from the border) and then Nautanwa (≈5 km).
	first := b.tip(t, "two girls with an agent at Gorakhpur Jn, agent phone 9415012345", testkit.Gorakhpur)
	b.tip(t, "same agent 94150 12345 crossing at Nautanwa bus stand", [2]float64{27.4283, 83.4180})
	msp := testkit.User(b.ctx, t, b.db, auth.RoleMSPAnalyst, auth.StateScope)
	d, err := b.leads.Lead(b.ctx, msp, b.leadOf(t, first))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]leads.Indicator{}
	for _, ind := range d.Explanation {
		got[ind.Indicator] = ind
	}
	if !strings.Contains(got["transit_hubs"].TextEN, "station:GKP") || got["transit_hubs"].Points != 10 {
		t.Errorf("transit_hubs = %+v", got["transit_hubs"])
	}
	if got["near_border"].Points == 0 || got["toward_border"].Points == 0 || got["cross_district"].Points == 0 {
		t.Errorf("border and district indicators = %+v", d.Explanation)
	}
}
