package web_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// maxPublicPage is the budget of a public page before any map code: the
// compressed HTML, JavaScript and CSS a first visit downloads (issue #17:
// 2G and cheap phones).
const maxPublicPage = 100 << 10

// mapCode matches the map chunk (MapLibre's JavaScript and CSS).
var mapCode = regexp.MustCompile(`/assets/maplibre-[^/]*\.(js|css)$`)

// netLog adds up, per request, the bytes the browser received (compressed,
// with headers: Network.loadingFinished's encodedDataLength).
type netLog struct {
	mu      sync.Mutex
	url     map[network.RequestID]string
	kind    map[network.RequestID]network.ResourceType
	bytes   map[network.RequestID]float64
	pending map[network.RequestID]bool
}

// watchNetwork records the tab's requests from now on.
func (b *bundle) watchNetwork(t *testing.T) *netLog {
	t.Helper()
	n := &netLog{}
	n.reset()
	ctx, cancel := context.WithCancel(b.ctx)
	t.Cleanup(cancel)
	// One listener keeps the events in order (a fast response can finish
	// before another goroutine would have seen it start).
	if err := chromedp.Listen(ctx, func(ev any) {
		n.mu.Lock()
		defer n.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			n.url[ev.RequestID] = ev.Request.URL
			n.kind[ev.RequestID] = ev.Type
			// What the page itself loads; blob: URLs (MapLibre's worker) and
			// the browser's own fetches (the manifest's icons) may never
			// report finishing.
			if strings.HasPrefix(ev.Request.URL, "http") && counted(ev.Type) {
				n.pending[ev.RequestID] = true
			}
		case *network.EventResponseReceived:
			n.kind[ev.RequestID] = ev.Type
		case *network.EventLoadingFinished:
			n.bytes[ev.RequestID] = ev.EncodedDataLength
			delete(n.pending, ev.RequestID)
		case *network.EventLoadingFailed:
			delete(n.pending, ev.RequestID)
		}
	}); err != nil {
		t.Fatal(err)
	}
	b.do(t, "network events, no cache, no service worker", func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tgt, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		if _, err := cdp.Call(ctx, tgt, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, tgt, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return chromedp.Void{}, err
	})
	return n
}

// code reports whether a resource is HTML, JavaScript or CSS.
func code(k network.ResourceType) bool {
	return k == network.ResourceTypeDocument || k == network.ResourceTypeScript || k == network.ResourceTypeStylesheet
}

// counted reports whether the page waits for a resource: its code and its API calls.
func counted(k network.ResourceType) bool {
	return code(k) || k == network.ResourceTypeFetch || k == network.ResourceTypeXHR
}

func (n *netLog) reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.url = map[network.RequestID]string{}
	n.kind = map[network.RequestID]network.ResourceType{}
	n.bytes = map[network.RequestID]float64{}
	n.pending = map[network.RequestID]bool{}
}

