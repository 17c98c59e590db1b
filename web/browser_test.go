package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/web"
)

const staffPassword = "browser-test-password-1"

// Hazratganj police station, Lucknow: a complaint placed here goes to station.hzg.
const hazratganjLat, hazratganjLon = 26.8505, 80.9466

// TestBrowser drives Debian's Chromium through the real app on a real server
// and database: a woman files a complaint in Hindi and tracks it; quick exit
// leaves the site by button and by Esc; the station files an ATR, the nodal
// officer publishes it, and she rates it SATISFIED, which closes the case;
// MSP legal sees the dashboard and records the follow-up call; a role
// without a console yet is told so. Then (report_browser_test.go) a hotspot
// is reported with a photo whose EXIF GPS places the pin, a trafficking tip
// is sent and the hotspot map shown, all checked in Hindi, and a moderator
// blurs part of the photo and approves the report.
// Screenshots of each page go to var/screenshots (git-ignored).
func TestBrowser(t *testing.T) {
	b, srv := setupServer(t)

	var code, secret, reportCode string
	t.Run("FileInHindiAndTrack", func(t *testing.T) {
		code, secret = b.fileInHindi(t)
		b.trackShowsStatus(t, code, secret, "assigned", "थाने के पास")
	})
	t.Run("AttachPhotoAndStationSeesIt", func(t *testing.T) {
		if code == "" {
			t.Fatal("no complaint was filed")
		}
		b.attachPhotoAndStationSeesIt(t, code, secret)
	})
	t.Run("QuickExit", func(t *testing.T) {
		b.quickExit(t)
	})
	t.Run("StationATRNodalApprovesSheIsSatisfied", func(t *testing.T) {
		if code == "" {
			t.Fatal("no complaint was filed")
		}
		b.stationFilesATR(t, code)
		b.nodalApproves(t, code)
		b.ratesSatisfied(t, code, secret)
	})
	t.Run("MSPDashboardAndCallTask", func(t *testing.T) {
		if code == "" {
			t.Fatal("no complaint was filed")
		}
		b.mspWorksCallTask(t, code)
	})
	t.Run("OtherRoleSeesComingSoon", func(t *testing.T) {
		b.login(t, "ecell.lko")
		b.do(t, "coming soon", chromedp.WaitVisible(chromedp.CSS(`[data-testid="coming-soon"]`)))
		b.logout(t)
	})
	t.Run("ReportHotspotFromPhotoGPS", func(t *testing.T) {
		reportCode = b.reportHotspotFromPhoto(t)
	})
	t.Run("TrafficTipAndHotspotMapInHindi", func(t *testing.T) {
		b.sendTipInHindi(t)
		b.hotspotMapInHindi(t)
	})
	t.Run("ModeratorRedactsAndApproves", func(t *testing.T) {
		if reportCode == "" {
			t.Fatal("no report was sent")
		}
		b.moderatorApproves(t, reportCode)
	})
	// consoles_browser_test.go
	t.Run("DissatisfiedCaseReachesLegalVetting", func(t *testing.T) {
		b.dissatisfiedReachesLegal(t)
	})
	t.Run("PCRConsoleGetsLiveAlertAndAcknowledges", func(t *testing.T) {
		b.pcrLiveAlert(t)
	})
	t.Run("MSPHeatMapDrawsHexagons", func(t *testing.T) {
		b.mspHeatMap(t)
	})
	t.Run("AHTULeadShowsExplanationAndGraph", func(t *testing.T) {
		b.ahtuLead(t, srv)
	})
	// outreach_browser_test.go
	t.Run("OutreachPosterPrintsOnA4AndItsLinkIsCounted", func(t *testing.T) {
		b.outreachPosterAndLink(t)
	})
	// supervision_browser_test.go
	t.Run("MSPDirectsStationAnswers", func(t *testing.T) {
		b.mspDirectsStationAnswers(t)
	})
	// quality_browser_test.go
	t.Run("ATRQualityAndDigest", func(t *testing.T) {
		b.atrQualityAndDigest(t)
	})
	b.noConsoleErrors(t)
}

