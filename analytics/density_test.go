package analytics

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/uber/h3-go/v4"
)

// TestDensitySurfacesIntegrate: on the default 1 km grid with a 1.5 km
// bandwidth the stored surface still integrates to the total weight (the
// quartic kernel integrates to 1; sampling it at cell centres 1.5 cells
// wide errs by a few per cent for one point and far less summed over
// points at scattered offsets), and each district's rows integrate to that
// district's weight.
func TestDensitySurfacesIntegrate(t *testing.T) {
	t.Parallel()
	l := &gridLevel{res: 9, nw: 1}
	centre := h3.LatLngToCell(h3.NewLatLng(26.85, 80.95), 9)
	want := map[int32]float64{}
	for i, c := range h3.GridDisk(centre, 12) {
		d := int32(162 + i%2)
		w := float64(1 + i%3)
		l.cells = append(l.cells, int64(c))
		l.acc = append(l.acc, cellAcc{nReports: 1, score: w})
		l.district = append(l.district, d)
		want[d] += w
	}
	h3Centres := make([]orb.Point, len(l.cells))
	for i, c := range l.cells {
		ll := h3.Cell(c).LatLng()
		h3Centres[i] = project.WGS84.ToMercator(orb.Point{ll.Lng, ll.Lat})
	}
	surf := densitySurfaces(l, h3Centres, []Window{{"30d", 30}}, DefaultDensityCell, DefaultDensityBandwidth)
	if len(surf) != 1 || surf[0].ref <= 0 {
		t.Fatalf("surfaces %+v", surf)
	}
	// The hexagons' vertex means stand in for H3's centres.
	centres, err := cellCentres(l.cells)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range l.cells {
		if got, want := centres[i], h3Centres[i]; math.Hypot(got[0]-want[0], got[1]-want[1]) > 1 {
			t.Fatalf("cell %x: vertex mean %v, centre %v", c, got, want)
		}
	}
	if again := densitySurfaces(l, centres, []Window{{"30d", 30}}, DefaultDensityCell, DefaultDensityBandwidth); len(again[0].rows) != len(surf[0].rows) {
		t.Errorf("%d rows from hexagon centres, %d from H3 centres", len(again[0].rows), len(surf[0].rows))
	}
	km2 := DefaultDensityCell * DefaultDensityCell / 1e6
	got := map[int32]float64{}
	for _, r := range surf[0].rows {
		got[r.district] += r.density * km2
	}
	for d, w := range want {
		if math.Abs(got[d]-w)/w > 0.01 {
			t.Errorf("district %d integrates to %.3f, want %.3f ±1 %%", d, got[d], w)
		}
	}
}

// TestPipelineDensity plants a cluster in light noise and checks the stored
// surface: its peak is at the cluster's grid cell, it integrates to the
// window's total weight, and density_grids describes the run's grid.
func TestPipelineDensity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(4, 8)
	var cluster h3.Cell
	for _, c := range city.cells {
		if c.GridDistance(city.center) == 4 {
			cluster = c
			break
		}
	}
	reports := city.noise(0.1, 4)
	reports = append(reports, city.plant(cluster, 20, 0, 1)...)
	copyReports(t, b.db, reports)
	sum, err := NewPipeline(b.db, Deps{Jobs: b.jobs}).Run(ctx, testAsOf)
	if err != nil {
		t.Fatal(err)
	}

	var runID int64
	var cell, bw, ref float64
	if err := b.db.QueryRow(ctx, `SELECT run_id, cell_size, bandwidth, ref_density FROM density_grids
		WHERE window_key = '30d'`).Scan(&runID, &cell, &bw, &ref); err != nil {
		t.Fatal(err)
	}
	if runID != sum.RunID || cell != DefaultDensityCell || bw != DefaultDensityBandwidth || ref <= 0 {
		t.Errorf("grid: run %d cell %v bandwidth %v ref %v (run %d)", runID, cell, bw, ref, sum.RunID)
	}
	var rows int
	if err := b.db.QueryRow(ctx, `SELECT count(*) FROM density_cells`).Scan(&rows); err != nil || rows != sum.Density {
		t.Errorf("%d density rows, summary says %d (err %v)", rows, sum.Density, err)
	}

	var px, py int
	var peak float64
	if err := b.db.QueryRow(ctx, `SELECT x, y, sum(density) FROM density_cells WHERE window_key = '30d'
		GROUP BY x, y ORDER BY 3 DESC LIMIT 1`).Scan(&px, &py, &peak); err != nil {
		t.Fatal(err)
	}
	ll := cluster.LatLng()
	c := project.WGS84.ToMercator(orb.Point{ll.Lng, ll.Lat})
	cx, cy := int(math.Floor(c[0]/cell)), int(math.Floor(c[1]/cell))
	if abs(px-cx) > 1 || abs(py-cy) > 1 {
		t.Errorf("peak at cell (%d, %d), cluster at (%d, %d)", px, py, cx, cy)
	}
	if peak < ref {
		t.Errorf("peak %.2f below the level-1 density %.2f", peak, ref)
	}

	var integral, weight float64
	if err := b.db.QueryRow(ctx, `SELECT sum(density) * $1 FROM density_cells WHERE window_key = '30d'`,
		cell*cell/1e6).Scan(&integral); err != nil {
		t.Fatal(err)
	}
	if err := b.db.QueryRow(ctx, `SELECT sum(score) FROM hex_stats WHERE window_key = '30d' AND resolution = 9`).
		Scan(&weight); err != nil {
		t.Fatal(err)
	}
	t.Logf("integral %.4f, weight %.4f, peak %.2f at (%d, %d), ref %.2f, %d rows", integral, weight, peak, px, py, ref, rows)
	if math.Abs(integral-weight)/weight > 0.01 {
		t.Errorf("surface integrates to %.2f, total weight %.2f", integral, weight)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
