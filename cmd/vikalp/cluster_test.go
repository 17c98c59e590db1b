package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
)

// TestClusterServesAndWorksAsOne runs the scale-out shape on one machine:
// two `vikalp serve --workers=false` replicas that share nothing but the
// database, and `vikalp work` processes. Submissions go to both replicas;
// mid-run one worker gets SIGTERM and (after a third one joined) another
// SIGKILL. Afterwards every submission has its jobs, every job ran once (or
// again only because the worker running it died), every happening-now
// report has one alert, every complaint its SMS, and PCR consoles on both
// replicas received every alert.
func TestClusterServesAndWorksAsOne(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// A short rescue so a SIGKILLed worker's jobs come back within the test
	// (production: job timeout 2m, rescue after 5m). River renews a leader's
	// lease every 5 s for 15 s, so work 3 becomes leader and runs its
	// rescuer's first pass (then one every 30 s) some 10–20 s after the
	// kill: 10 s is usually past by then, so the rescue costs no extra wait
	// (else the next pass takes the jobs). The job timeout, which may not
	// exceed the rescue, is 10 s as well: far above what a job here takes
	// even on a busy machine, so no live job is cancelled or rescued.
	d := setupDemo(t, pgtest.URL(t), "VIKALP_JOB_TIMEOUT=10s", "VIKALP_JOB_RESCUE_AFTER=10s")
	t.Logf("built and seeded at %v", time.Since(start))
	db := openPool(t, d.dbURL)
	before := clusterMarks(t, db)

	a := d.serve(t, "serve A", false)
	b := d.serve(t, "serve B", false)
	w1 := d.work(t, "work 1")
	leader1 := waitLeader(t, db, "")
	w2 := d.work(t, "work 2")
	consoleA := collectAlerts(t, a.base)
	consoleB := collectAlerts(t, b.base)
	t.Logf("cluster up in %v", time.Since(start))

	lat, lon := pcrBase(t, d.dbURL, "LKO-PCR-N")
	report := map[string]any{"category": "stalking", "lat": lat, "lon": lon, "happening_now": true}
	// Three batches, each spread over both replicas; every fifth submission
	// is a complaint. The worker changes happen while a batch is in flight.
	const perBatch = 24
	nReports, nComplaints := 0, 0
	batch := func(during func()) {
		var acked atomic.Int64
		var wg sync.WaitGroup
		subs := make(chan func(), perBatch)
		for i := range perBatch {
			base := []string{a.base, b.base}[i%2]
			if i%5 == 4 {
				nComplaints++
				subs <- func() { postJSON(t, base, "/api/v1/complaints", clusterComplaint) }
			} else {
				nReports++
				subs <- func() { postJSON(t, base, "/api/v1/reports", report) }
			}
		}
		close(subs)
		for range 4 {
			wg.Go(func() {
				for sub := range subs {
					sub()
					acked.Add(1)
					time.Sleep(30 * time.Millisecond)
				}
			})
		}
		waitFor(t, 2*time.Minute, func() bool { return acked.Load() >= perBatch/2 })
		during()
		wg.Wait()
	}

	// SIGTERM the leader mid-batch: it finishes its running jobs and hands over.
	// Its drain takes at most 15 s (startWorkers); a minute is for a busy machine.
	batch(func() {
		if !w1.stop(syscall.SIGTERM, time.Minute) {
			t.Error("work 1 did not stop within a minute of SIGTERM")
		}
	})
	leader2 := waitLeader(t, db, leader1)
	d.work(t, "work 3")
	// SIGKILL the new leader mid-batch: its running jobs stay "running" until
	// work 3 takes over leadership and its rescuer hands them out again.
	batch(func() { w2.stop(syscall.SIGKILL, time.Second) })
	batch(func() {})
	t.Logf("%d reports and %d complaints acknowledged at %v; leaders %s, then %s (SIGKILLed)",
		nReports, nComplaints, time.Since(start), leader1, leader2)
	leader3 := waitLeader(t, db, leader2)
	t.Logf("%s took over leadership at %v", leader3, time.Since(start))

	// Typically 10–20 s after the last batch (see the rescue above); the
	// bound is for a machine busy with other work.
	if bound := 5 * time.Minute; !eventually(bound, func() bool { return pendingJobs(t, db, before) == 0 }) {
		t.Fatalf("jobs still to run %v after the load:\n%s", bound, jobReport(t, db, before))
	}
	t.Logf("every job finished at %v", time.Since(start))
	checkClusterJobs(t, db, before, nReports, nComplaints)
	want := happeningNowAlerts(t, db, before)
	if len(want) != nReports {
		t.Errorf("%d happening-now alerts, want one per report: %d", len(want), nReports)
	}
	for name, console := range map[string]*alertConsole{"A": consoleA, "B": consoleB} {
		eventually(time.Minute, func() bool { return console.count() >= len(want) })
		if got := console.seen(); !sameIDs(got, want) {
			t.Errorf("console on replica %s saw %d raised alerts (%v), want %d", name, len(got), got, len(want))
		}
	}
}