// bundle is one browser on one server.
type bundle struct {
	ctx    context.Context
	server *httptest.Server
	api    *apitest.Server // TOTP codes for roles that need a second factor
	pool   *pgxpool.Pool
	shots  string

	mu       sync.Mutex
	jsErrors []string
}

// setupServer starts the server and a browser on it.
func setupServer(t *testing.T) (*bundle, *apitest.Server) {
	t.Helper()
	chromium := findChromium(t)
	if !web.Built() {
		t.Fatal("the web app is not built into this test binary: run scripts/web.sh first")
	}
	srv := startServer(t)

	shots := filepath.Join("..", "var", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Software WebGL for the MapLibre maps (Chromium 137+ needs this opt-in).
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)

	b := &bundle{ctx: ctx, server: srv.Server, api: srv, pool: srv.Pool, shots: shots}
	b.watchErrors(t)
	// The narrowest phone the app supports.
	b.do(t, "emulate a phone", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"},
		Setting:    browser.PermissionSettingGranted, Origin: srv.URL,
	}); err != nil {
		t.Fatalf("grant geolocation: %v", err)
	}
	return b, srv
}

// geolocate makes the browser report the phone at lat, lon.
func geolocate(lat, lon float64) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		acc := 20.0
		_, err := cdp.Call(ctx, tgt, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lon, Accuracy: &acc,
		})
		return chromedp.Void{}, err
	}
}

// findChromium fails the test, never skips it, when there is no browser.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("VIKALP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium not found: install it with `apt-get install chromium chromium-driver` " +
		"(scripts/test.sh does this), or set VIKALP_CHROMIUM")
	return ""
}

// startServer runs the real router and services on a fresh database with
// the UP districts, the demo stations and the officers the test needs.
func startServer(t *testing.T) *apitest.Server {
	t.Helper()
	return apitest.StartWith(t, staffPassword, func(j *jurisdiction.Service) []auth.DemoUser {
		ctx := context.Background()
		// The PCR unit covering the place of the "happening now" report.
		pcr, err := j.PCRUnitFor(ctx, happeningLat, happeningLon)
		if err != nil {
			t.Fatalf("pcr unit: %v", err)
		}
		ahtu, err := j.AHTUForDistrict(ctx, 162)
		if err != nil {
			t.Fatalf("ahtu: %v", err)
		}
		return []auth.DemoUser{
			{Username: "ahtu.lko", DisplayName: "AHTU Lucknow", Role: auth.RoleAHTU,
				Scope: auth.Scope{Kind: auth.ScopeAHTU, ID: int64(ahtu.ID)}},
			{Username: "msp.analyst", DisplayName: "MSP Analyst", Role: auth.RoleMSPAnalyst, Scope: auth.StateScope},
			{Username: "ecell.lko", DisplayName: "E-cell Lucknow", Role: auth.RoleECell,
				Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 162}},
			{Username: "station.hzg", DisplayName: "SHO Hazratganj", Role: auth.RoleStation,
				Scope: auth.Scope{Kind: auth.ScopeStation, ID: apitest.StationID(t, j, "LKO-HAZ")}},
			{Username: "nodal.lko", DisplayName: "Nodal Officer Lucknow", Role: auth.RoleNodal,
				Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 162}},
			{Username: "msp.legal", DisplayName: "MSP Legal", Role: auth.RoleMSPLegal, Scope: auth.StateScope},
			{Username: "pcr.lko", DisplayName: "PCR Lucknow", Role: auth.RolePCR,
				Scope: auth.Scope{Kind: auth.ScopePCR, ID: pcr.ID}},
			{Username: "moderator.up", DisplayName: "Moderator UP", Role: auth.RoleModerator, Scope: auth.StateScope},
			{Username: "sp.lko", DisplayName: "SP Lucknow", Role: auth.RoleSP, Scope: auth.Scope{Kind: auth.ScopeDistrict, ID: 162}},
			{Username: "admin.up", DisplayName: "Administrator", Role: auth.RoleAdmin, Scope: auth.StateScope},
		}
	}, apitest.Options{Workers: true})
}

