package web_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdpnetwork "github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// TestOfflineSubmissions drives the installable app through a lost
// connection (issue #17 §3): the service worker installs and controls the
// page; with the network off (DevTools emulation, for the page and its
// service worker) the shell and the forms still open; a complaint, a
// hotspot report with a photo and a tip are kept on the device only after
// she chooses it, shown as waiting, and sent when the connection returns,
// each exactly once, with the receipts shown; staff
// pages and personal answers are never cached; quick exit deletes queued
// submissions and drafts.
func TestOfflineSubmissions(t *testing.T) {
	b, _ := setupServer(t)
	net := b.newNetwork(t)
	t.Run("Installs", func(t *testing.T) {
		b.installApp(t)
	})
	t.Run("ShellOpensOffline", func(t *testing.T) {
		b.shellOpensOffline(t, net)
	})
	t.Run("QueuedOfflineSentOnceOnline", func(t *testing.T) {
		b.queuedOfflineSentOnce(t, net)
	})
	t.Run("QuickExitClearsQueueAndDraft", func(t *testing.T) {
		b.quickExitClearsDevice(t, net)
	})
	b.noConsoleErrors(t)
}

// connection is the link between the browser and the server: a reverse
// proxy in front of the test server that, while down, drops every
// connection unanswered, as a phone without signal would. The tab's
// DevTools offline emulation alone does not cover the service worker's own
// fetches (they belong to another target), so both are used: the gate for
// every request, the emulation for navigator.onLine and the online and
// offline events.
type connection struct {
	down  atomic.Bool
	sends atomic.Int64 // submissions that reached the server (POST of a complaint, report or tip)
	srv   *httptest.Server
}

// newNetwork puts a connection in front of target and makes the bundle use it.
func (b *bundle) newNetwork(t *testing.T) *connection {
	t.Helper()
	u, err := url.Parse(b.server.URL)
	if err != nil {
		t.Fatal(err)
	}
	n := &connection{}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // the app's origin is the proxy's
	}}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.down.Load() {
			panic(http.ErrAbortHandler) // the connection closes with no answer
		}
		if r.Method == http.MethodPost && slices.Contains([]string{"/api/v1/complaints", "/api/v1/reports", "/api/v1/tips"}, r.URL.Path) {
			n.sends.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	n.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(n.srv.Close)
	b.server = n.srv
	if _, err := chromedp.CallBrowser(b.ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"},
		Setting:    browser.PermissionSettingGranted, Origin: n.srv.URL,
	}); err != nil {
		t.Fatalf("grant geolocation: %v", err)
	}
	return n
}

// off takes the network away (true) or gives it back, for the tab too.
func (n *connection) off(off bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		n.down.Store(off)
		return tabOffline(off)(ctx, tgt)
	}
}

// tabOffline is DevTools' "Offline" for one tab: its requests fail, and
// navigator.onLine and the online/offline events follow.
func tabOffline(off bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		var conds []*cdpnetwork.Conditions
		if off {
			conds = []*cdpnetwork.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
		}
		if _, err := cdp.Call(ctx, tgt, cdpnetwork.EmulateNetworkConditionsByRule, cdpnetwork.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: conds,
		}); err != nil {
			return chromedp.Void{}, fmt.Errorf("emulate network conditions: %w", err)
		}
		_, err := cdp.Call(ctx, tgt, cdpnetwork.OverrideNetworkState, cdpnetwork.OverrideNetworkStateParams{
			Offline: off, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return chromedp.Void{}, err
	}
}

