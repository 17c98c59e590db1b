package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
)

// axeTags are the axe-core rule tags every page is checked against: WCAG
// 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. Every
// impact level (minor to critical) fails the test.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// axeExclude lists what axe does not look at, with the reason.
//   - .maplibregl-canvas-container: MapLibre's own WebGL canvas and its
//     internal focusable wrapper (third-party markup). The map element
//     around it is labelled by the app (role="region", aria-label) and
//     nothing on a page needs the canvas: every pin can be set with a
//     button or typed coordinates, and every map has a text alternative.
var axeExclude = []string{".maplibregl-canvas-container"}

// a11yWidths are the widths every page is checked at: the narrowest
// supported phone and a desktop.
var a11yWidths = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"360", 360, 780, true},
	{"1280", 1280, 800, false},
}

// axeViolation is one failed axe rule on a page, with the elements it found.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRunner checks pages with axe-core and remembers what it checked.
type axeRunner struct {
	b      *bundle
	source string // axe.min.js
	checks int    // axe runs (page state × language × width)
	pages  map[string]bool
	failed int
}

func newAxeRunner(t *testing.T, b *bundle) *axeRunner {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("read axe-core (npm ci in web/ installs it as a pinned dev dependency): %v", err)
	}
	return &axeRunner{b: b, source: string(raw), pages: map[string]bool{}}
}

// run injects axe into the page (by Runtime.evaluate: the CSP allows no
// script element from elsewhere) and returns its violations.
func (a *axeRunner) run(t *testing.T) []axeViolation {
	t.Helper()
	ctx, cancel := context.WithTimeout(a.b.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`typeof axe === 'undefined' ? (0, eval)(`+js(a.source)+`) : 0`)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	tags, _ := json.Marshal(axeTags)
	exclude, _ := json.Marshal(axeExclude)
	expr := fmt.Sprintf(`(async () => {
		const exclude = %s.filter((s) => document.querySelector(s)).map((s) => [s]);
		const r = await axe.run({ include: [['html']], exclude }, {
			runOnly: { type: 'tag', values: %s },
			resultTypes: ['violations'],
		});
		return JSON.stringify(r.violations);
	})()`, exclude, tags)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe: %v", err)
	}
	var v []axeViolation
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return v
}

// check runs axe on the page as it is now, in English and Hindi (switched
// in the app, so the page keeps its state) at each width, once ready is
// true again; it fails the test with every violation, naming the rule, the
// elements and the help page.
func (a *axeRunner) check(t *testing.T, page, ready string) {
	t.Helper()
	for _, lang := range []string{"en", "hi"} {
		a.b.setLang(t, lang)
		a.checkLang(t, page, lang, ready)
	}
}