// watchErrors records uncaught exceptions, console.error calls and browser
// errors such as CSP violations; the app must produce none. Failed requests
// are left out: the test makes some on purpose (a wrong secret is a 404).
func (b *bundle) watchErrors(t *testing.T) {
	t.Helper()
	exceptions := chromedp.Events(b.ctx, runtime.ExceptionThrown)
	console := chromedp.Events(b.ctx, runtime.ConsoleAPICalled)
	entries := chromedp.Events(b.ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if e := ev.Entry; e.Level == cdplog.EntryLevelError && e.Source != cdplog.EntrySourceNetwork {
				b.addJSError(fmt.Sprintf("%s: %s", e.Source, e.Text))
			}
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			b.addJSError((&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				b.addJSError("console.error: " + strings.Join(parts, " "))
			}
		}
	}()
}

func (b *bundle) addJSError(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jsErrors = append(b.jsErrors, s)
}

func (b *bundle) noConsoleErrors(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.jsErrors {
		t.Errorf("browser error: %s", e)
	}
}

// do runs steps with a deadline, failing the test with what was being done.
func (b *bundle) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	// Generous: a step on a loaded CI machine (software WebGL, the server
	// and PostGIS on the same cores) can take many times its usual second.
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot(t, "failed")
		pctx, pcancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer pcancel()
		page, _ := chromedp.Run(pctx, chromedp.Evaluate[string](`location.pathname + '\n' + document.body.innerText.slice(0, 1500)`))
		t.Fatalf("%s: %v\n%s\npage now: %s", what, err, b.serverState(), page)
	}
}

// serverState describes the server's database side when a step failed: the
// pool's counts and what every other connection to the test database is
// doing, read on a connection of its own (the pool may be what is stuck).
func (b *bundle) serverState() string {
	st := b.pool.Stat()
	out := fmt.Sprintf("pool: %d acquired, %d idle, %d max, %d waiting acquires so far\n",
		st.AcquiredConns(), st.IdleConns(), st.MaxConns(), st.EmptyAcquireCount())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, b.pool.Config().ConnConfig)
	if err != nil {
		return out + "connect: " + err.Error()
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT state, coalesce(wait_event_type || '/' || wait_event, ''),
		round(extract(epoch FROM now() - coalesce(xact_start, state_change))::numeric, 1), left(query, 120)
		FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY 3 DESC`)
	if err != nil {
		return out + "pg_stat_activity: " + err.Error()
	}
	for rows.Next() {
		var state, wait, query string
		var secs float64
		if err := rows.Scan(&state, &wait, &secs, &query); err != nil {
			return out + err.Error()
		}
		out += fmt.Sprintf("  %-20s %-28s %6.1fs %s\n", state, wait, secs, strings.Join(strings.Fields(query), " "))
	}
	return out
}

func eval[T any](t *testing.T, b *bundle, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw)
}

// waitJS waits until the JavaScript expression is truthy.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second))
}

// waitText waits until the first element matching css contains want.
func waitText(css, want string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(document.querySelector(%s)?.textContent || '').includes(%s)`, js(css), js(want)))
}

// choose picks an option of a <select> as a person would, firing "change".
func choose(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.value = %s;
		el.dispatchEvent(new Event('change', { bubbles: true }));
	})()`, js(css), js(value)))
}

// clearInput empties a text field as deleting its text would, firing "input".
func clearInput(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.value = '';
		el.dispatchEvent(new Event('input', { bubbles: true }));
	})()`, js(css)))
}

