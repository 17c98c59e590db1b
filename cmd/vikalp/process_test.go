package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/vikalpbin"
)

// The harness for tests that run the real binary (alerts_cluster_test.go,
// backup_test.go, cluster_test.go, crash_test.go, dbrestart_test.go):
// setupDemo builds `vikalp` once for them all and seeds a database, and
// serve and work start processes on it and wait until they are ready.
// Below it are the HTTP clients these tests share.

// buildVikalp returns the binary the process tests run, built once for
// them all (each build links anew) and removed by TestMain.
func buildVikalp(t *testing.T) string { return vikalpbin.Path(t) }

func TestMain(m *testing.M) {
	code := m.Run()
	vikalpbin.Cleanup()
	os.Exit(code)
}

// demoSetup is what a process test starts from: the built binary, a
// database with the demo data, and the environment of a server on it with
// its media bucket in mediaDir.
type demoSetup struct {
	bin, dbURL, mediaDir string
	env                  []string
}

// setupDemo builds vikalp and runs `migrate` and `seed --demo` on dbURL
// with the server environment plus extraEnv: no districts file, a local
// media bucket, no public rate limit, development keys.
func setupDemo(t *testing.T, dbURL string, extraEnv ...string) *demoSetup {
	t.Helper()
	dir := t.TempDir()
	d := &demoSetup{bin: buildVikalp(t), dbURL: dbURL, mediaDir: filepath.Join(dir, "media")}
	d.env = append(os.Environ(), "DATABASE_URL="+dbURL, "VIKALP_DATABASE_URL=", "VIKALP_LOG_LEVEL=warn",
		"VIKALP_DISTRICTS_FILE="+filepath.Join(dir, "none.geojson"), "VIKALP_MEDIA_URL=file://"+d.mediaDir,
		"VIKALP_PUBLIC_RATE=off", "VIKALP_COOKIE_SECURE=false", "VIKALP_ENV=development", "VIKALP_DATA_KEY=", "VIKALP_DATA_KEY_FILE=")
	d.env = append(d.env, extraEnv...)
	for _, args := range [][]string{{"migrate"}, {"seed", "--demo"}} {
		cmd := exec.Command(d.bin, args...)
		cmd.Env = d.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("vikalp %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return d
}

// serve runs `vikalp serve --workers=<workers>` with extraEnv on a free
// port and waits until /readyz answers 200.
func (d *demoSetup) serve(t *testing.T, name string, workers bool, extraEnv ...string) *vikalpProcess {
	t.Helper()
	addr := freeAddr(t)
	p := d.process(t, name, append([]string{"VIKALP_ADDR=" + addr}, extraEnv...), "serve", "--workers="+strconv.FormatBool(workers))
	p.base = "http://" + addr
	p.ready = func() bool { return p.readyz() == http.StatusOK }
	p.start(t)
	return p
}

// work runs `vikalp work` and waits until its River client started.
func (d *demoSetup) work(t *testing.T, name string) *vikalpProcess {
	t.Helper()
	p := d.process(t, name, []string{"VIKALP_LOG_LEVEL=info"}, "work")
	p.ready = func() bool { return strings.Contains(p.output()[p.runFrom:], "Workers running") }
	p.start(t)
	return p
}

// process prepares `vikalp args...` with the setup's environment plus env.
// When the test ends it is interrupted (then killed after 10 s), and its
// output is logged if the test failed.
func (d *demoSetup) process(t *testing.T, name string, env []string, args ...string) *vikalpProcess {
	p := &vikalpProcess{name: name, bin: d.bin, args: args, env: slices.Concat(d.env, env)}
	t.Cleanup(func() {
		p.stop(os.Interrupt, 10*time.Second)
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.output())
		}
	})
	return p
}

// vikalpProcess is one `vikalp` subcommand started by a test. Started
// again after a kill, it runs with the same arguments and environment, so a
// server comes back at the same address. Its fields other than logs belong
// to the test's goroutine.
type vikalpProcess struct {
	name      string
	bin       string
	args, env []string
	base      string      // "http://addr" for serve, "" for work
	ready     func() bool // holds once the process is ready
	cmd       *exec.Cmd
	done      chan struct{} // closed when cmd exited
	runFrom   int           // where the output of the latest start begins

	mu   sync.Mutex
	logs bytes.Buffer
}