// checkLang runs axe at every width in the language the page is in.
func (a *axeRunner) checkLang(t *testing.T, page, lang, ready string) {
	t.Helper()
	a.pages[page] = true
	for _, w := range a11yWidths {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		a.b.do(t, fmt.Sprintf("%s (%s) at %s px", page, lang, w.name), chromedp.EmulateViewport(w.width, w.height, opts...),
			waitJS(ready), waitJS(settledJS))
		a.checks++
		for _, v := range a.run(t) {
			a.failed++
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprintf("    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " / ")))
			}
			t.Errorf("%s (%s, %s px): %s [%s] %s\n  %s\n%s", page, lang, w.name, v.ID, v.Impact, v.Help, v.HelpURL,
				strings.Join(where, "\n"))
		}
	}
	// Back to the phone the other tests drive.
	a.b.do(t, "back to 360 px", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
}

// settledJS is true when nothing on the page is still loading: no
// "Loading…" text and every map has loaded or given up.
const settledJS = `(() => {
	const text = document.body.innerText;
	if (/Loading…|लोड हो रहा है…/.test(text)) return false;
	return [...document.querySelectorAll('.map[data-state]')].every((m) =>
		m.dataset.state === 'failed' || (['ready', 'nobase'].includes(m.dataset.state) && m.dataset.idle === 'true'));
})()`

// TestA11y checks every public page and every staff console with axe-core
// (rules: axeTags), in Hindi and English, at 360 and 1280 px, in the
// states a person sees: empty forms, forms showing their errors, each step
// of the complaint form, receipts, tracking results, and each role's tabs
// and detail pages. Any violation fails.
func TestA11y(t *testing.T) {
	start := time.Now()
	b, srv := setupServer(t)
	a := newAxeRunner(t, b)
	t.Run("Public", func(t *testing.T) { a.publicPages(t) })
	t.Run("Staff", func(t *testing.T) { a.staffPages(t, srv) })
	names := make([]string, 0, len(a.pages))
	for p := range a.pages {
		names = append(names, p)
	}
	sort.Strings(names)
	t.Logf("axe-core: %d page states (%s), %d runs (× en, hi × 360, 1280 px), %d violations, %s",
		len(names), strings.Join(names, ", "), a.checks, a.failed, time.Since(start).Round(time.Second))
	b.noConsoleErrors(t)
}

// The ready conditions of the public pages (after a language switch too).
const (
	readyHome       = `!!document.querySelector('[data-testid="cta-file"]')`
	readyCategories = `document.querySelectorAll('#category option').length > 2`
)

func (a *axeRunner) publicPages(t *testing.T) {
	b := a.b
	url := b.server.URL
	b.do(t, "open home", chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="cta-file"]`)))
	a.check(t, "home", readyHome)

	// The complaint form, step by step, with its errors.
	b.do(t, "open the form", chromedp.Navigate(url+"/file"), chromedp.WaitVisible(chromedp.CSS(`#category`)))
	a.check(t, "file-1-what", readyCategories)
	b.do(t, "empty step", click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-field-error="category"]`)))
	a.check(t, "file-1-errors", readyCategories)
	b.do(t, "what happened", choose(`#category`, "stalking"),
		typeInto(`#description`, "A man follows me every day on the way to college"),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#district_id`)))
	readyDistricts := `document.querySelectorAll('#district_id option').length > 2`
	a.check(t, "file-2-where", readyDistricts)
	b.do(t, "no place", click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-field-error]`)))
	a.check(t, "file-2-errors", readyDistricts)
	// Her location (Hazratganj) sends the complaint to station.hzg, whose
	// queue is checked below.
	b.do(t, "where", geolocate(hazratganjLat, hazratganjLon), click(`[data-testid="use-location"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="clear-location"]`)))
	a.check(t, "file-2-located", `!!document.querySelector('[data-testid="clear-location"]')`)
	b.do(t, "to contact", click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)))
	a.check(t, "file-3-contact", `!!document.querySelector('#phone')`)
	b.do(t, "a bad phone", typeInto(`#phone`, "12345"), click(`[data-testid="next"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field-error="phone"]`)))
	a.check(t, "file-3-errors", `!!document.querySelector('#phone')`)
	b.do(t, "contact", clearInput(`#phone`), typeInto(`#phone`, "98765 43210"), click(`[data-testid="next"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)))
	a.check(t, "file-4-review", `!!document.querySelector('[data-testid="review"]')`)
	b.do(t, "send", click(`[data-testid="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="filed-secret"]`)))
	a.check(t, "file-done", `!!document.querySelector('[data-testid="filed-secret"]')`)
	code := strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-code"]').textContent`))
	secret := strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-secret"]').textContent`))

	// Tracking: the empty form, a refusal, the case.
	b.do(t, "open track", chromedp.Navigate(url+"/track"), chromedp.WaitVisible(chromedp.CSS(`#code`)))
	a.check(t, "track", `!!document.querySelector('#code')`)
	b.do(t, "a wrong secret", typeInto(`#code`, code), typeInto(`#secret`, "WRONGSECRETWRONG"),
		click(`[data-testid="track-submit"]`), waitJS(`!!document.querySelector('.notice-error')?.textContent`))
	a.check(t, "track-error", `!!document.querySelector('.notice-error')`)
	b.do(t, "track", clearInput(`#secret`), typeInto(`#secret`, secret), click(`[data-testid="track-submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="track-status"]`)))
	a.check(t, "track-result", `!!document.querySelector('[data-testid="track-status"]')`)

	// Reporting a place, its receipt and following it.
	b.do(t, "open report", chromedp.Navigate(url+"/report"), chromedp.WaitReady(chromedp.CSS(`[data-testid="photos-input"]`)))
	a.check(t, "report", readyCategories)
	b.do(t, "empty report", click(`[data-testid="report-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-field-error]`)))
	a.check(t, "report-errors", readyCategories)
	photo := filepath.Join(t.TempDir(), "place.jpg")
	if err := os.WriteFile(photo, ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 320, Height: 240}), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, "report", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="photos-input"]`), []string{photo}),
		waitJS(`document.querySelectorAll('[data-testid="photos-list"] img').length === 1`),
		geolocate(hazratganjLat, hazratganjLon), click(`[data-testid="location-locate"]`),
		waitJS(`document.querySelector('[data-testid="location-status"]')?.dataset.source === 'device'`),
		choose(`#category`, eval[string](t, b, `document.querySelectorAll('#category option')[1].value`)),
		typeInto(`#text`, "Men stand here every evening and pass comments"),
		click(`[data-testid="report-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-code"]`)))
	a.check(t, "report-done", `!!document.querySelector('[data-testid="report-code"]')`)
	b.do(t, "follow the report", click(`[data-testid="track-report"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-status"]`)))
	a.check(t, "report-track-result", `!!document.querySelector('[data-testid="report-status"]')`)
	b.do(t, "open report tracking", chromedp.Navigate(url+"/report/track"), chromedp.WaitVisible(chromedp.CSS(`#report-code`)))
	a.check(t, "report-track", `!!document.querySelector('#report-code')`)

	// A trafficking tip and its receipt.
	b.do(t, "open tip", chromedp.Navigate(url+"/tip"), chromedp.WaitVisible(chromedp.CSS(`#text`)))
	a.check(t, "tip", `!!document.querySelector('#text')`)
	b.do(t, "empty tip", click(`[data-testid="tip-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-field-error="text"]`)))
	a.check(t, "tip-errors", `!!document.querySelector('#text')`)
	b.do(t, "tip", typeInto(`#text`, "Two girls were taken away in a van at night"),
		geolocate(hazratganjLat, hazratganjLon), click(`[data-testid="place-0-locate"]`),
		waitJS(`document.querySelector('[data-testid="place-0-status"]')?.dataset.source === 'device'`),
		click(`[data-testid="tip-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="tip-code"]`)))
	a.check(t, "tip-done", `!!document.querySelector('[data-testid="tip-code"]')`)

	// The hotspot map, outreach, print material, an unknown address.
	b.do(t, "open map", chromedp.Navigate(url+"/map"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="legend"]`)))
	a.check(t, "map", `!!document.querySelector('[data-testid="legend"]')`)
	b.do(t, "open outreach", chromedp.Navigate(url+"/outreach"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	a.check(t, "outreach", `!!document.querySelector('main h1')`)
	for _, lang := range []string{"en", "hi"} {
		for _, format := range []string{"a4", "sticker"} {
			b.do(t, "open print "+format, chromedp.Navigate(fmt.Sprintf("%s/outreach/print?d=lucknow&format=%s&lang=%s", url, format, lang)),
				waitJS(`!!document.querySelector('svg')`))
			a.checkLang(t, "outreach-print-"+format, lang, `!!document.querySelector('svg')`)
		}
	}
	b.do(t, "open a page that is not there", chromedp.Navigate(url+"/no-such-page"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	a.check(t, "not-found", `!!document.querySelector('main h1')`)
}

// staffTab is a console page a role opens from its tabs.
type staffTab struct {
	user string
	// detail, when set, opens a detail page from the tab: the link to click.
	detail map[string]string
}

func (a *axeRunner) staffPages(t *testing.T, srv *apitest.Server) {
	b := a.b
	a.seedLead(t, srv)
	// Two near-identical published ATRs give the quality page figures to open.
	svc := b.api.Services.Cases // standing in for the worker that makes the digests
	station, nodal := b.principal(t, "station.hzg"), b.principal(t, "nodal.lko")
	const atr = "Both parties were called to the police station; the accused gave a written apology and was bound over."
	b.answered(t, svc, station, nodal, atr)
	b.answered(t, svc, station, nodal, strings.ToUpper(atr))
	b.do(t, "open login", chromedp.Navigate(b.server.URL+"/staff/login"), chromedp.WaitVisible(chromedp.CSS(`#username`)))
	a.check(t, "staff-login", `!!document.querySelector('#username')`)
	b.do(t, "a wrong password", typeInto(`#username`, "station.hzg"), typeInto(`#password`, "wrong-password-here"),
		click(`[data-testid="login-submit"]`), waitJS(`!!document.querySelector('.notice-error, [data-field-error]')`))
	a.check(t, "staff-login-error", `!!document.querySelector('#username')`)

	// Every role's tabs (from nav.ts) and the detail pages behind them.
	roles := []staffTab{
		{user: "station.hzg", detail: map[string]string{"/staff/queue": `[data-testid="queue"] a`}},
		{user: "nodal.lko", detail: map[string]string{"/staff/quality": `main a[href^="/staff/quality/"]`}},
		{user: "sp.lko"},
		{user: "admin.up"},
		{user: "msp.legal"},
		{user: "msp.analyst"},
		{user: "moderator.up", detail: map[string]string{"/staff/moderation": `[data-testid="mod-queue"] a`}},
		{user: "pcr.lko"},
		{user: "ahtu.lko", detail: map[string]string{"/staff/leads": `[data-testid="leads"] a`}},
		{user: "ecell.lko"},
	}
	for _, r := range roles {
		b.login(t, r.user)
		tabs := eval[[]string](t, b, `[...document.querySelectorAll('nav.tabs a')].map((a) => a.getAttribute('href'))`)
		if len(tabs) == 0 {
			b.do(t, "coming soon", chromedp.WaitVisible(chromedp.CSS(`[data-testid="coming-soon"]`)))
			a.check(t, r.user+" coming-soon", `!!document.querySelector('[data-testid="coming-soon"]')`)
		}
		for _, tab := range tabs {
			b.do(t, r.user+" opens "+tab, click(fmt.Sprintf(`nav.tabs a[href=%s]`, js(tab))),
				waitJS(fmt.Sprintf(`location.pathname === %s`, js(tab))), waitJS(`!!document.querySelector('main h1')`))
			a.check(t, r.user+" "+tab, `!!document.querySelector('main h1')`)
			if sel, ok := r.detail[tab]; ok {
				b.do(t, r.user+" detail of "+tab, waitJS(settledJS))
				if !eval[bool](t, b, fmt.Sprintf(`!!document.querySelector(%s)`, js(sel))) {
					t.Errorf("%s: nothing to open on %s (%s)", r.user, tab, sel)
					continue
				}
				b.do(t, r.user+" opens a detail page", click(sel), waitJS(fmt.Sprintf(`location.pathname !== %s`, js(tab))),
					waitJS(`!!document.querySelector('main h1')`))
				a.check(t, r.user+" "+tab+"/:id", `!!document.querySelector('main h1')`)
			}
		}
		b.do(t, "staff not found", chromedp.Navigate(b.server.URL+"/staff/no-such-page"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if r.user == "station.hzg" {
			a.check(t, "staff-not-found", `!!document.querySelector('main h1')`)
		}
		b.do(t, "back to the console", chromedp.Navigate(b.server.URL+"/staff"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="whoami"]`)))
		b.logout(t)
	}
}

// seedLead stores two tips sharing a phone, which the lead worker joins
// into a lead for the AHTU console's detail page.
func (a *axeRunner) seedLead(t *testing.T, srv *apitest.Server) {
	t.Helper()
	ctx := context.Background()
	for i, text := range []string{
		"Girls were taken in a white van from Charbagh, the man's number is 98390 11234",
		"A man calling from +91 98390 11234 promises jobs to young women near Hazratganj",
	} {
		in := ingest.NewTip{Text: text, Phones: []string{"+91 98390 11234"},
			Places: []ingest.TipPlace{{Lat: 26.8467 + float64(i)*0.01, Lon: 80.9462, Description: "near the crossing"}}}
		if _, err := srv.Ingest.SubmitTip(ctx, in); err != nil {
			t.Fatalf("tip %d: %v", i, err)
		}
	}
	if _, err := srv.Leads.Run(ctx); err != nil {
		t.Fatalf("lead run: %v", err)
	}
}