// waitLocation waits until the tab has navigated to url; it polls from Go
// because a navigation destroys the page's JavaScript context.
func waitLocation(url string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		for {
			if loc, err := chromedp.Location()(ctx, tgt); err == nil && loc == url {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("wait for %s: %w", url, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// click taps the element css matches as a person would, once a person
// could: it waits until the element is visible, enabled, has not moved for a
// frame and is what a tap at its centre would hit, clicks there with the
// mouse, and checks that the click reached it. A late scroll (a step that
// focuses its heading) or re-render can move the element between finding it
// and the click; chromedp.Click alone then tapped whatever was there instead
// and the test waited 45 s for a reaction that never came.
func click(css string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		for attempt := 1; attempt <= 3; attempt++ {
			// The token makes "still" mean still during this attempt, not
			// since an earlier click on the same element.
			token := fmt.Sprint(time.Now().UnixNano())
			xy, err := chromedp.PollFunction[[]float64](clickReadyJS, chromedp.WithPollingArgs(css, token),
				chromedp.WithPollingTimeout(30*time.Second))(ctx, tgt)
			if err != nil {
				return chromedp.Void{}, fmt.Errorf("click %s: not clickable: %w", css, err)
			}
			if _, err := chromedp.MouseClickXY(xy[0], xy[1])(ctx, tgt); err != nil {
				return chromedp.Void{}, fmt.Errorf("click %s: %w", css, err)
			}
			// A click that navigated away replaced window and its marker
			// (evaluating may then fail while the new page loads).
			missed, err := chromedp.Evaluate[bool](`window.__vikalpClick === 'armed'`)(ctx, tgt)
			if err != nil || !missed {
				return chromedp.Void{}, nil
			}
		}
		return chromedp.Void{}, fmt.Errorf("click %s: three clicks at its centre did not reach it", css)
	}
}

// clickReadyJS returns the centre of the element sel matches when it can be
// clicked there (else null), and arms the check that the click arrives.
const clickReadyJS = `(sel, token) => {
	const el = document.querySelector(sel);
	if (!el || el.disabled) return null;
	el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
	const r = el.getBoundingClientRect();
	if (r.width === 0 || r.height === 0) return null;
	const at = [token, r.left, r.top, r.width, r.height].join(',');
	const still = el.__vikalpRect === at;
	el.__vikalpRect = at;
	if (!still) return null;
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const hit = document.elementFromPoint(x, y);
	if (!hit || !(el.contains(hit) || hit.contains(el) || hit.closest('label')?.control === el)) return null;
	if (!el.__vikalpWatch) {
		el.__vikalpWatch = true;
		el.addEventListener('click', () => { window.__vikalpClick = 'landed'; }, true);
	}
	window.__vikalpClick = 'armed';
	return [x, y];
}`

func typeInto(css, text string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible)
}

// shot writes a full-page screenshot to var/screenshots/NAME.png, after
// checking that the page fits the 360 px screen without sideways scrolling.
func (b *bundle) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err == nil && w > 360 {
		t.Errorf("%s: the page is %d px wide on a 360 px screen", name, w)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// englishLeft lists the Latin words visible on the page, leaving out what is
// marked as English on purpose (the "English" switch, the Esc key name) and
// complaint codes and secrets (marked translate="no").
const englishLeft = `(() => {
	const copy = document.body.cloneNode(true);
	copy.querySelectorAll('[lang="en"], [translate="no"], kbd, script, style, noscript').forEach((el) => el.remove());
	return (copy.textContent.match(/[A-Za-z]{2,}/g) || []);
})()`

func (b *bundle) fileInHindi(t *testing.T) (code, secret string) {
	t.Helper()
	b.do(t, "open home", chromedp.Navigate(b.server.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="quick-exit"]`)))
	b.do(t, "switch to Hindi", click(`[data-testid="lang-switch"]`), waitJS(`document.documentElement.lang === 'hi'`),
		waitText("h1", "उत्पीड़न"))
	if left := eval[[]string](t, b, englishLeft); len(left) > 0 {
		t.Errorf("English left on the Hindi home page: %v", left)
	}
	for _, n := range []string{"112", "1090", "181"} {
		if !eval[bool](t, b, fmt.Sprintf(`!!document.querySelector('.emergency a[href="tel:%s"]')`, n)) {
			t.Errorf("emergency number %s is not shown", n)
		}
	}
	b.shot(t, "01-home-hi")

	// Step 1: the client refuses an empty form, in Hindi, next to the field.
	b.do(t, "open the form", click(`[data-testid="cta-file"]`), chromedp.WaitVisible(chromedp.CSS(`#category`)),
		click(`[data-testid="next"]`), waitText(`[data-field-error="category"]`, "समस्या"))
	// The form's own error messages follow a language switch.
	b.setLang(t, "en")
	b.do(t, "the error in English", waitText(`[data-field-error="category"]`, "Choose what kind of problem"))
	b.setLang(t, "hi")
	b.do(t, "and in Hindi again", waitText(`[data-field-error="category"]`, "समस्या"))
	b.do(t, "what happened",
		waitJS(`document.querySelectorAll('#category option').length > 5`),
		choose(`#category`, "stalking"),
		typeInto(`#description`, "एक व्यक्ति रोज़ कॉलेज के रास्ते में मेरा पीछा करता है"),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#district_id`)))
	b.shot(t, "02-file-where")

	// Step 2: the district list is in Hindi; her location, once given, wins.
	// She is in Mumbai at first, which only the server can refuse.
	b.do(t, "where",
		waitJS(`[...document.querySelectorAll('#district_id option')].some((o) => o.value === '162' && o.textContent.includes('लखनऊ'))`),
		choose(`#district_id`, "162"),
		geolocate(19.07, 72.87),
		click(`[data-testid="use-location"]`), waitJS(`!document.querySelector('#district_id')`),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)))

	// Step 3: a bad phone number is caught before sending.
	b.do(t, "contact",
		typeInto(`#name`, "सुनीता"),
		typeInto(`#phone`, "12345"),
		click(`[data-testid="next"]`), waitText(`[data-field-error="phone"]`, "मोबाइल"),
		clearInput(`#phone`), typeInto(`#phone`, "98765 43210"),
		click(`#confidential`),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)),
		waitText(`[data-testid="review"]`, "मेरी अभी की जगह"))
	b.shot(t, "03-file-review")

	// The server's Hindi message appears next to the place, on its step.
	b.do(t, "send from outside UP", click(`[data-testid="submit"]`),
		waitText(`[data-testid="step-title"]`, "कहाँ"), chromedp.WaitVisible(chromedp.CSS(`[data-field-error="location"]`)))
	if msg := eval[string](t, b, `document.querySelector('[data-field-error="location"]').textContent`); !strings.ContainsAny(msg, "उप्रदेशनहीं") {
		t.Errorf("location error %q is not the server's Hindi message", msg)
	}
	b.shot(t, "03b-file-outside-up")
	b.do(t, "move to Hazratganj and send", click(`[data-testid="clear-location"]`), geolocate(hazratganjLat, hazratganjLon),
		click(`[data-testid="use-location"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clear-location"]`)),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)),
		click(`[data-testid="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="filed-secret"]`)))
	code = strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-code"]').textContent`))
	secret = strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-secret"]').textContent`))
	if code == "" || secret == "" {
		t.Fatalf("code %q secret %q", code, secret)
	}
	if left := eval[[]string](t, b, englishLeft); len(left) > 0 {
		t.Errorf("English left on the Hindi success page: %v", left)
	}
	b.shot(t, "04-filed")
	b.do(t, "track from the success page", click(`[data-testid="track-filed"]`),
		waitJS(`document.querySelector('[data-testid="track-status"]')?.dataset.status === 'assigned'`))
	return code, secret
}