// evalAsync evaluates a JavaScript expression whose value is a promise.
func evalAsync[T any](t *testing.T, b *bundle, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// deviceJS lists what the app keeps in IndexedDB: the outbox's keys and the drafts' kinds.
const deviceJS = `(async () => {
	if (!(await indexedDB.databases()).some((d) => d.name === 'vikalp')) return [];
	const db = await new Promise((ok, fail) => { const r = indexedDB.open('vikalp'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
	const all = (store) => new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAllKeys(); r.onsuccess = () => ok(r.result); });
	const out = [...(await all('outbox')).map((k) => 'outbox:' + k), ...(await all('drafts')).map((k) => 'draft:' + k)];
	db.close();
	return out;
})()`

// cachedURLs lists every URL in the origin's Cache Storage.
const cachedURLs = `(async () => {
	const out = [];
	for (const name of await caches.keys()) {
		for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
	}
	return out;
})()`

// installApp loads the app cold, waits until its service worker controls
// the page, checks that Chromium finds it installable, and opens the three
// forms once online (the worker keeps their reference lists and the map).
func (b *bundle) installApp(t *testing.T) {
	t.Helper()
	b.do(t, "cold load", chromedp.Navigate(b.server.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="quick-exit"]`)),
		waitJS(`!!navigator.serviceWorker.controller`))
	b.setLang(t, "en")
	res, err := chromedp.Call(b.ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.InstallabilityErrors {
		t.Errorf("not installable: %s", e.ErrorID)
	}
	manifest := evalAsync[map[string]any](t, b, `fetch('/manifest.webmanifest').then((r) => r.json())`)
	icons := fmt.Sprint(manifest["icons"])
	for _, want := range []string{"192x192", "512x512", "maskable"} {
		if !strings.Contains(icons, want) {
			t.Errorf("manifest icons %s lack %s", icons, want)
		}
	}
	if name := fmt.Sprint(manifest["name"]); !strings.Contains(name, "विकल्प") || !strings.Contains(name, "Vikalp") {
		t.Errorf("manifest name %q is not in Hindi and English", name)
	}
	b.do(t, "open the forms online", chromedp.Navigate(b.server.URL+"/file"),
		waitJS(`document.querySelectorAll('#category option').length > 5`),
		chromedp.Navigate(b.server.URL+"/report"), mapSettled(`[data-testid="location-map"]`),
		waitJS(`document.querySelectorAll('#category option').length > 3`),
		chromedp.Navigate(b.server.URL+"/tip"), mapSettled(`[data-testid="place-0-map"]`))
}

// shellOpensOffline reloads public pages with the network off, and checks
// that the worker's own requests fail too (so the pages came from its
// cache) and that a staff page is not served from any cache.
func (b *bundle) shellOpensOffline(t *testing.T, net *connection) {
	t.Helper()
	b.do(t, "network off", net.off(true), waitJS(`navigator.onLine === false`))
	if got := evalAsync[string](t, b, `fetch('/assets/not-cached-0.js').then((r) => 'answered ' + r.status, () => 'failed')`); got != "failed" {
		t.Fatalf("the service worker still reaches the server offline: %s", got)
	}
	b.do(t, "home opens offline", chromedp.Navigate(b.server.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="quick-exit"]`)), waitJS(`!!navigator.serviceWorker.controller`))
	b.do(t, "the complaint form opens offline with its lists", chromedp.Navigate(b.server.URL+"/file"),
		waitJS(`document.querySelectorAll('#category option').length > 5`))
	b.shot(t, "70-offline-file")
	for _, u := range evalAsync[[]string](t, b, cachedURLs) {
		if strings.HasPrefix(u, "/staff") || (strings.HasPrefix(u, "/api/") &&
			!slices.Contains([]string{"/api/v1/complaint-categories", "/api/v1/districts", "/api/v1/report-categories", "/api/v1/stations"}, u)) {
			t.Errorf("cached: %s", u)
		}
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Navigate(b.server.URL+"/staff/login")); err == nil {
		if eval[bool](t, b, `!!document.querySelector('#username')`) {
			t.Error("the staff login page opened offline: it was served from a cache")
		}
	}
	b.do(t, "network back", net.off(false), chromedp.Navigate(b.server.URL+"/"), waitJS(`navigator.onLine === true`))
}

