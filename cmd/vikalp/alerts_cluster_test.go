package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestAlertsAcrossReplicas runs two `vikalp serve` processes on one fresh
// database: a "happening now" report POSTed to replica A (which runs the
// workers) must reach a PCR console streaming from replica B (which runs
// none) within a second. Nothing but Postgres connects the two processes.
func TestAlertsAcrossReplicas(t *testing.T) {
	t.Parallel()
	d := setupDemo(t, pgtest.URL(t))
	a := d.serve(t, "replica A", true).base
	b := d.serve(t, "replica B", false).base

	cookie := login(t, b, "pcr.lko")
	events := sseEvents(t, b, cookie)

	lat, lon := pcrBase(t, d.dbURL, "LKO-PCR-N")
	start := time.Now()
	postReport(t, a, lat, lon)
	select {
	case e := <-events:
		took := time.Since(start)
		if !strings.Contains(e, `"kind":"report.happening_now"`) {
			t.Fatalf("event %s", e)
		}
		t.Logf("report on replica A reached a console on replica B in %v", took)
		if took > time.Second {
			t.Errorf("took %v, want under a second", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no alert reached replica B")
	}
}