// trackShowsStatus tracks by typing code and secret, after a wrong secret
// is refused with a message in Hindi.
func (b *bundle) trackShowsStatus(t *testing.T, code, secret, status, label string) {
	t.Helper()
	b.do(t, "open track", chromedp.Navigate(b.server.URL+"/track"), chromedp.WaitVisible(chromedp.CSS(`#code`)),
		typeInto(`#code`, code), typeInto(`#secret`, "WRONGSECRETWRONG"), click(`[data-testid="track-submit"]`),
		waitJS(`!!document.querySelector('.notice-error')?.textContent`))
	msg := eval[string](t, b, `document.querySelector('.notice-error').textContent`)
	if !strings.ContainsAny(msg, "अआइईउएओकखगचजटडतदनपबमयरलवशसह") {
		t.Errorf("wrong-secret message %q is not in Hindi", msg)
	}
	b.do(t, "track", clearInput(`#secret`), typeInto(`#secret`, secret), click(`[data-testid="track-submit"]`),
		waitJS(fmt.Sprintf(`document.querySelector('[data-testid="track-status"]')?.dataset.status === %s`, js(status))),
		waitText(`[data-testid="track-status"]`, label),
		waitText("main", "पीछा करना")) // the category, once the list has loaded
	if left := eval[[]string](t, b, englishLeft); len(left) > 0 {
		t.Errorf("English left on the Hindi tracking page: %v", left)
	}
	b.shot(t, "05-track-"+status)
}