// idle is an action that waits until no request is in flight.
func (n *netLog) idle() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		for {
			n.mu.Lock()
			var left []string
			for id := range n.pending {
				left = append(left, n.url[id])
			}
			n.mu.Unlock()
			if len(left) == 0 {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("requests still in flight %v: %w", left, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// pageBytes is what one page load cost: HTML, JS and CSS apart from the
// map chunk, and whether the map chunk was fetched.
type pageBytes struct {
	code    int      // HTML + JS + CSS before any map code
	mapCode int      // the map chunk, when fetched
	files   []string // what code counts, with sizes
}

func (n *netLog) sum() pageBytes {
	n.mu.Lock()
	defer n.mu.Unlock()
	var p pageBytes
	for id, size := range n.bytes {
		u := n.url[id]
		switch {
		case mapCode.MatchString(u):
			p.mapCode += int(size)
		case code(n.kind[id]):
			p.code += int(size)
			p.files = append(p.files, fmt.Sprintf("%s %d", u[strings.LastIndex(u, "/")+1:], int(size)))
		}
	}
	sort.Strings(p.files)
	return p
}

// TestBudget loads every public page as a first visit (cache off, service
// worker bypassed) and adds up the compressed HTML, JavaScript and CSS it
// downloads apart from the map chunk: each must be ≤ 100 KB. The map chunk
// must be fetched exactly on the pages that show a map.
func TestBudget(t *testing.T) {
	b, _ := setupServer(t)
	n := b.watchNetwork(t)
	pages := []struct {
		path, ready string
		hasMap      bool
	}{
		{"/", `!!document.querySelector('[data-testid="cta-file"]')`, false},
		{"/file", `document.querySelectorAll('#category option').length > 2`, false},
		{"/file/done", `!!document.querySelector('main h1')`, false},
		{"/track", `!!document.querySelector('#code')`, false},
		{"/report", `document.querySelectorAll('#category option').length > 2`, true},
		{"/report/done", `!!document.querySelector('main h1')`, false},
		{"/report/track", `!!document.querySelector('#report-code')`, false},
		{"/tip", `!!document.querySelector('#text')`, true},
		{"/tip/done", `!!document.querySelector('main h1')`, false},
		{"/map", `!!document.querySelector('[data-testid="legend"]')`, true},
		{"/outreach", `!!document.querySelector('main h1')`, false},
		{"/outreach/print?d=lucknow&format=a4&lang=hi", `!!document.querySelector('svg')`, false},
		{"/no-such-page", `!!document.querySelector('main h1')`, false},
	}
	var report []string
	for _, p := range pages {
		n.reset()
		b.do(t, "load "+p.path, chromedp.Navigate(b.server.URL+p.path), waitJS(p.ready), waitJS(settledJS), n.idle())
		got := n.sum()
		report = append(report, fmt.Sprintf("%-45s %7d bytes before the map, map chunk %7d", p.path, got.code, got.mapCode))
		if got.code == 0 || got.code > maxPublicPage {
			t.Errorf("%s: %d bytes of HTML, JS and CSS before the map; the budget is %d\n  %s", p.path, got.code, maxPublicPage,
				strings.Join(got.files, "\n  "))
		}
		if p.hasMap != (got.mapCode > 0) {
			t.Errorf("%s: map chunk fetched: %v, want %v (map code only when a map is shown)", p.path, got.mapCode > 0, p.hasMap)
		}
	}
	t.Logf("first visit, compressed:\n%s", strings.Join(report, "\n"))
	b.noConsoleErrors(t)
}

// TestBudgetSlow3G files a complaint from a cold start (empty cache, no
// service worker) over Chromium's "slow 3G" emulation (400 kbit/s each
// way, 400 ms round trip) and logs how long the first usable form took:
// the complaint form with its categories loaded. It asserts what happened,
// never how long it took (machines differ).
func TestBudgetSlow3G(t *testing.T) {
	b, _ := setupServer(t)
	n := b.watchNetwork(t)
	const throughput = 400 * 1000 / 8 // bytes per second
	b.do(t, "slow 3G", func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tgt, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: 400, DownloadThroughput: throughput, UploadThroughput: throughput,
				ConnectionType: network.ConnectionTypeCellular3g}},
		})
		return chromedp.Void{}, err
	})
	start := time.Now()
	b.do(t, "open the form", chromedp.Navigate(b.server.URL+"/file"),
		waitJS(`document.querySelectorAll('#category option').length > 2 && !!document.querySelector('#description')`))
	usable := time.Since(start)
	got := n.sum()
	b.do(t, "fill and send", choose(`#category`, "stalking"),
		typeInto(`#description`, "A man follows me every day on the way to college"),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#district_id`)),
		waitJS(`document.querySelectorAll('#district_id option').length > 2`),
		choose(`#district_id`, "162"), click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)),
		click(`[data-testid="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="filed-secret"]`)))
	filed := time.Since(start)
	code := strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-code"]').textContent`))
	var count int
	if err := b.pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints WHERE code = $1`, code).Scan(&count); err != nil || count != 1 {
		t.Errorf("complaint %q stored %d times (%v)", code, count, err)
	}
	if got.mapCode > 0 {
		t.Errorf("the complaint form fetched the map chunk (%d bytes)", got.mapCode)
	}
	t.Logf("slow 3G (400 kbit/s, 400 ms RTT), cold start: first usable form after %s (%d bytes of HTML, JS and CSS); "+
		"complaint filed %s after the first request (form filled by the test)", usable.Round(10*time.Millisecond), got.code,
		filed.Round(10*time.Millisecond))
	b.noConsoleErrors(t)
}
