package deploy

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// victimMetrics are the signals the rules and the dashboard must both
// watch (issue #19, "Monitoring that ships").
var victimMetrics = []string{
	"vikalp_complaints_atr_overdue", "vikalp_alerts_unacknowledged_oldest_age_seconds",
	"vikalp_jobs_oldest_available_age_seconds", "vikalp_sms_outbox_last_24h",
	"vikalp_analysis_last_finished_timestamp_seconds", "vikalp_audit_checkpoint_last_timestamp_seconds",
	"vikalp_http_requests_total",
}

// TestMonitoringUsesExportedMetrics parses deploy/prometheus/rules.yml with
// Prometheus's own rule-file parser (which also parses every expression and
// annotation template) and every query of deploy/grafana/vikalp.json with
// its PromQL parser, and checks that every metric they name is exported by
// a real `vikalp serve` on its VIKALP_METRICS_ADDR.
func TestMonitoringUsesExportedMetrics(t *testing.T) {
	exported := scrapeServer(t)
	promql := parser.NewParser(parser.Options{})

	t.Run("Rules", func(t *testing.T) {
		groups, errs := rulefmt.ParseFile("prometheus/rules.yml", false, model.UTF8Validation, promql, slog.New(slog.DiscardHandler))
		if len(errs) > 0 {
			t.Fatalf("rulefmt: %v", errs)
		}
		var used []string
		n := 0
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				n++
				if r.Alert == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
					t.Errorf("rule %q in %s needs an alert name, a severity label and a summary", r.Alert, g.Name)
				}
				used = append(used, metricNames(t, promql, r.Alert, r.Expr)...)
			}
		}
		if n < 10 {
			t.Errorf("only %d rules", n)
		}
		checkNames(t, used, exported)
	})

	t.Run("Dashboard", func(t *testing.T) {
		b, err := os.ReadFile("grafana/vikalp.json")
		if err != nil {
			t.Fatal(err)
		}
		var dash any
		if err := json.Unmarshal(b, &dash); err != nil {
			t.Fatalf("grafana/vikalp.json: %v", err)
		}
		exprs := collectExprs(dash)
		if len(exprs) < 10 {
			t.Fatalf("only %d queries in the dashboard", len(exprs))
		}
		var used []string
		for _, e := range exprs {
			used = append(used, metricNames(t, promql, "dashboard", e)...)
		}
		checkNames(t, used, exported)
	})
}

// checkNames fails for a used metric the server does not export, and for a
// victim signal that is not used.
func checkNames(t *testing.T, used []string, exported map[string]bool) {
	t.Helper()
	for _, name := range used {
		if !exported[name] {
			t.Errorf("%s is not exported by vikalp serve", name)
		}
	}
	for _, name := range victimMetrics {
		if !slices.Contains(used, name) {
			t.Errorf("nothing watches %s", name)
		}
	}
}

// metricNames parses expr and returns the metric name of every selector;
// a selector without a name is an error (it would match anything).
func metricNames(t *testing.T, p parser.Parser, where, expr string) []string {
	t.Helper()
	e, err := p.ParseExpr(expr)
	if err != nil {
		t.Errorf("%s: %q: %v", where, expr, err)
		return nil
	}
	var names []string
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == model.MetricNameLabel && m.Type.String() == "=" {
				name = m.Value
			}
		}
		if name == "" {
			t.Errorf("%s: a selector without a metric name in %q", where, expr)
		}
		names = append(names, name)
		return nil
	})
	return names
}

// collectExprs returns every "expr" string in a Grafana dashboard.
func collectExprs(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "expr" {
				out = append(out, s)
			} else {
				out = append(out, collectExprs(x)...)
			}
		}
	case []any:
		for _, x := range v {
			out = append(out, collectExprs(x)...)
		}
	}
	return out
}

// scrapeServer starts `vikalp serve --workers=false` on a fresh migrated
// database, sends it a few requests so the per-route HTTP series exist,
// checks that /metrics stays off the public listener, and returns the
// metric names its metrics listener exports (a histogram's _bucket, _sum
// and _count included).
func scrapeServer(t *testing.T) map[string]bool {
	t.Helper()
	bin := buildVikalp(t)
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "serve", "--workers=false")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+pgtest.URL(t), "VIKALP_DATABASE_URL=", "VIKALP_ADDR="+addr,
		"VIKALP_METRICS_ADDR="+metricsAddr, "VIKALP_MEDIA_URL=file://"+t.TempDir(), "VIKALP_ENV=development",
		"VIKALP_DATA_KEY=", "VIKALP_DATA_KEY_FILE=", "VIKALP_LOG_LEVEL=warn", "VIKALP_PPROF_ADDR=")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
		if t.Failed() {
			t.Logf("vikalp serve output:\n%s", out.String())
		}
	})
	// Wait for readiness: a state, polled until the server says so or dies.
	for status(t, "http://"+addr+"/readyz") != http.StatusOK || status(t, "http://"+metricsAddr+"/metrics") != http.StatusOK {
		select {
		case <-exited:
			t.Fatalf("vikalp serve exited before it was ready:\n%s", out.String())
		case <-time.After(50 * time.Millisecond): // a polling interval, not a deadline
		}
	}
	for _, path := range []string{"/healthz", "/api/v1/districts", "/no-such-page"} {
		status(t, "http://"+addr+path)
	}
	if body := get(t, "http://"+addr+"/metrics"); strings.Contains(body, "vikalp_ops_metrics_up") {
		t.Error("the public listener serves the operational metrics")
	}
	body := get(t, "http://"+metricsAddr+"/metrics")
	if !strings.Contains(body, "\nvikalp_ops_metrics_up 1\n") {
		t.Errorf("vikalp serve's operational metrics did not read the database:\n%s", body)
	}
	names := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			names[f[2]] = true
			if f[3] == "histogram" || f[3] == "summary" {
				names[f[2]+"_sum"], names[f[2]+"_count"] = true, true
				names[f[2]+"_bucket"] = f[3] == "histogram"
			}
		} else if line != "" && !strings.HasPrefix(line, "#") {
			names[strings.FieldsFunc(line, func(r rune) bool { return r == '{' || r == ' ' })[0]] = true
		}
	}
	for _, want := range []string{"vikalp_http_requests_total", "vikalp_http_request_duration_seconds_bucket", "go_goroutines"} {
		if !names[want] {
			t.Fatalf("the scrape has no %s: is this the server's registry?\n%s", want, body)
		}
	}
	return names
}

// status returns the status of GET url, 0 when nothing answers.
func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer collects a process's output from two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
