package analytics

import (
	"context"
	"errors"
	"testing"

	"github.com/uber/h3-go/v4"
)

// hexRows reads the stored rows of a window and resolution by cell.
func hexRows(t *testing.T, b pipelineBundle, window string, res int) map[int64]HexStat {
	t.Helper()
	rows, err := NewHexStatStore(b.db).Hotspots(context.Background(), HotspotFilter{WindowKey: window, Resolution: res})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]HexStat{}
	for _, r := range rows {
		out[r.Cell] = r
	}
	return out
}

func countJobs(t *testing.T, b pipelineBundle, kind string) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPipelinePlantedClusters plants two clusters in uniform noise: A (a
// cell and its six neighbours) all twelve weeks, B only in the last week.
// Every planted cell must come out a 99 % hot spot at r8, B's centre a new
// emerging hot spot and A's a persistent or intensifying one, and the first
// run must alert on new significant hot spots once.
func TestPipelinePlantedClusters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(1, 10)
	ringA := city.cells[0]
	for _, c := range city.cells {
		if c.GridDistance(city.center) == 5 {
			ringA = c
			break
		}
	}
	var clusterB h3.Cell
	for _, c := range city.cells {
		if c.GridDistance(city.center) == 5 && c.GridDistance(ringA) >= 6 {
			clusterB = c
			break
		}
	}
	reports := city.noise(1, 12)
	reports = append(reports, city.plant(ringA, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)...)
	reports = append(reports, city.plant(clusterB, 30, 0)...)
	copyReports(t, b.db, reports)

	p := NewPipeline(b.db, Deps{Jobs: b.jobs})
	sum, err := p.Run(ctx, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	r8 := hexRows(t, b, "30d", 8)
	for _, centre := range []h3.Cell{ringA, clusterB} {
		for _, c := range h3.GridDisk(centre, 1) {
			if got := r8[int64(c)]; got.Bin != 3 {
				t.Errorf("planted cell %s: bin %d (z %.2f, p_fdr %.4f), want 3", c, got.Bin, got.GiZ, got.GiPFDR)
			}
		}
	}
	for c, r := range r8 {
		if r.Bin > 0 && h3.Cell(c).GridDistance(ringA) > 2 && h3.Cell(c).GridDistance(clusterB) > 2 {
			t.Errorf("cell %s far from both clusters is hot (bin %d)", h3.Cell(c), r.Bin)
		}
	}
	if got := r8[int64(clusterB)]; got.Emerging != EmergingNew || got.EmergingCold {
		t.Errorf("cluster B centre: emerging %q cold=%v, want new", got.Emerging, got.EmergingCold)
	}
	if got := r8[int64(ringA)].Emerging; got != EmergingPersistent && got != EmergingIntensifying {
		t.Errorf("cluster A centre: emerging %q, want persistent or intensifying", got)
	}
	// Coarser and finer resolutions exist, r6 included (rolled up in Go).
	for _, res := range []int{5, 6, 7, 9} {
		if len(hexRows(t, b, "30d", res)) == 0 {
			t.Errorf("no rows at r%d", res)
		}
	}
	alerts := countJobs(t, b, HotspotDetectedArgs{}.Kind())
	if alerts == 0 || alerts != sum.NewHotspots {
		t.Errorf("alerts: %d jobs, summary says %d", alerts, sum.NewHotspots)
	}
	// A second run over the same data finds nothing new to alert on.
	if _, err := p.Run(ctx, testAsOf); err != nil {
		t.Fatal(err)
	}
	if again := countJobs(t, b, HotspotDetectedArgs{}.Kind()); again != alerts {
		t.Errorf("second run added %d alerts", again-alerts)
	}
	run, err := NewAnalysisRunStore(b.db).Latest(ctx, "hotspots")
	if err != nil || run.Status != "done" || run.ID != sum.RunID+1 {
		t.Errorf("latest run %+v, err %v", run, err)
	}
}

// TestPipelineUniformNoise: with no structure, FDR-corrected bins flag at
// most the FDR rate (10 %) of cells in any window and resolution; in
// practice none.
func TestPipelineUniformNoise(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(2, 10)
	copyReports(t, b.db, city.noise(2, 12))
	if _, err := NewPipeline(b.db, Deps{Jobs: b.jobs}).Run(ctx, testAsOf); err != nil {
		t.Fatal(err)
	}
	for _, w := range DefaultWindows {
		for _, res := range []int{7, 8, 9} {
			rows := hexRows(t, b, w.Key, res)
			flagged := 0
			for _, r := range rows {
				if r.Bin != 0 {
					flagged++
				}
			}
			t.Logf("%s r%d: %d of %d cells flagged", w.Key, res, flagged, len(rows))
			if float64(flagged) > 0.10*float64(len(rows)) {
				t.Errorf("%s r%d: %d of %d cells flagged in uniform noise", w.Key, res, flagged, len(rows))
			}
		}
	}
}

// TestCellParent checks the cgo-free parent against h3 for every resolution.
func TestCellParent(t *testing.T) {
	t.Parallel()
	for _, ll := range []h3.LatLng{h3.NewLatLng(26.85, 80.95), h3.NewLatLng(28.98, 77.70), h3.NewLatLng(-33.9, 151.2)} {
		c := h3.LatLngToCell(ll, 9)
		for res := 0; res <= 9; res++ {
			if got, want := cellParent(int64(c), res), int64(c.Parent(res)); got != want {
				t.Errorf("parent of %s at r%d: %x, want %x", c, res, got, want)
			}
		}
	}
}

// TestAnalyzeWorkerRunsFollowUp: the periodic job runs the hotspot pass and
// then its follow-up (the application's lead relinking), whose error it
// returns; the hotspot run is recorded either way.
func TestAnalyzeWorkerRunsFollowUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(3, 6)
	copyReports(t, b.db, city.noise(1, 4))
	followUpErr := errors.New("follow-up failed")
	calls := 0
	w := &AnalyzeWorker{Pipeline: NewPipeline(b.db, Deps{Jobs: b.jobs}),
		Then: func(context.Context) error { calls++; return followUpErr }}
	if err := w.Work(ctx, nil); !errors.Is(err, followUpErr) || calls != 1 {
		t.Fatalf("Work: err %v after %d follow-ups, want the follow-up's error after 1", err, calls)
	}
	if run, err := NewAnalysisRunStore(b.db).Latest(ctx, "hotspots"); err != nil || run.Status != "done" {
		t.Errorf("hotspots run %+v, err %v", run, err)
	}
}