// quickExit leaves by button and by Esc. The neutral page is the test
// server's /healthz (there is no internet here), set through data-exit-url.
func (b *bundle) quickExit(t *testing.T) {
	t.Helper()
	neutral := b.server.URL + "/healthz"
	setExit := chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.exitUrl = ` + js(neutral))
	atNeutral := waitLocation(neutral)
	b.do(t, "quick exit button", chromedp.Navigate(b.server.URL+"/file"), chromedp.WaitVisible(chromedp.CSS(`#description`)),
		setExit, click(`[data-testid="quick-exit"]`), atNeutral)
	b.do(t, "quick exit by Esc", chromedp.Navigate(b.server.URL+"/track"), chromedp.WaitVisible(chromedp.CSS(`#code`)),
		setExit, click(`#code`), chromedp.KeyEvent(kb.Escape), atNeutral)
}

func (b *bundle) login(t *testing.T, username string) {
	t.Helper()
	b.do(t, "log in as "+username, chromedp.Navigate(b.server.URL+"/staff/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		typeInto(`#username`, username), typeInto(`#password`, staffPassword), click(`[data-testid="login-submit"]`),
		waitJS(`!!document.querySelector('[data-testid="whoami"], #totp-code')`))
	// Roles that must use TOTP (apitest seeds the demo secret) get a code step.
	if eval[bool](t, b, `!!document.querySelector('#totp-code')`) {
		b.do(t, "second factor for "+username, typeInto(`#totp-code`, b.api.TOTPCode(t, username)),
			click(`[data-testid="totp-submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="whoami"]`)))
	}
}

func (b *bundle) logout(t *testing.T) {
	t.Helper()
	b.do(t, "log out", click(`[data-testid="logout"]`), chromedp.WaitVisible(chromedp.CSS(`#username`)))
}

func (b *bundle) openFromQueue(t *testing.T, code string) {
	t.Helper()
	item := fmt.Sprintf(`[data-testid="queue"] a[data-code=%s]`, js(code))
	b.do(t, "open "+code+" from the queue", chromedp.WaitVisible(chromedp.CSS(item)), click(item),
		waitText(`[data-testid="detail-code"]`, code))
}

