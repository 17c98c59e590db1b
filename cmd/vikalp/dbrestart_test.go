package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDatabaseRestartDuringLoad runs `vikalp serve` on a throwaway
// PostgreSQL cluster of its own and stops that cluster (immediate mode: a
// crash, WAL recovery on start) while clients submit reports. While the
// database is down /readyz answers 503 and /healthz 200 (restart nothing,
// route nothing here); when it is back the server recovers by itself: the
// pool reconnects, River works jobs again, the alert hub LISTENs again (a
// console that stayed connected gets the next alert) and no acknowledged
// write is lost.
func TestDatabaseRestartDuringLoad(t *testing.T) {
	t.Parallel()
	pgc := startCluster(t)
	d := setupDemo(t, pgc.createDatabase(t, "vikalp"))
	srv := d.serve(t, "serve", true)
	lat, lon := pcrBase(t, d.dbURL, "LKO-PCR-N")
	events := sseEvents(t, srv.base, login(t, srv.base, "pcr.lko"))

	// Load: reports with keys, retried through the outage until answered.
	subs := make([]*submission, 0, 40)
	for i := range 40 {
		body := fmt.Sprintf(`{"category":"groping","lat":%s,"lon":%s}`, ftoa(26.70+float64(i)*0.004), ftoa(80.95))
		subs = append(subs, &submission{kind: "report_json", key: fmt.Sprintf("dbrestart-key-%06d", i), body: []byte(body),
			ctype: "application/json", path: "/api/v1/reports"})
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(subs); i += 4 {
				subs[i].sendUntilAnswered(t, srv.base, 3*time.Minute)
				time.Sleep(100 * time.Millisecond)
			}
		})
	}

	time.Sleep(400 * time.Millisecond)
	pgc.stop(t)
	waitFor(t, time.Minute, func() bool { return srv.readyz() == http.StatusServiceUnavailable })
	if code := get(t, srv.base+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz while the database is down: %d, want 200 (the process is fine)", code)
	}
	time.Sleep(time.Second)
	if code := srv.readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz while the database is down: %d, want 503", code)
	}
	pgc.start(t)
	downAt := time.Now()
	waitFor(t, 2*time.Minute, func() bool { return srv.readyz() == http.StatusOK })
	t.Logf("ready again %v after the database came back", time.Since(downAt).Round(time.Millisecond))
	wg.Wait()
	if _, retried := countReplays(subs); retried == 0 {
		t.Error("no submission met the outage; the test proves nothing")
	} else {
		t.Logf("%d of %d submissions were retried through the outage", retried, len(subs))
	}

	// The hub listens again and River works jobs again: a "happening now"
	// report reaches the console that stayed connected through the outage.
	drain(events)
	postReport(t, srv.base, lat, lon)
	select {
	case e := <-events:
		if !strings.Contains(e, `"kind":"report.happening_now"`) {
			t.Errorf("event %s", e)
		}
	case <-time.After(2 * time.Minute):
		t.Error("no alert reached the console after the database restart")
	}

	db := openPool(t, d.dbURL)
	for _, s := range subs {
		if s.saw500 {
			t.Errorf("%s got a 500 during the outage; want 503 with Retry-After", s.key)
		}
		var n int
		err := db.QueryRow(context.Background(), `SELECT count(*) FROM submission_keys k JOIN reports r ON r.id = k.entity_id
			WHERE k.key = $1 AND r.code = $2`, s.key, s.code).Scan(&n)
		if err != nil || n != 1 {
			t.Errorf("acknowledged report %s (%s): %d rows, %v", s.key, s.code, n, err)
		}
	}
}

// drain empties ch of what is already queued.
func drain(ch <-chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// get returns the status of GET url, 0 without an answer.
func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// pgCluster is a throwaway PostgreSQL cluster (initdb, pg_ctl) with its
// data directory under the test's temporary directory, on its own port,
// like scripts/devdb.sh makes .devdb/. The shared development cluster is
// never stopped by a test; this one is.
type pgCluster struct {
	bin, data, sock string
	port            int
}

// startCluster initialises and starts a cluster owned by superuser
// "vikalp" (trust authentication, loopback only), stopped when the test
// ends. Run as root, it runs as the postgres user, as devdb.sh does.
func startCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBinDir(t)
	root := t.TempDir()
	if os.Geteuid() == 0 { // the postgres user must reach the directory
		for d := root; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
	}
	c := &pgCluster{bin: bin, data: filepath.Join(root, "data"), sock: root}
	port, _ := strconv.Atoi(strings.TrimPrefix(freeAddr(t), "127.0.0.1:"))
	c.port = port
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres:postgres", root).CombinedOutput(); err != nil {
			t.Fatalf("chown cluster dir: %v\n%s", err, out)
		}
	}
	c.run(t, "initdb", "-D", c.data, "-U", "vikalp", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"+
		"fsync = off\nmax_connections = 60\nshared_buffers = 32MB\n", c.port, c.sock)
	f, err := os.OpenFile(filepath.Join(c.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(conf)
	_ = f.Close()
	c.start(t)
	t.Cleanup(func() { _ = c.command("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop").Run() })
	return c
}

// pgBinDir finds the newest PostgreSQL with initdb, as devdb.sh does.
func pgBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	if len(dirs) == 0 {
		t.Fatal("no PostgreSQL server binaries in /usr/lib/postgresql (make test installs them)")
	}
	return filepath.Dir(dirs[0])
}

func pgMajor(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// command builds a PostgreSQL tool invocation, as postgres when root.
func (c *pgCluster) command(tool string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, tool)
	if os.Geteuid() == 0 {
		cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
		cmd.Dir = "/"
		return cmd
	}
	return exec.Command(path, args...)
}

func (c *pgCluster) run(t *testing.T, tool string, args ...string) {
	t.Helper()
	if out, err := c.command(tool, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
}

// start starts the cluster and waits until it accepts connections.
func (c *pgCluster) start(t *testing.T) {
	t.Helper()
	c.run(t, "pg_ctl", "-D", c.data, "-l", filepath.Join(c.data, "server.log"), "-w", "-t", "60", "start")
}

// stop stops the cluster in immediate mode: every backend is killed, as in
// a crash, and the next start replays the WAL.
func (c *pgCluster) stop(t *testing.T) {
	t.Helper()
	c.run(t, "pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop")
}

// createDatabase creates name and returns its URL.
func (c *pgCluster) createDatabase(t *testing.T, name string) string {
	t.Helper()
	c.run(t, "createdb", "-h", c.sock, "-p", strconv.Itoa(c.port), "-U", "vikalp", name)
	return fmt.Sprintf("postgres://vikalp@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}