// start runs the process (again) and waits until it is ready (up to two
// minutes: a busy machine starts processes slowly), failing with its output
// if it exits first.
func (p *vikalpProcess) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = lockedWriter{&p.mu, &p.logs}, lockedWriter{&p.mu, &p.logs}
	p.mu.Lock()
	fmt.Fprintf(&p.logs, "--- start %s\n", time.Now().Format(time.RFC3339Nano))
	p.runFrom = p.logs.Len()
	p.mu.Unlock()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.cmd, p.done = cmd, done
	waitFor(t, 2*time.Minute, func() bool {
		select {
		case <-done:
			t.Fatalf("%s exited:\n%s", p.name, p.output())
		default:
		}
		return p.ready()
	})
}

// kill sends SIGKILL: no shutdown hook, no drain, connections reset.
func (p *vikalpProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill %s: %v", p.name, err)
	}
	<-p.done
}

// stop sends sig and waits up to grace for the process to exit, then
// kills it. It reports whether the process exited within grace.
func (p *vikalpProcess) stop(sig os.Signal, grace time.Duration) bool {
	if p.cmd == nil {
		return true
	}
	select {
	case <-p.done:
		return true
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return true
	case <-time.After(grace):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		return false
	}
}

// readyz returns the status of GET /readyz, 0 when there is no answer.
func (p *vikalpProcess) readyz() int {
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(p.base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// output returns what the process wrote in all its runs.
func (p *vikalpProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// openPool opens a small pool on url for the test's own checks.
func openPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	db, err := (&cli{cfg: Config{DatabaseURL: url, MaxDBConns: 4}}).pool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// freeAddr returns a loopback address with a free port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitFor polls cond every 50 ms until it holds, failing after d. These
// tests wait on state, never on a fixed sleep, and d is a generous bound
// for a busy machine (minutes where processes or jobs are involved): a test
// that passes never waits it out.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	if !eventually(d, cond) {
		t.Fatalf("condition not met within %v", d)
	}
}

// eventually polls cond every 50 ms until it holds or d has passed, and
// reports whether it held: for a caller that explains a failure itself.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// login signs a demo user in and returns the session cookie header.
func login(t *testing.T, base, username string) string {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, username, demoPassword)
	resp, err := http.Post(base+"/api/v1/session", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		data, _ := io.ReadAll(resp.Body)
		t.Fatalf("login %s: %d %s", username, resp.StatusCode, data)
	}
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// sseEvents streams base's alerts with cookie and sends each data line.
func sseEvents(t *testing.T, base, cookie string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/alerts/stream", nil)
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream: %d", resp.StatusCode)
	}
	out := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- data
			}
		}
	}()
	return out
}

// pcrBase returns the base point of a PCR unit (inside its own zone).
func pcrBase(t *testing.T, dbURL, code string) (lat, lon float64) {
	t.Helper()
	db := openPool(t, dbURL)
	if err := db.QueryRow(context.Background(), `SELECT ST_Y(geom), ST_X(geom) FROM pcr_units WHERE code = $1`, code).
		Scan(&lat, &lon); err != nil {
		t.Fatal(err)
	}
	return lat, lon
}

// postReport files a "happening now" report with a photo at lat, lon on base.
func postReport(t *testing.T, base string, lat, lon float64) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"category": "stalking", "lat": strconv.FormatFloat(lat, 'f', 6, 64),
		"lon": strconv.FormatFloat(lon, 'f', 6, 64), "happening_now": "true"} {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("photos", "p.jpg")
	_, _ = fw.Write(ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120}))
	_ = w.Close()
	postOK(t, base+"/api/v1/reports", w.FormDataContentType(), buf.Bytes())
}

// postJSON POSTs v as JSON to base+path and fails unless it is created.
func postJSON(t *testing.T, base, path string, v any) {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	postOK(t, base+path, "application/json", body)
}

// postOK POSTs body and fails the test unless the answer is 201 Created.
// It is safe to call from other goroutines than the test's (it uses Error).
func postOK(t *testing.T, url, contentType string, body []byte) {
	t.Helper()
	resp, err := http.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Errorf("post %s: %v", url, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		data, _ := io.ReadAll(resp.Body)
		t.Errorf("post %s: %d %s", url, resp.StatusCode, data)
	}
}
