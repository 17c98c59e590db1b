package main

import (
	"path/filepath"
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
	dbURL := pgtest.URL(t)
	dir := t.TempDir()
	bin := buildVikalp(t)
	env := serverEnv(dbURL, dir, filepath.Join(dir, "media"))
	runSeedDemo(t, bin, env)
	a := startServe(t, "replica A", bin, env, true).base
	b := startServe(t, "replica B", bin, env, false).base

	cookie := login(t, b, "pcr.lko")
	events := sseEvents(t, b, cookie)

	lat, lon := pcrBase(t, dbURL, "LKO-PCR-N")
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
