package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// BenchmarkReportToConsole measures report → console latency under load:
// 4 clients POST "happening now" reports (with a photo) as fast as they
// can; each filing raises its alert in its own transaction; the hub's LISTEN/NOTIFY
// fan-out delivers it to an SSE console. It reports p50/p99 from the start
// of the POST (post_to_console) and from its response, i.e. the commit
// (commit_to_console). Run:
//
//	go test -run '^$' -bench ReportToConsole -benchtime 300x ./api/
func BenchmarkReportToConsole(b *testing.B) {
	f := newFixture(b)
	ctx, db := f.ctx, f.db
	// The workers of cmd/vikalp (with its short FetchCooldown) raise an
	// alert whose raise failed in the filing transaction.
	deps := apitest.Deps(b, db, apitest.Options{Workers: true})
	srv := httptest.NewServer(apitest.Router(b, deps))
	defer srv.Close()
	admin := f.token(b, auth.RoleAdmin, auth.StateScope)

	// The console: arrival time of each report's alert.
	var mu sync.Mutex
	arrived := map[int64]time.Time{}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/alerts/stream", nil)
	req.Header.Set("Authorization", admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			now := time.Now()
			var e struct {
				Kind  string `json:"kind"`
				Alert struct {
					SubjectID int64 `json:"subject_id"`
				} `json:"alert"`
			}
			if json.Unmarshal([]byte(data), &e) == nil && e.Kind == "raised" {
				mu.Lock()
				arrived[e.Alert.SubjectID] = now
				mu.Unlock()
			}
		}
	}()

	photo := ingesttest.JPEG(b, ingesttest.PhotoOpts{Width: 160, Height: 120})
	type sent struct{ start, committed time.Time }
	posted := map[int64]sent{}
	next := make(chan int)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				start := time.Now()
				code := postBenchReport(b, srv.URL, photo, i)
				done := time.Now()
				var id int64
				if err := db.QueryRow(ctx, `SELECT id FROM reports WHERE code = $1`, code).Scan(&id); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				posted[id] = sent{start, done}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(arrived)
		mu.Unlock()
		if n >= b.N || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	var fromPost, fromCommit []time.Duration
	for id, s := range posted {
		at, ok := arrived[id]
		if !ok {
			b.Errorf("report %d never reached the console", id)
			continue
		}
		fromPost = append(fromPost, at.Sub(s.start))
		fromCommit = append(fromCommit, at.Sub(s.committed))
	}
	report := func(name string, d []time.Duration) {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		if len(d) == 0 {
			return
		}
		pct := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
		b.ReportMetric(pct(0.50), name+"_p50_ms")
		b.ReportMetric(pct(0.99), name+"_p99_ms")
	}
	report("post_to_console", fromPost)
	report("commit_to_console", fromCommit)
}

// postBenchReport files report i near Lucknow and returns its code.
func postBenchReport(b *testing.B, base string, photo []byte, i int) string {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	lat, lon := testkit.Lucknow[0]+float64(i%50)*0.001, testkit.Lucknow[1]+float64(i/50%50)*0.001
	for k, v := range map[string]string{"category": "stalking", "lat": fmt.Sprint(lat), "lon": fmt.Sprint(lon),
		"happening_now": "true"} {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("photos", "p.jpg")
	_, _ = fw.Write(photo)
	_ = w.Close()
	resp, err := http.Post(base+"/api/v1/reports", w.FormDataContentType(), &buf)
	if err != nil {
		b.Error(err)
		return ""
	}
	defer resp.Body.Close()
	var receipt struct {
		Code string `json:"code"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&receipt) != nil {
		b.Errorf("post report: %d", resp.StatusCode)
	}
	return receipt.Code
}
