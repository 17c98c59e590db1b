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
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/internal/loadgen"
)

func newBenchAlertsCmd() *cobra.Command {
	var f benchFlags
	var probes int
	var gap time.Duration
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

Example:
  vikalp bench alerts --header "Authorization: Bearer $(vikalp user token create --username admin --name bench)" \
      --probes 200 --concurrency 16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runAlerts(cmd, probes, gap)
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&probes, "probes", 200, "happening-now reports to time")
	cmd.Flags().DurationVar(&gap, "gap", 50*time.Millisecond, "pause between probes")
	return cmd
}

// runAlerts runs the background load and the probes.
func (f *benchFlags) runAlerts(cmd *cobra.Command, probes int, gap time.Duration) error {
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
	var latencies []time.Duration
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
		case <-raised:
			latencies = append(latencies, time.Since(start))
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
	slices.Sort(latencies)
	q := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	msec := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(out, "report → console alert latency over %d probes (%d missed): p50 %s  p90 %s  p99 %s  max %s\n",
		len(latencies), missed, msec(q(0.50)), msec(q(0.90)), msec(q(0.99)), msec(latencies[len(latencies)-1]))
	return nil
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

// openAlertStream connects to the SSE stream and signals each "raised"
// event of a happening-now alert on the returned channel.
func openAlertStream(ctx context.Context, base string, header http.Header) (<-chan struct{}, error) {
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
	raised := make(chan struct{}, 1024)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case line == "":
				if event == "raised" {
					raised <- struct{}{}
				}
				event = ""
			}
		}
	}()
	return raised, nil
}