func (b *bundle) stationFilesATR(t *testing.T, code string) {
	t.Helper()
	b.login(t, "station.hzg")
	b.do(t, "staff console in English", click(`[data-testid="lang-switch"]`), waitJS(`document.documentElement.lang === 'en'`))
	item := fmt.Sprintf(`[data-testid="queue"] a[data-code=%s]`, js(code))
	b.do(t, "queue shows the SLA countdown", chromedp.WaitVisible(chromedp.CSS(item)),
		waitJS(fmt.Sprintf(`/left/.test(document.querySelector(%s + ' .deadline')?.textContent || '')`, js(item))))
	b.shot(t, "06-station-queue")
	b.openFromQueue(t, code)
	b.do(t, "draft the ATR", chromedp.WaitVisible(chromedp.CSS(`#text`)),
		typeInto(`#text`, "आरोपी की पहचान कर ली गई है और उसे चेतावनी दी गई है"),
		typeInto(`#action_taken`, "चेतावनी दी गई"),
		typeInto(`#internal_note`, "OFFICER-ONLY-NOTE"),
		click(`[data-testid="atr-save"]`), waitText(`.notice-ok`, "Draft saved"))
	b.do(t, "submit the ATR", click(`[data-testid="atr-submit"]`), waitText(`.notice-ok`, "nodal officer"),
		waitText(`[data-testid="detail-status"]`, "awaiting vetting"))
	b.shot(t, "07-station-atr-submitted")
	b.logout(t)
}

func (b *bundle) nodalApproves(t *testing.T, code string) {
	t.Helper()
	b.login(t, "nodal.lko")
	b.do(t, "today's digest is home", waitJS(`location.pathname === '/staff/today'`))
	b.do(t, "vetting queue", click(`a[href="/staff/vetting"]`), waitJS(`location.pathname === '/staff/vetting'`))
	b.openFromQueue(t, code)
	b.do(t, "approve", waitText(`#vet-title`, "Vet"), click(`[data-testid="vet-approve"]`),
		waitText(`.notice-ok`, "Published"),
		waitJS(`document.querySelector('[data-testid="detail-status"]')?.dataset.status === 'awaiting_feedback'`))
	b.shot(t, "08-nodal-approved")
	b.logout(t)
}

func (b *bundle) ratesSatisfied(t *testing.T, code, secret string) {
	t.Helper()
	b.do(t, "back to Hindi", chromedp.Navigate(b.server.URL+"/"), click(`[data-testid="lang-switch"]`),
		waitJS(`document.documentElement.lang === 'hi'`))
	b.trackShowsStatus(t, code, secret, "awaiting_feedback", "आपके उत्तर की प्रतीक्षा")
	if txt := eval[string](t, b, `document.body.textContent`); strings.Contains(txt, "OFFICER-ONLY-NOTE") {
		t.Fatal("the officer-internal note reached the complainant")
	}
	b.do(t, "rate", waitText(`[data-testid="atr"]`, "आरोपी की पहचान"),
		click(`input[name="rating"][value="SATISFIED"]`), click(`[data-testid="rate-submit"]`),
		waitJS(`document.querySelector('[data-testid="track-status"]')?.dataset.status === 'closed'`),
		waitText(`[data-testid="track-status"]`, "बंद"))
	b.shot(t, "09-closed")
}

// mspWorksCallTask uses the MSP consoles in Hindi (the language she last chose).
func (b *bundle) mspWorksCallTask(t *testing.T, code string) {
	t.Helper()
	b.login(t, "msp.legal")
	b.do(t, "legal queue is home", waitJS(`location.pathname === '/staff/legal'`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-empty"]`)))
	b.do(t, "dashboard", click(`a[href="/staff/dashboard"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="dash-stats"]`)),
		waitText("table.districts", "लखनऊ"))
	if left := eval[[]string](t, b, englishLeft); len(left) > 0 {
		t.Errorf("English left on the Hindi dashboard: %v", left)
	}
	b.shot(t, "10-msp-dashboard")
	task := fmt.Sprintf(`[data-testid="call-task"][data-code=%s]`, js(code))
	b.do(t, "record the follow-up call", click(`a[href="/staff/calls"]`), chromedp.WaitVisible(chromedp.CSS(task)),
		click(task+` input[value="reached"]`), click(task+` button[type="submit"]`),
		waitText(".notice-ok", "दर्ज हो गया"), waitJS(`!document.querySelector(`+js(task)+`)`))
	b.shot(t, "11-msp-calls")
	b.logout(t)
}
