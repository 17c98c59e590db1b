package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/alerts"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/internal/loadgen"
)

func newBenchAlertsCmd() *cobra.Command {
	var f benchFlags
	var probes int
	var gap time.Duration
	var database string
	cmd := &cobra.Command{
		Use:   "alerts --header 'Authorization: Bearer …'",
		Short: "Measure report → console alert latency under report load",
		Long: `bench alerts measures how long a "happening now" report takes to reach a live
console: it opens the alert stream (GET /api/v1/alerts/stream) with the
given credentials (a staff token that sees the alerts, e.g. admin or the PCR
unit's), runs a background load of ordinary JSON reports with --concurrency
clients, and meanwhile sends --probes happening-now reports one at a time
(--gap apart), timing each from the start of its POST to the arrival of its
"raised" event on the stream. It prints the load's throughput and the probe
latency percentiles. Run the server with VIKALP_PUBLIC_RATE=off and with
workers (alerts are raised by a background job).

With --database (the server's database URL) it also LISTENs on the alert
events' channel, whose notification PostgreSQL delivers when the event's
transaction commits, and splits each probe's latency there: report → commit
(the POST, the job that raises the alert, its commit) and commit → console
(the notification, the server's read of the event, the SSE write). Both
parts are timed on this machine's clock; the split point is when this
process received the notification, within a millisecond of the commit on
the same host.

Example:
  vikalp bench alerts --header "Authorization: Bearer $(vikalp user token create --username admin --name bench)" \
      --probes 200 --concurrency 16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runAlerts(cmd, probes, gap, database)
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&probes, "probes", 200, "happening-now reports to time")
	cmd.Flags().DurationVar(&gap, "gap", 50*time.Millisecond, "pause between probes")
	cmd.Flags().StringVar(&database, "database", "", "database URL: also time commit → console (LISTEN on the alert channel)")
	return cmd
}

// runAlerts runs the background load and the probes.
func (f *benchFlags) runAlerts(cmd *cobra.Command, probes int, gap time.Duration, database string) error {
	header, err := parseHeaders(f.headers)
	if err != nil {
		return err
	}
	lat, lon, err := parseLatLon(f.center)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(f.base, "/")
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	var commits *commitTimes
	if database != "" {
		if commits, err = listenCommits(ctx, database); err != nil {
			return err
		}
	}
	raised, err := openAlertStream(ctx, base, header)
	if err != nil {
		return err
	}

	loadDone := make(chan loadgen.Report, 1)
	go func() {
		rep, _ := loadgen.Run(ctx, loadgen.Config{Targets: []loadgen.Target{jsonReportTarget(base, lat, lon, f.radiusKM)},
			Duration: 24 * time.Hour, Concurrency: f.concurrency})
		loadDone <- rep
	}()
	time.Sleep(time.Second) // let the load reach its pace

	rng := rand.New(rand.NewPCG(99, 1))
	client := &http.Client{Timeout: 10 * time.Second}
	var latencies, toConsole []time.Duration
	missed := 0
	for i := range probes {
		pLat, pLon := jitterKM(rng, lat, lon, f.radiusKM)
		body, _ := json.Marshal(map[string]any{"category": "groping", "lat": pLat, "lon": pLon, "happening_now": true})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/reports", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("probe-%d-%d", time.Now().UnixNano(), i))
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("probe %d: %w", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("probe %d: status %d", i, resp.StatusCode)
		}
		select {
		case e := <-raised:
			latencies = append(latencies, e.at.Sub(start))
			if at, ok := commits.of(e.pos); ok {
				toConsole = append(toConsole, e.at.Sub(at))
			}
		case <-time.After(5 * time.Second):
			missed++
		}
		time.Sleep(gap)
	}
	cancel()
	load := <-loadDone
	out := cmd.OutOrStdout()
	fmt.Fprintln(out, "background load (JSON reports):")
	load.Write(out)
	if len(latencies) == 0 {
		return errors.New("no probe alert arrived")
	}
	fmt.Fprintf(out, "report → console alert latency over %d probes (%d missed): %s\n",
		len(latencies), missed, percentiles(latencies))
	if commits != nil {
		fmt.Fprintf(out, "commit → console alert latency over %d probes: %s\n", len(toConsole), percentiles(toConsole))
	}
	return nil
}

// percentiles formats p50, p90, p99 and max of ds (sorted in place).
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	msec := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s", msec(q(0.50)), msec(q(0.90)), msec(q(0.99)), msec(ds[len(ds)-1]))
}

// commitTimes are the arrival times of the alert channel's notifications
// by event position: when each event's transaction committed, as seen from
// this process.
type commitTimes struct {
	mu sync.Mutex
	at map[int64]time.Time
}

// listenCommits LISTENs on alerts.NotifyChannel on a connection of its own
// until ctx ends, recording when each position's notification arrives.
func listenCommits(ctx context.Context, url string) (*commitTimes, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to listen for alert commits: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{alerts.NotifyChannel}.Sanitize()); err != nil {
		_ = conn.Close(ctx)
		return nil, fmt.Errorf("listen for alert commits: %w", err)
	}
	c := &commitTimes{at: map[int64]time.Time{}}
	go func() {
		defer conn.Close(context.WithoutCancel(ctx))
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				return
			}
			now := time.Now()
			if pos, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				c.mu.Lock()
				c.at[pos] = now
				c.mu.Unlock()
			}
		}
	}()
	return c, nil
}

// of returns when position pos committed. The notification reaches this
// process no later than the server, which sends the event only after its
// own copy of it; a short wait covers the scheduling of the two.
func (c *commitTimes) of(pos int64) (time.Time, bool) {
	if c == nil {
		return time.Time{}, false
	}
	for range 100 {
		c.mu.Lock()
		t, ok := c.at[pos]
		c.mu.Unlock()
		if ok {
			return t, true
		}
		time.Sleep(time.Millisecond)
	}
	return time.Time{}, false
}

// jsonReportTarget posts ordinary (not happening-now) JSON reports.
func jsonReportTarget(base string, lat, lon, radiusKM float64) loadgen.Target {
	return submitTarget("reports", base+"/api/v1/reports", lat, lon, radiusKM,
		func(n int64, lat, lon float64) ([]byte, string, error) {
			b, err := json.Marshal(map[string]any{"category": benchCategories[n%int64(len(benchCategories))],
				"lat": lat, "lon": lon})
			return b, "application/json", err
		})
}

// sseEvent is a "raised" event as it arrived: its position (the SSE id)
// and when.
type sseEvent struct {
	pos int64
	at  time.Time
}

// openAlertStream connects to the SSE stream and sends each "raised" event
// of a happening-now alert on the returned channel.
func openAlertStream(ctx context.Context, base string, header http.Header) (<-chan sseEvent, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/alerts/stream", nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("open alert stream: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("open alert stream: status %d (pass a staff token with --header)", resp.StatusCode)
	}
	raised := make(chan sseEvent, 1024)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		event, id := "", ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				id = strings.TrimPrefix(line, "id: ")
			case line == "":
				if event == "raised" {
					pos, _ := strconv.ParseInt(id, 10, 64)
					raised <- sseEvent{pos: pos, at: time.Now()}
				}
				event, id = "", ""
			}
		}
	}()
	return raised, nil
}
