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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/ingest/ingesttest"
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
	bin := filepath.Join(dir, "vikalp")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build vikalp: %v\n%s", err, out)
	}
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "VIKALP_DATABASE_URL=", "VIKALP_LOG_LEVEL=warn",
		"VIKALP_DISTRICTS_FILE="+filepath.Join(dir, "none.geojson"), "VIKALP_MEDIA_URL=file://"+filepath.Join(dir, "media"),
		"VIKALP_PUBLIC_RATE=off", "VIKALP_COOKIE_SECURE=false")
	seed := exec.Command(bin, "seed", "--demo")
	seed.Env = env
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	a := startReplica(t, bin, env, true)
	b := startReplica(t, bin, env, false)

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

// startReplica runs `vikalp serve` on a free port and waits until ready.
func startReplica(t *testing.T, bin string, env []string, workers bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	cmd := exec.Command(bin, "serve", "--workers="+strconv.FormatBool(workers))
	cmd.Env = append(env, "VIKALP_ADDR="+addr)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("replica %s output:\n%s", addr, logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("replica %s never became ready:\n%s", addr, logs.String())
	return ""
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
	db, err := (&app{cfg: Config{DatabaseURL: dbURL, MaxDBConns: 2}}).pool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(context.Background(), `SELECT ST_Y(geom), ST_X(geom) FROM pcr_units WHERE code = $1`, code).
		Scan(&lat, &lon); err != nil {
		t.Fatal(err)
	}
	return lat, lon
}

// postReport files a "happening now" report at lat, lon on base.
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
	resp, err := http.Post(base+"/api/v1/reports", w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		data, _ := io.ReadAll(resp.Body)
		t.Fatalf("post report: %d %s", resp.StatusCode, data)
	}
	var receipt map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&receipt)
}
