package analytics

import (
	"context"
	"reflect"
	"testing"
)

// TestMeasureIOWritesWhatRunWrites: the input-and-output-alone run the
// bench compares a run with stores the very rows a run stores, times both
// phases, is recorded as a finished run, and alerts on nothing a run over
// the same data already alerted on.
func TestMeasureIOWritesWhatRunWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupPipeline(t)
	city := newSyntheticCity(2, 10)
	reports := city.noise(1, 12)
	reports = append(reports, city.plant(city.center, 20, 0, 1, 2)...)
	copyReports(t, b.db, reports)
	p := NewPipeline(b.db, Deps{Jobs: b.jobs})
	sum, err := p.Run(ctx, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	want := hexRows(t, b, "30d", 8)
	alerts := countJobs(t, b, HotspotDetectedArgs{}.Kind())

	times, err := p.MeasureIO(ctx, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if times.Read <= 0 || times.Write <= 0 {
		t.Errorf("times %+v: want both phases timed", times)
	}
	got := hexRows(t, b, "30d", 8)
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("%d r8 cells after MeasureIO, %d after Run", len(got), len(want))
	}
	for cell, w := range want {
		g := got[cell]
		g.RunID, w.RunID = 0, 0
		if !reflect.DeepEqual(g, w) {
			t.Errorf("cell %x: MeasureIO wrote %+v, Run %+v", cell, g, w)
			break
		}
	}
	if again := countJobs(t, b, HotspotDetectedArgs{}.Kind()); again != alerts {
		t.Errorf("MeasureIO added %d alerts to the run's %d", again-alerts, alerts)
	}
	run, err := NewAnalysisRunStore(b.db).Latest(ctx, "hotspots")
	if err != nil || run.Status != "done" || run.ID != sum.RunID+1 {
		t.Errorf("latest run %+v, err %v: want MeasureIO's, done", run, err)
	}
}
