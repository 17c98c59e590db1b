// Package loadgen is the HTTP load generator behind `vikalp bench`: a fixed,
// reproducible list of targets requested by N concurrent workers for a
// duration (or once each), reported as requests per second, latency
// percentiles and status counts per group and overall. It knows nothing of
// Vikalp, so the same run can measure any server; tiles.go builds the target
// list for XYZ tile servers.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Target is one URL to request and the group (say "z12") it is reported in.
// A target with New builds each request itself (a POST with a fresh body
// and Idempotency-Key, say); n numbers the requests of the whole run.
//
// A target with Call is called instead of requested: a database statement
// or a domain call without HTTP, so a path's ceiling is measured with the
// same workers, duration and statistics as the path. It returns the bytes
// it produced; a nil error counts as status 200, an error as a failure
// (the first one is kept in Report.FirstError).
type Target struct {
	Group string
	URL   string
	New   func(ctx context.Context, n int64) (*http.Request, error)
	Call  func(ctx context.Context, n int64) (int64, error)
}

// Config is one load run.
type Config struct {
	Targets []Target
	// Duration bounds the run; workers cycle through Targets until it ends.
	// Once requests every target exactly once instead (a cold-cache pass).
	Duration time.Duration
	Once     bool
	// Concurrency is the number of workers (default 8).
	Concurrency int
	// Header is sent with every request (cookies, Authorization …).
	Header http.Header
	// Client is the HTTP client (default: keep-alive, gzip, 10 s timeout).
	Client *http.Client
}

// Stats summarises the requests of one group (or all of them).
type Stats struct {
	Group     string
	Requests  int
	PerSecond float64
	P50       time.Duration
	P90       time.Duration
	P99       time.Duration
	Max       time.Duration
	Bytes     int64
	// Status counts responses by HTTP status; Errors counts transport
	// failures (no response at all).
	Status map[int]int
	Errors int
}

// Report is the outcome of a run: per group in first-seen target order, and
// overall.
type Report struct {
	Elapsed time.Duration
	Groups  []Stats
	Overall Stats
	// FirstError is the first error a Call target returned, if any.
	FirstError error
}

// sample is one finished request.
type sample struct {
	target  int
	latency time.Duration
	status  int // 0: transport error
	bytes   int64
}

// Run performs the load run and returns its report. It stops early, with
// what it measured, when ctx is cancelled.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if len(cfg.Targets) == 0 {
		return Report{}, errors.New("no targets")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConns: cfg.Concurrency, MaxIdleConnsPerHost: cfg.Concurrency}}
	}
	if !cfg.Once {
		if cfg.Duration <= 0 {
			return Report{}, errors.New("duration must be positive")
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	var next atomic.Int64
	var firstErr atomic.Pointer[error]
	results := make([][]sample, cfg.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if cfg.Once && i >= len(cfg.Targets) {
					return
				}
				var s sample
				if cfg.Targets[i%len(cfg.Targets)].Call != nil {
					var err error
					s, err = call(ctx, cfg.Targets, i%len(cfg.Targets), int64(i))
					if err != nil && ctx.Err() == nil {
						firstErr.CompareAndSwap(nil, &err)
					}
				} else {
					s = fetch(ctx, cfg, i%len(cfg.Targets), int64(i))
				}
				if s.status == 0 && ctx.Err() != nil {
					return // cut off by the deadline: not a server error
				}
				results[w] = append(results[w], s)
			}
		}()
	}
	wg.Wait()
	r := summarize(cfg.Targets, results, time.Since(start))
	if e := firstErr.Load(); e != nil {
		r.FirstError = *e
	}
	return r, nil
}

// call makes call n of the run to target i, timing it.
func call(ctx context.Context, targets []Target, i int, n int64) (sample, error) {
	t0 := time.Now()
	size, err := targets[i].Call(ctx, n)
	s := sample{target: i, latency: time.Since(t0), status: http.StatusOK, bytes: size}
	if err != nil {
		s.status = 0
	}
	return s, err
}

// fetch makes request n of the run to target i and drains the body, timing
// the whole response.
func fetch(ctx context.Context, cfg Config, i int, n int64) sample {
	var req *http.Request
	var err error
	if t := cfg.Targets[i]; t.New != nil {
		req, err = t.New(ctx, n)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
	}
	if err != nil {
		return sample{target: i}
	}
	for k, v := range cfg.Header {
		req.Header[k] = v
	}
	t0 := time.Now()
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return sample{target: i, latency: time.Since(t0)}
	}
	size, err := io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	s := sample{target: i, latency: time.Since(t0), status: resp.StatusCode, bytes: size}
	if err != nil {
		s.status = 0
	}
	return s
}

func summarize(targets []Target, results [][]sample, elapsed time.Duration) Report {
	byGroup := map[string][]sample{}
	var order []string
	for _, t := range targets {
		if _, ok := byGroup[t.Group]; !ok {
			byGroup[t.Group] = nil
			order = append(order, t.Group)
		}
	}
	var all []sample
	for _, rs := range results {
		for _, s := range rs {
			g := targets[s.target].Group
			byGroup[g] = append(byGroup[g], s)
			all = append(all, s)
		}
	}
	r := Report{Elapsed: elapsed, Overall: stats("all", all, elapsed)}
	for _, g := range order {
		r.Groups = append(r.Groups, stats(g, byGroup[g], elapsed))
	}
	return r
}

func stats(group string, ss []sample, elapsed time.Duration) Stats {
	st := Stats{Group: group, Requests: len(ss), Status: map[int]int{}}
	lat := make([]time.Duration, 0, len(ss))
	for _, s := range ss {
		lat = append(lat, s.latency)
		st.Bytes += s.bytes
		if s.status == 0 {
			st.Errors++
		} else {
			st.Status[s.status]++
		}
	}
	if len(lat) == 0 {
		return st
	}
	slices.Sort(lat)
	st.PerSecond = float64(len(ss)) / elapsed.Seconds()
	st.P50, st.P90, st.P99 = quantile(lat, 0.50), quantile(lat, 0.90), quantile(lat, 0.99)
	st.Max = lat[len(lat)-1]
	return st
}

// quantile is the nearest-rank quantile of sorted latencies.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Write prints the report as an aligned table.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "%-8s %9s %10s %9s %9s %9s %9s %11s  %s\n",
		"group", "requests", "req/s", "p50", "p90", "p99", "max", "bytes/req", "status")
	for _, s := range append(r.Groups, r.Overall) {
		perReq := int64(0)
		if s.Requests > 0 {
			perReq = s.Bytes / int64(s.Requests)
		}
		fmt.Fprintf(w, "%-8s %9d %10.1f %9s %9s %9s %9s %11d  %s\n", s.Group, s.Requests, s.PerSecond,
			ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max), perReq, statusLine(s))
	}
	fmt.Fprintf(w, "elapsed %s\n", r.Elapsed.Round(time.Millisecond))
	if r.FirstError != nil {
		fmt.Fprintf(w, "first error: %v\n", r.FirstError)
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000)
}

func statusLine(s Stats) string {
	codes := make([]int, 0, len(s.Status))
	for c := range s.Status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	out := ""
	for _, c := range codes {
		out += fmt.Sprintf("%d:%d ", c, s.Status[c])
	}
	if s.Errors > 0 {
		out += fmt.Sprintf("errors:%d", s.Errors)
	}
	return out
}