// clusterComplaint is a complaint near Hazratganj, Lucknow, with her phone.
var clusterComplaint = map[string]any{
	"category": "stalking", "description": "a man follows me every day", "language": "en",
	"lat": 26.8505, "lon": 80.9466, "contact": map[string]string{"name": "Test Person", "phone": "9876543210"},
}

// marks are the largest ids before the test's load: everything above is
// the test's.
type marks struct{ report, complaint, job, alert, sms int64 }

func clusterMarks(t *testing.T, db *pgxpool.Pool) marks {
	t.Helper()
	var m marks
	if err := db.QueryRow(context.Background(), `SELECT
		(SELECT COALESCE(max(id), 0) FROM reports), (SELECT COALESCE(max(id), 0) FROM complaints),
		(SELECT COALESCE(max(id), 0) FROM river_job), (SELECT COALESCE(max(id), 0) FROM alerts),
		(SELECT COALESCE(max(id), 0) FROM sms_outbox)`).Scan(&m.report, &m.complaint, &m.job, &m.alert, &m.sms); err != nil {
		t.Fatal(err)
	}
	return m
}

// waitLeader waits until a River leader other than not is elected and
// returns its client id. A resigning leader hands over at once, a dead
// one's lease runs out within 15 s, and electors try every 5 s; the bound
// is for a busy machine.
func waitLeader(t *testing.T, db *pgxpool.Pool, not string) string {
	t.Helper()
	var id string
	waitFor(t, 2*time.Minute, func() bool {
		err := db.QueryRow(context.Background(), `SELECT leader_id FROM river_leader WHERE expires_at > now()`).Scan(&id)
		return err == nil && id != not
	})
	return id
}

// periodicKinds are the jobs River's leader inserts on a schedule
// (periodicJobs), not the submissions': idempotent, and any run may overlap
// the checks. One that dies with its worker is not retried (the drain and
// the sweep, whose next run follows in seconds) or is rescued only after
// its own 10-minute timeout (the analysis), so the checks leave them out.
var periodicKinds = []string{"cases.sms_drain", "cases.sla_sweep", "analytics.analyze"}

