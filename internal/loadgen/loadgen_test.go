package loadgen_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vikalp/vikalp/internal/loadgen"
)

func TestTileTargets(t *testing.T) {
	t.Parallel()
	ts, err := loadgen.TileTargets("http://h/t/{z}/{x}/{y}.pbf", 26.85, 80.95, []int{0, 14}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// z0 has one tile; z14 a 3×3 square centred on Lucknow's tile.
	if len(ts) != 10 || ts[0].URL != "http://h/t/0/0/0.pbf" || ts[1].Group != "z14" {
		t.Fatalf("targets: %v", ts)
	}
	if ts[5].URL != "http://h/t/14/11876/6922.pbf" {
		t.Errorf("centre tile %s", ts[5].URL)
	}
	again, _ := loadgen.TileTargets("http://h/t/{z}/{x}/{y}.pbf", 26.85, 80.95, []int{0, 14}, 1)
	for i := range ts {
		if ts[i].Group != again[i].Group || ts[i].URL != again[i].URL {
			t.Fatal("targets are not reproducible")
		}
	}
	if _, err := loadgen.TileTargets("http://h/{z}/{x}", 0, 0, []int{1}, 1); err == nil {
		t.Error("template without {y} accepted")
	}
}

func TestParseZooms(t *testing.T) {
	t.Parallel()
	got, err := loadgen.ParseZooms("8-10,12")
	if err != nil || len(got) != 4 || got[0] != 8 || got[3] != 12 {
		t.Errorf("ParseZooms = %v, %v", got, err)
	}
	for _, bad := range []string{"", "a", "9-8"} {
		if _, err := loadgen.ParseZooms(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRunCountsStatuses(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Cookie") != "s=1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/empty") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = w.Write([]byte("tile"))
	}))
	defer srv.Close()
	targets := []loadgen.Target{{Group: "a", URL: srv.URL + "/1"}, {Group: "b", URL: srv.URL + "/empty"}}
	rep, err := loadgen.Run(context.Background(), loadgen.Config{Targets: targets, Once: true, Concurrency: 3,
		Header: http.Header{"Cookie": {"s=1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.Requests != 2 || rep.Groups[0].Status[200] != 1 || rep.Groups[1].Status[204] != 1 || hits.Load() != 2 {
		t.Errorf("once: %+v", rep)
	}
	rep, err = loadgen.Run(context.Background(), loadgen.Config{Targets: targets, Duration: 200 * time.Millisecond, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.Requests < 10 || rep.Overall.Status[401] != rep.Overall.Requests || rep.Overall.P99 < rep.Overall.P50 {
		t.Errorf("duration run: %+v", rep.Overall)
	}
}

// A target with New builds every request itself; n numbers them across the
// run without repeats.
func TestRunBuildsRequestsWithNew(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Method != http.MethodPost || seen[string(body)] {
			w.WriteHeader(http.StatusConflict)
			return
		}
		seen[string(body)] = true
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	target := loadgen.Target{Group: "post", URL: srv.URL, New: func(ctx context.Context, n int64) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(fmt.Sprint(n)))
	}}
	rep, err := loadgen.Run(context.Background(), loadgen.Config{Targets: []loadgen.Target{target},
		Duration: 200 * time.Millisecond, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.Requests == 0 || rep.Overall.Status[http.StatusCreated] != rep.Overall.Requests {
		t.Fatalf("statuses %v of %d requests: want every request new and POSTed", rep.Overall.Status, rep.Overall.Requests)
	}
}

func TestRunCallsCallTargets(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	boom := errors.New("boom")
	targets := []loadgen.Target{
		{Group: "ok", Call: func(context.Context, int64) (int64, error) { calls.Add(1); return 10, nil }},
		{Group: "bad", Call: func(context.Context, int64) (int64, error) { return 0, boom }},
	}
	rep, err := loadgen.Run(context.Background(), loadgen.Config{Targets: targets, Once: true, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 || rep.Groups[0].Status[http.StatusOK] != 1 || rep.Groups[0].Bytes != 10 {
		t.Errorf("ok group %+v after %d calls: want one call counted as 200 with its 10 bytes", rep.Groups[0], calls.Load())
	}
	if rep.Groups[1].Errors != 1 || !errors.Is(rep.FirstError, boom) {
		t.Errorf("bad group %+v, first error %v: want one error, kept", rep.Groups[1], rep.FirstError)
	}
}