// queuedOfflineSentOnce files a complaint, reports a place with a photo and
// sends a tip with the network off, keeping each on the device; when the
// network returns, three senders race for the queue, and each submission is
// sent once, stored once under its key, and its receipt shown.
func (b *bundle) queuedOfflineSentOnce(t *testing.T, net *connection) {
	t.Helper()
	photo := filepath.Join(t.TempDir(), "lucknow.jpg")
	if err := os.WriteFile(photo, ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 640, Height: 480, GPS: &testkit.Lucknow}), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, "network off", net.off(true), chromedp.Navigate(b.server.URL+"/file"), waitJS(`navigator.onLine === false`),
		waitJS(`document.querySelectorAll('#category option').length > 5`))

	b.do(t, "file a complaint offline", choose(`#category`, "stalking"),
		typeInto(`#description`, "A man follows me from the bus stop every evening"),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#district_id`)),
		waitJS(`[...document.querySelectorAll('#district_id option')].some((o) => o.value === '162')`),
		choose(`#district_id`, "162"), click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)),
		click(`[data-testid="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="offline-choice"]`)))
	if got := evalAsync[[]string](t, b, deviceJS); len(got) != 0 {
		t.Fatalf("kept on the device before she chose it: %v", got)
	}
	b.shot(t, "71-offline-choice")
	b.do(t, "keep it until it can be sent", click(`[data-testid="offline-keep"]`), waitJS(`location.pathname === '/'`),
		waitJS(`document.querySelector('[data-testid="outbox-item"][data-kind="complaint"]')?.dataset.state === 'waiting'`))
	if txt := eval[string](t, b, `document.querySelector('[data-testid="outbox"]').textContent`); strings.Contains(txt, "bus stop") {
		t.Error("the waiting panel shows the complaint's content")
	}

	b.do(t, "report a place offline", chromedp.Navigate(b.server.URL+"/report"),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="photos-input"]`)),
		waitJS(`document.querySelectorAll('#category option').length > 3`),
		chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="photos-input"]`), []string{photo}),
		waitJS(`document.querySelector('[data-testid="location-status"]')?.dataset.source === 'exif'`),
		choose(`#category`, "poorly_lit_area"),
		click(`[data-testid="report-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="offline-choice"]`)),
		click(`[data-testid="offline-keep"]`), waitJS(`location.pathname === '/'`),
		waitJS(`document.querySelector('[data-testid="outbox-item"][data-kind="report"]')?.dataset.state === 'waiting'`))

	b.do(t, "send a tip offline", chromedp.Navigate(b.server.URL+"/tip"), chromedp.WaitVisible(chromedp.CSS(`#text`)),
		typeInto(`#text`, "Two girls were taken away in a van at night"),
		geolocate(hazratganjLat, hazratganjLon), click(`[data-testid="place-0-locate"]`),
		waitJS(`document.querySelector('[data-testid="place-0-status"]')?.dataset.source === 'device'`),
		click(`[data-testid="tip-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="offline-choice"]`)),
		click(`[data-testid="offline-keep"]`), waitJS(`location.pathname === '/'`),
		waitJS(`document.querySelectorAll('[data-testid="outbox-item"][data-state="waiting"]').length === 3`))
	b.shot(t, "72-offline-waiting")
	keys := evalAsync[[]string](t, b, deviceJS)
	if len(keys) != 3 {
		t.Fatalf("kept on the device: %v, want the three submissions", keys)
	}
	b.wantRows(t, 0, 0, 0)

	// Three sends start at once (the online event and two taps on "send
	// now") while the test holds the outbox's lock, as another tab sending
	// would: the first to get it sends everything, the others find nothing
	// waiting.
	b.do(t, "another sender holds the lock", chromedp.Evaluate[chromedp.Void](`navigator.locks.request('vikalp-outbox', () => {
		window.__held = true;
		return new Promise((release) => { window.__release = release; });
	}), undefined`), waitJS(`window.__held === true`))
	b.do(t, "network back", net.off(false), click(`[data-testid="outbox-send"]`), click(`[data-testid="outbox-send"]`),
		chromedp.Poll[chromedp.Void](`(async () => {
			window.__pending = (await navigator.locks.query()).pending.filter((l) => l.name === 'vikalp-outbox').length;
		})(), window.__pending >= 3`))
	b.do(t, "the lock is released", chromedp.Evaluate[chromedp.Void](`window.__release()`),
		waitJS(`document.querySelectorAll('[data-testid="outbox-item"][data-state="sent"]').length === 3`))
	if n := net.sends.Load(); n != 3 {
		t.Errorf("%d submissions reached the server, want 3 (one each)", n)
	}
	b.shot(t, "73-offline-sent")
	b.wantRows(t, 1, 1, 1)

	ctx := context.Background()
	for _, k := range keys {
		key := strings.TrimPrefix(k, "outbox:")
		var n int
		if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM submission_keys WHERE key = $1`,
			key).Scan(&n); err != nil || n != 1 {
			t.Errorf("key %s stored %d times (%v)", key, n, err)
		}
	}
	var code string
	if err := b.pool.QueryRow(ctx, `SELECT code FROM complaints`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	b.do(t, "the complaint's receipt", waitText(`[data-testid="outbox-item"][data-kind="complaint"] [data-testid="outbox-code"]`, code),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="outbox-item"][data-kind="complaint"] [data-testid="outbox-secret"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="outbox-item"][data-kind="report"] [data-testid="outbox-code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="outbox-item"][data-kind="tip"] [data-testid="outbox-code"]`)))

	// Once she has noted them, nothing of them stays on the device.
	for _, kind := range []string{"complaint", "report", "tip"} {
		item := fmt.Sprintf(`[data-testid="outbox-item"][data-kind=%q]`, kind)
		b.do(t, "she has written down the "+kind+"'s code", click(item+` [data-testid="outbox-done"]`),
			waitJS(fmt.Sprintf(`!document.querySelector(%s)`, js(item))))
	}
	b.do(t, "the panel is gone", waitJS(`!document.querySelector('[data-testid="outbox"]')`))
	if got := evalAsync[[]string](t, b, deviceJS); len(got) != 0 {
		t.Errorf("left on the device: %v", got)
	}
}