// pendingJobs counts the test's jobs that are still to run now (jobs
// scheduled for later, like SLA timers, do not count) and its SMS rows the
// periodic drain has still to send.
func pendingJobs(t *testing.T, db *pgxpool.Pool, m marks) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM river_job WHERE id > $1
		AND kind <> ALL($3)
		AND (state IN ('available', 'running', 'retryable', 'pending')
		  OR state = 'scheduled' AND scheduled_at < now() + interval '1 minute'))
		+ (SELECT count(*) FROM sms_outbox WHERE id > $2 AND status = 'queued')`, m.job, m.sms, periodicKinds).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// jobReport describes for a failure message what is still to do: the
// test's jobs that have not completed (periodic ones too, scheduled ones
// only when due within a minute) with their attempts and errors, the
// queued SMS and River's leader.
func jobReport(t *testing.T, db *pgxpool.Pool, m marks) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT format('%s #%s %s, attempt %s of %s by %s at %s, scheduled %s, errors %s',
		kind, id, state, attempt, max_attempts, COALESCE(array_to_string(attempted_by, ','), '-'),
		COALESCE(attempted_at::text, '-'), scheduled_at, COALESCE(to_jsonb(errors)::text, '[]'))
		FROM river_job WHERE id > $1 AND state <> 'completed'
		AND NOT (state = 'scheduled' AND scheduled_at >= now() + interval '1 minute') ORDER BY id LIMIT 100`, m.job)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var queued int
	var leader, now string
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM sms_outbox WHERE id > $1 AND status = 'queued'),
		COALESCE((SELECT leader_id || ' until ' || expires_at FROM river_leader), 'none'), now()::text`, m.sms).
		Scan(&queued, &leader, &now); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("at %s: %d jobs not completed:\n  %s\n%d SMS queued; leader %s",
		now, len(lines), strings.Join(lines, "\n  "), queued, leader)
}

// checkClusterJobs checks the test's jobs and their side effects.
func checkClusterJobs(t *testing.T, db *pgxpool.Pool, m marks, nReports, nComplaints int) {
	t.Helper()
	ctx := context.Background()
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM reports WHERE id > $1`, m.report); n != nReports {
		t.Errorf("%d reports stored, want %d", n, nReports)
	}
	if n := count(`SELECT count(*) FROM complaints WHERE id > $1`, m.complaint); n != nComplaints {
		t.Errorf("%d complaints stored, want %d", n, nComplaints)
	}
	// Every report's alert committed with it: raised in its transaction or,
	// should that have failed, queued there as a job.
	if n := count(`SELECT count(*) FROM reports r WHERE r.id > $1 AND r.happening_now
		AND (EXISTS (SELECT 1 FROM alerts a WHERE a.kind = 'report.happening_now' AND a.subject_id = r.id)
			OR EXISTS (SELECT 1 FROM river_job j WHERE j.id > $2 AND j.kind = 'ingest.happening_now'
				AND (j.args->>'report_id')::bigint = r.id))`, m.report, m.job); n != nReports {
		t.Errorf("%d reports have a happening-now alert or job, want %d", n, nReports)
	}
	// Every job ran once, or once more per time the worker running it died.
	var bad []string
	rows, err := db.Query(ctx, `SELECT kind || ' #' || id || ' ' || state || ' attempt ' || attempt || ' by ' ||
		COALESCE(array_to_string(attempted_by, ','), '') || ' errors ' || COALESCE(to_jsonb(errors)::text, '') FROM river_job
		WHERE id > $1 AND kind <> ALL($2)
		AND NOT (state = 'completed' AND attempt = 1 + (SELECT count(*) FROM jsonb_array_elements(to_jsonb(errors)) e
			WHERE e->>'error' = 'Stuck job rescued by JobRescuer') OR state = 'scheduled' AND attempt = 0)`, m.job, periodicKinds)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		bad = append(bad, s)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(bad) > 0 {
		t.Errorf("jobs not run exactly once: %v", bad)
	}
	if n := count(`SELECT count(*) FROM river_job WHERE id > $1 AND attempt > 1`, m.job); n > 0 {
		t.Logf("%d jobs rescued from the SIGKILLed worker and run again", n)
	}
	// Side effects: one alert per report, every SMS sent, the same messages
	// for every complaint (district officers, MSP, her), none twice.
	if n := count(`SELECT count(*) FROM (SELECT subject_id FROM alerts WHERE id > $1 AND kind = 'report.happening_now'
		GROUP BY subject_id HAVING count(*) <> 1) d`, m.alert); n != 0 {
		t.Errorf("%d reports with other than one alert", n)
	}
	// No gateway is configured: every message is held (none left queued).
	if n := count(`SELECT count(*) FROM sms_outbox WHERE id > $1 AND status <> 'held'`, m.sms); n != 0 {
		t.Errorf("%d SMS not processed (held)", n)
	}
	var perComplaint []int
	rows, err = db.Query(ctx, `SELECT count(*) FROM complaints c LEFT JOIN sms_outbox o ON o.complaint_id = c.id
		WHERE c.id > $1 GROUP BY c.id`, m.complaint)
	if err == nil {
		for rows.Next() {
			var n int
			_ = rows.Scan(&n)
			perComplaint = append(perComplaint, n)
		}
	}
	for _, n := range perComplaint {
		if n < 3 || n != perComplaint[0] {
			t.Errorf("SMS per complaint %v, want the same three or more for each", perComplaint)
			break
		}
	}
}

