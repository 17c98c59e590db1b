package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vikalp/vikalp/ingest/ingesttest"
)

// Helpers for tests that run the real binary as several processes on one
// database (alerts_cluster_test.go, cluster_test.go). crash_test.go holds
// the building blocks they share: buildVikalp, serverEnv, seedDemo,
// openPool, freeAddr and waitFor.

// vikalpProcess is one `vikalp` subcommand started by a test. It is
// interrupted (then killed after 10 s) when the test ends, and its output
// is logged when the test failed.
type vikalpProcess struct {
	name string
	base string // "http://addr" for serve, "" for work
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
}

// startProcess runs bin with args and env and returns at once.
func startProcess(t *testing.T, name, bin string, env []string, args ...string) *vikalpProcess {
	t.Helper()
	p := &vikalpProcess{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout = lockedWriter{&p.mu, &p.logs}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.logs}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(os.Interrupt, 10*time.Second)
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.output())
		}
	})
	return p
}

// startServe runs `vikalp serve --workers=<workers>` on a free port and
// waits until /readyz answers 200.
func startServe(t *testing.T, name, bin string, env []string, workers bool) *vikalpProcess {
	t.Helper()
	addr := freeAddr(t)
	p := startProcess(t, name, bin, append(env, "VIKALP_ADDR="+addr), "serve", "--workers="+strconv.FormatBool(workers))
	p.base = "http://" + addr
	p.waitFor(t, 30*time.Second, func() bool {
		resp, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return p
}

// startWork runs `vikalp work` and waits until its River client started.
func startWork(t *testing.T, name, bin string, env []string) *vikalpProcess {
	t.Helper()
	p := startProcess(t, name, bin, append(env, "VIKALP_LOG_LEVEL=info"), "work")
	p.waitFor(t, 30*time.Second, func() bool { return strings.Contains(p.output(), "Workers running") })
	return p
}

// waitFor is waitFor that also fails, with the output, when p exits first.
func (p *vikalpProcess) waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	waitFor(t, d, func() bool {
		select {
		case <-p.done:
			t.Fatalf("%s exited:\n%s", p.name, p.output())
		default:
		}
		return cond()
	})
}

// stop sends sig and waits up to grace for the process to exit, then
// kills it. It reports whether the process exited within grace.
func (p *vikalpProcess) stop(sig os.Signal, grace time.Duration) bool {
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

func (p *vikalpProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
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