// wantRows fails unless the database holds exactly these numbers of complaints, reports and tips.
func (b *bundle) wantRows(t *testing.T, complaints, reports, tips int) {
	t.Helper()
	var c, r, p int
	if err := b.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM complaints),
		(SELECT count(*) FROM reports), (SELECT count(*) FROM tips)`).Scan(&c, &r, &p); err != nil {
		t.Fatal(err)
	}
	if c != complaints || r != reports || p != tips {
		t.Errorf("stored %d complaints, %d reports, %d tips; want %d, %d, %d", c, r, p, complaints, reports, tips)
	}
}

// quickExitClearsDevice keeps a complaint offline and a draft (which comes
// back when the form is opened again), then leaves by quick exit: neither
// may stay in IndexedDB.
func (b *bundle) quickExitClearsDevice(t *testing.T, net *connection) {
	t.Helper()
	b.do(t, "network off", net.off(true), chromedp.Navigate(b.server.URL+"/file"), waitJS(`navigator.onLine === false`),
		waitJS(`document.querySelectorAll('#category option').length > 5`),
		choose(`#category`, "stalking"), typeInto(`#description`, "Kept on the phone until quick exit"),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#district_id`)),
		choose(`#district_id`, "162"), click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)),
		click(`[data-testid="submit"]`), click(`[data-testid="offline-keep"]`),
		waitJS(`document.querySelector('[data-testid="outbox-item"]')?.dataset.state === 'waiting'`))
	b.do(t, "a draft she chose to keep", chromedp.Navigate(b.server.URL+"/file"), chromedp.WaitVisible(chromedp.CSS(`#description`)),
		click(`#keep_draft`), typeInto(`#description`, "A draft"))
	b.do(t, "the draft is stored", chromedp.Poll[chromedp.Void](`(async () => {
		window.__kept = (await (`+deviceJS+`)).length;
	})(), window.__kept === 2`))
	b.do(t, "the kept draft comes back", chromedp.Navigate(b.server.URL+"/file"),
		waitJS(`document.querySelector('#description')?.value === 'A draft' && document.querySelector('#keep_draft').checked`))
	neutral := b.server.URL + "/healthz"
	b.do(t, "quick exit", chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.exitUrl = `+js(neutral)),
		click(`[data-testid="quick-exit"]`), waitLocation(neutral))
	if got := evalAsync[[]string](t, b, deviceJS); len(got) != 0 {
		t.Errorf("left on the device after quick exit: %v", got)
	}
	if dbs := evalAsync[[]string](t, b, `indexedDB.databases().then((l) => l.map((d) => d.name))`); slices.Contains(dbs, "vikalp") {
		t.Errorf("the database survived quick exit: %v", dbs)
	}
	b.do(t, "network back", net.off(false))
	b.wantRows(t, 1, 1, 1) // nothing more was sent
}