// happeningNowAlerts returns the ids of the test's happening-now alerts.
func happeningNowAlerts(t *testing.T, db *pgxpool.Pool, m marks) map[int64]bool {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id FROM alerts WHERE id > $1 AND kind = 'report.happening_now'`, m.alert)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		out[id] = true
	}
	return out
}

// alertConsole is a PCR officer's live alert stream on one replica.
type alertConsole struct {
	mu     sync.Mutex
	raised map[int64]int // alert id → "raised" events received
}

// collectAlerts logs pcr.lko in on base and records the alerts raised on
// its stream.
func collectAlerts(t *testing.T, base string) *alertConsole {
	t.Helper()
	c := &alertConsole{raised: map[int64]int{}}
	events := sseEvents(t, base, login(t, base, "pcr.lko"))
	go func() {
		for data := range events {
			var e struct {
				Kind    string `json:"kind"`
				AlertID int64  `json:"alert_id"`
				Alert   struct {
					Kind string `json:"kind"`
				} `json:"alert"`
			}
			if json.Unmarshal([]byte(data), &e) != nil || e.Kind != "raised" || e.Alert.Kind != "report.happening_now" {
				continue
			}
			c.mu.Lock()
			c.raised[e.AlertID]++
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *alertConsole) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.raised)
}

// seen returns the alerts received, failing their id to -id when received
// more than once.
func (c *alertConsole) seen() map[int64]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[int64]bool{}
	for id, n := range c.raised {
		if n != 1 {
			id = -id
		}
		out[id] = true
	}
	return out
}

func sameIDs(a, b map[int64]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for id := range a {
		if !b[id] {
			return false
		}
	}
	return true
}

// TestReadReplicaServesTiles starts a throwaway primary and a streaming
// replica of it (pg_basebackup -R) and a server with
// VIKALP_READ_DATABASE_URL on the replica. Public hotspot tiles and the
// hotspots API follow the replica: with its replay paused, a new analysis
// run committed on the primary stays invisible (and the cached tile stays
// valid); once replay resumes, the run invalidates the cache and shows.
// Submissions still go to the primary.
func TestReadReplicaServesTiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Now()
	primary := startCluster(t)
	d := setupDemo(t, primary.createDatabase(t, "vikalp")) // jurisdictions: reports are routed
	t.Logf("primary built and seeded at %v", time.Since(start))
	standby := startStandby(t, primary)
	t.Logf("standby ready at %v", time.Since(start))
	readURL := fmt.Sprintf("postgres://vikalp@127.0.0.1:%d/vikalp?sslmode=disable", standby.port)
	pdb, rdb := openPool(t, d.dbURL), openPool(t, readURL)
	var inRecovery bool
	if err := rdb.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&inRecovery); err != nil || !inRecovery {
		t.Fatalf("read URL is not a standby: in recovery %v, %v", inRecovery, err)
	}
	srv := d.serve(t, "serve", false, "VIKALP_READ_DATABASE_URL="+readURL)

	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	cells, err := geo.Index(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(orb.Point{lon, lat}, 12) // z12 draws r8 cells
	tileURL := fmt.Sprintf("%s/tiles/hotspots/%d/%d/%d.mvt", srv.base, tile.Z, tile.X, tile.Y)
	first, second := cells.R8, int64(0)
	for _, c := range h3.GridDisk(h3.Cell(first), 1) { // a neighbour drawn on the same tile
		if ll := c.LatLng(); int64(c) != first && maptile.At(orb.Point{ll.Lng, ll.Lat}, 12) == tile {
			second = int64(c)
			break
		}
	}

	insertHotspot(t, pdb, first)
	waitReplayed(t, pdb, rdb)
	if cs := tileCells(t, tileURL); !cs[first] {
		t.Fatalf("tile after replication has cells %v, want %x", cs, first)
	}

	if _, err := rdb.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	insertHotspot(t, pdb, second)
	time.Sleep(1500 * time.Millisecond) // past the tile service's run check interval (1 s)
	if cs := tileCells(t, tileURL); cs[second] || !cs[first] {
		t.Errorf("tile with replay paused has cells %v, want only %x: not read from the replica", cs, first)
	}
	if body := getBody(t, srv.base+"/api/v1/hotspots?window=30d&resolution=8"); strings.Contains(body,
		h3.Cell(second).String()) {
		t.Errorf("hotspots API with replay paused shows the new cell: not read from the replica")
	}
	// Writes go to the primary while the replica lags.
	var before int
	_ = pdb.QueryRow(ctx, `SELECT count(*) FROM reports`).Scan(&before)
	postJSON(t, srv.base, "/api/v1/reports", map[string]any{"category": "stalking", "lat": lat, "lon": lon})
	var after int
	_ = pdb.QueryRow(ctx, `SELECT count(*) FROM reports`).Scan(&after)
	if after != before+1 {
		t.Errorf("reports on the primary %d → %d, want one more", before, after)
	}

	if _, err := rdb.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	waitReplayed(t, pdb, rdb)
	waitFor(t, time.Minute, func() bool { return tileCells(t, tileURL)[second] })
	if !strings.Contains(getBody(t, srv.base+"/api/v1/hotspots?window=30d&resolution=8"), h3.Cell(second).String()) {
		t.Error("hotspots API misses the new cell after replay resumed")
	}
	t.Logf("done at %v", time.Since(start))
}

// startStandby clones primary with pg_basebackup -R into a new directory
// and starts it as a hot standby streaming from primary on its own port.
func startStandby(t *testing.T, primary *pgCluster) *pgCluster {
	t.Helper()
	root := t.TempDir()
	if os.Geteuid() == 0 { // the postgres user must reach and own the directory
		for d := root; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
		if out, err := exec.Command("chown", "postgres:postgres", root).CombinedOutput(); err != nil {
			t.Fatalf("chown standby dir: %v\n%s", err, out)
		}
	}
	c := &pgCluster{bin: primary.bin, data: filepath.Join(root, "data"), sock: root}
	c.port, _ = strconv.Atoi(strings.TrimPrefix(freeAddr(t), "127.0.0.1:"))
	c.run(t, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "vikalp",
		"-D", c.data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
	f, err := os.OpenFile(filepath.Join(c.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fmt.Fprintf(f, "\nport = %d\nunix_socket_directories = '%s'\nhot_standby = on\n", c.port, c.sock)
	_ = f.Close()
	c.start(t)
	t.Cleanup(func() { _ = c.command("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop").Run() })
	return c
}

// waitReplayed waits until the standby rdb has replayed everything the
// primary pdb has written so far (usually milliseconds; the bound is for a
// busy machine).
func waitReplayed(t *testing.T, pdb, rdb *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	var lsn string
	if err := pdb.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Minute, func() bool {
		var done bool
		err := rdb.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&done)
		return err == nil && done
	})
}

// insertHotspot commits, as the analytics pipeline does, a finished hotspot
// run with one public r8 cell (five distinct reports) in the 30d window.
func insertHotspot(t *testing.T, db *pgxpool.Pool, cell int64) {
	t.Helper()
	ctx := context.Background()
	var run int64
	if err := db.QueryRow(ctx, `INSERT INTO analysis_runs (kind, status, started_at, finished_at)
		VALUES ('hotspots', 'done', now(), now()) RETURNING id`).Scan(&run); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO hex_stats (window_key, resolution, cell, run_id, window_start, window_end,
		n_reports, n_distinct, score, gi_z, gi_p, gi_p_fdr, bin, emerging, district_id)
		VALUES ('30d', 8, $1, $2, now() - interval '30 days', now(), 5, 5, 5, 2.7, 0.007, 0.02, 3, 'new', NULL)`,
		cell, run); err != nil {
		t.Fatal(err)
	}
}

// tileCells fetches a public hotspot tile and returns the cells drawn.
func tileCells(t *testing.T, url string) map[int64]bool {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	out := map[int64]bool{}
	if resp.StatusCode == http.StatusNoContent {
		return out
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, data)
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	for _, l := range layers {
		for _, f := range l.Features {
			s, _ := f.Properties["cell"].(string)
			if c, err := strconv.ParseInt(s, 16, 64); err == nil {
				out[c] = true
			}
		}
	}
	return out
}

// getBody GETs url and returns the body of a 200 answer.
func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, data)
	}
	return string(data)
}
