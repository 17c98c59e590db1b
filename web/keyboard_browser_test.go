package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest/ingesttest"
)

// focusJS describes the focused element when it shows no focus indicator
// (an outline of at least 2 px or a box shadow on it, or on the wrapper a
// hidden file input and the map canvas draw theirs on); "" when it shows one.
const focusJS = `(() => {
	const el = document.activeElement;
	if (!el || el === document.body) return '';
	const target = el.closest('.file-btn, .map') || el;
	const s = getComputedStyle(target);
	if ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none') return '';
	return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.getAttribute('data-testid') || el.textContent.trim().slice(0, 40)) +
		' (focus ' + el.matches(':focus') + ' within ' + el.matches(':focus-within') + ', outline ' + s.outlineStyle + ' ' + s.outlineWidth + ', shadow ' + s.boxShadow + ')';
})()`

// press sends one key to the focused element.
func (b *bundle) press(t *testing.T, key string) {
	t.Helper()
	b.do(t, fmt.Sprintf("press %q", key), chromedp.KeyEvent(key))
}

// tabTo presses Tab until the element css matches has the focus, checking
// that every element it passes shows where the focus is.
func (b *bundle) tabTo(t *testing.T, css string) {
	t.Helper()
	for range 80 {
		b.press(t, kb.Tab)
		if bad := eval[string](t, b, focusJS); bad != "" {
			t.Errorf("no visible focus on %s", bad)
		}
		if eval[bool](t, b, fmt.Sprintf(`!!document.activeElement?.matches(%s)`, js(css))) {
			return
		}
	}
	t.Fatalf("80 presses of Tab did not reach %s", css)
}

// typeKeys types text into the focused element, key by key.
func (b *bundle) typeKeys(t *testing.T, text string) {
	t.Helper()
	b.do(t, "type "+text, chromedp.KeyEvent(text))
}

// TestKeyboard does what the public site is for with the keyboard alone
// (Tab, Shift+Tab, Enter, Space, arrows; no clicks): files a complaint,
// tracks it and rates its published ATR, reports a place (the photo chosen
// through the file dialog opened by a key, the place by "use my location")
// and sends a tip. The quick exit is the first tab stop, and every element
// Tab passes shows a visible focus indicator.
func TestKeyboard(t *testing.T) {
	b, _ := setupServer(t)
	b.do(t, "open home", chromedp.Navigate(b.server.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="cta-file"]`)))
	b.setLang(t, "en")
	b.do(t, "open home afresh", chromedp.Navigate(b.server.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="cta-file"]`)))

	t.Run("QuickExitIsTheFirstTabStop", func(t *testing.T) {
		b.press(t, kb.Tab)
		if got := eval[string](t, b, `document.activeElement?.dataset.testid || document.activeElement?.tagName`); got != "quick-exit" {
			t.Fatalf("the first tab stop is %q, want the quick exit", got)
		}
		if bad := eval[string](t, b, focusJS); bad != "" {
			t.Errorf("the quick exit shows no focus: %s", bad)
		}
	})
	var code, secret string
	t.Run("FileTrackAndRate", func(t *testing.T) {
		code, secret = b.fileByKeyboard(t)
		b.publishATR(t, code)
		b.rateByKeyboard(t, code, secret)
	})
	t.Run("ReportAPlace", func(t *testing.T) {
		b.reportByKeyboard(t)
	})
	t.Run("SendATip", func(t *testing.T) {
		b.tipByKeyboard(t)
	})
	b.noConsoleErrors(t)
}

func (b *bundle) fileByKeyboard(t *testing.T) (code, secret string) {
	t.Helper()
	b.tabTo(t, `[data-testid="cta-file"]`)
	b.press(t, kb.Enter)
	b.do(t, "the form", waitJS(`location.pathname === '/file'`),
		waitJS(`document.querySelectorAll('#category option').length > 2`))

	// An empty step is refused; the error is announced and takes the focus.
	b.tabTo(t, `[data-testid="next"]`)
	b.press(t, kb.Enter)
	b.do(t, "errors", chromedp.WaitVisible(chromedp.CSS(`[data-field-error="category"]`)),
		waitJS(`document.activeElement?.id === 'category'`))
	b.errorsAnnounced(t)

	b.press(t, kb.ArrowDown) // the first category
	b.do(t, "a category", waitJS(`document.querySelector('#category').value !== ''`))
	b.tabTo(t, `#description`)
	b.typeKeys(t, "A man follows me every day on the way to college")
	b.tabTo(t, `[data-testid="next"]`)
	b.press(t, kb.Enter)
	b.do(t, "step 2", chromedp.WaitVisible(chromedp.CSS(`[data-testid="use-location"]`)), geolocate(hazratganjLat, hazratganjLon))
	b.tabTo(t, `[data-testid="use-location"]`)
	b.press(t, kb.Enter)
	b.do(t, "located", chromedp.WaitVisible(chromedp.CSS(`[data-testid="clear-location"]`)))
	b.tabTo(t, `[data-testid="next"]`)
	b.press(t, kb.Enter)
	b.do(t, "step 3", chromedp.WaitVisible(chromedp.CSS(`#phone`)))
	b.tabTo(t, `#phone`)
	b.typeKeys(t, "9876543210")
	b.tabTo(t, `#confidential`)
	b.press(t, " ")
	b.do(t, "confidential", waitJS(`document.querySelector('#confidential').checked`))
	b.tabTo(t, `[data-testid="next"]`)
	b.press(t, kb.Enter)
	b.do(t, "review", chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)))
	b.tabTo(t, `[data-testid="submit"]`)
	b.press(t, kb.Enter)
	b.do(t, "filed", chromedp.WaitVisible(chromedp.CSS(`[data-testid="filed-secret"]`)))
	code = strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-code"]').textContent`))
	secret = strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="filed-secret"]').textContent`))
	b.tabTo(t, `[data-testid="track-filed"]`)
	b.press(t, kb.Enter)
	b.do(t, "tracked", waitJS(`document.querySelector('[data-testid="track-status"]')?.dataset.status === 'assigned'`))
	return code, secret
}

// errorsAnnounced fails the test when a shown field error is outside a
// live region (role alert or status, or aria-live) or not tied to its
// field by aria-describedby.
func (b *bundle) errorsAnnounced(t *testing.T) {
	t.Helper()
	bad := eval[[]string](t, b, `[...document.querySelectorAll('[data-field-error]')].filter((el) => {
		const live = el.closest('[aria-live], [role="alert"], [role="status"]');
		const field = document.querySelector('[aria-describedby~="' + el.id + '"]');
		return !live || !el.id || !field;
	}).map((el) => el.dataset.fieldError)`)
	if len(bad) > 0 {
		t.Errorf("field errors not announced or not tied to their field: %v", bad)
	}
}

// publishATR has the station answer the complaint and the nodal officer
// publish the answer, so she can rate it.
func (b *bundle) publishATR(t *testing.T, code string) {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := b.pool.QueryRow(ctx, `SELECT id FROM complaints WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("complaint %s: %v", code, err)
	}
	svc := b.api.Services.Cases // standing in for the worker that makes the digests
	station, nodal := b.principal(t, "station.hzg"), b.principal(t, "nodal.lko")
	if _, err := svc.DraftATR(ctx, station, id, cases.ATRInput{Text: "The man was identified and warned", ActionTaken: "warned"}, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitATR(ctx, station, id, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveATR(ctx, nodal, id, cases.English); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) rateByKeyboard(t *testing.T, code, secret string) {
	t.Helper()
	b.do(t, "open track", chromedp.Navigate(b.server.URL+"/track"), chromedp.WaitVisible(chromedp.CSS(`#code`)))
	b.tabTo(t, `#code`)
	b.typeKeys(t, code)
	b.tabTo(t, `#secret`)
	b.typeKeys(t, secret)
	b.press(t, kb.Enter) // submits the form
	b.do(t, "awaiting her rating", waitJS(`document.querySelector('[data-testid="track-status"]')?.dataset.status === 'awaiting_feedback'`))
	// The result moves the focus to its heading once it has painted (an
	// effect); tabbing before that would lose the focus to it midway.
	b.do(t, "result focused", waitJS(`document.activeElement?.tagName === 'H1'`))
	b.tabTo(t, `input[name="rating"]`)
	// Space checks the focused radio, an arrow moves to the other one and
	// checks it; after each press wait until the page shows it (a loaded
	// machine may still be handling the key when the next check runs).
	const satisfied = `document.querySelector('input[name="rating"][value="SATISFIED"]')?.checked === true`
	for range 3 {
		if eval[bool](t, b, satisfied) {
			break
		}
		if eval[bool](t, b, `document.activeElement.value === 'SATISFIED'`) {
			b.press(t, " ")
		} else {
			b.press(t, kb.ArrowUp)
		}
		b.do(t, "radio checked", waitJS(`document.activeElement?.name === 'rating' && document.activeElement.checked`))
	}
	if !eval[bool](t, b, satisfied) {
		t.Fatal("the keys did not check \"satisfied\"")
	}
	b.tabTo(t, `[data-testid="rate-submit"]`)
	b.press(t, kb.Enter)
	b.do(t, "closed", waitJS(`document.querySelector('[data-testid="track-status"]')?.dataset.status === 'closed'`))
}

// chooseFileByKeyboard opens the file dialog of the focused file input with
// Space, as a person would, and answers it with path (the dialog is
// intercepted: there is no OS dialog to drive).
func (b *bundle) chooseFileByKeyboard(t *testing.T, path string) {
	t.Helper()
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	opened := make(chan cdp.BackendNodeID, 1)
	go func() {
		for ev, err := range chromedp.Events(ctx, page.FileChooserOpened) {
			if err != nil {
				return
			}
			opened <- ev.BackendNodeID
			return
		}
	}()
	intercept := func(on bool) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tgt, page.SetInterceptFileChooserDialog, page.SetInterceptFileChooserDialogParams{Enabled: on})
			return chromedp.Void{}, err
		}
	}
	b.do(t, "intercept the file dialog", intercept(true))
	defer b.do(t, "file dialog back", intercept(false))
	b.press(t, " ")
	var node cdp.BackendNodeID
	select {
	case node = <-opened:
	case <-b.ctx.Done():
		t.Fatal("no file dialog opened")
	}
	b.do(t, "choose "+filepath.Base(path), func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tgt, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: []string{path}, BackendNodeID: node})
		return chromedp.Void{}, err
	})
}

func (b *bundle) reportByKeyboard(t *testing.T) {
	t.Helper()
	photo := filepath.Join(t.TempDir(), "place.jpg")
	if err := os.WriteFile(photo, ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 320, Height: 240}), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, "open report", chromedp.Navigate(b.server.URL+"/report"), chromedp.WaitReady(chromedp.CSS(`[data-testid="photos-input"]`)),
		waitJS(`document.querySelectorAll('#category option').length > 2`), geolocate(hazratganjLat, hazratganjLon))
	b.tabTo(t, `[data-testid="photos-input"]`)
	b.chooseFileByKeyboard(t, photo)
	b.do(t, "photo chosen", waitJS(`document.querySelectorAll('[data-testid="photos-list"] img').length === 1`))
	b.tabTo(t, `[data-testid="location-locate"]`)
	b.press(t, kb.Enter)
	b.do(t, "located", waitJS(`document.querySelector('[data-testid="location-status"]')?.dataset.source === 'device'`))
	b.tabTo(t, `#category`)
	b.press(t, kb.ArrowDown)
	b.do(t, "a category", waitJS(`document.querySelector('#category').value !== ''`))
	b.tabTo(t, `#text`)
	b.typeKeys(t, "Men stand here every evening and pass comments")
	b.tabTo(t, `[data-testid="report-submit"]`)
	b.press(t, kb.Enter)
	b.do(t, "receipt", chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-code"]`)))
	code := strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="report-code"]').textContent`))
	var n int
	if err := b.pool.QueryRow(context.Background(), `SELECT count(*) FROM reports WHERE code = $1`, code).Scan(&n); err != nil || n != 1 {
		t.Errorf("report %q stored %d times (%v)", code, n, err)
	}
}

func (b *bundle) tipByKeyboard(t *testing.T) {
	t.Helper()
	b.do(t, "open tip", chromedp.Navigate(b.server.URL+"/tip"), chromedp.WaitVisible(chromedp.CSS(`#text`)),
		geolocate(hazratganjLat, hazratganjLon))
	b.tabTo(t, `[data-testid="tip-submit"]`)
	b.press(t, kb.Enter)
	b.do(t, "errors", chromedp.WaitVisible(chromedp.CSS(`[data-field-error="text"]`)))
	b.errorsAnnounced(t)
	b.tabTo(t, `#text`)
	b.typeKeys(t, "Two girls were taken away in a van at night")
	// The place without the map or her location: a district, then a place
	// in it found by typing part of its name.
	b.tabTo(t, `[data-testid="place-0-choose-place"]`)
	b.press(t, kb.Enter)
	b.tabTo(t, `#place-0-district`)
	b.press(t, kb.ArrowDown)
	b.do(t, "a district", waitJS(`document.querySelector('#place-0-district').value !== ''`),
		waitJS(`!!document.querySelector('[data-testid="place-0-place-hq"]')`))
	b.tabTo(t, `#place-0-locality`)
	b.typeKeys(t, "headquarters")
	b.do(t, "narrowed to the headquarters", waitJS(`document.querySelectorAll('.place-list button').length === 1`))
	b.tabTo(t, `[data-testid="place-0-place-hq"]`)
	b.press(t, kb.Enter)
	b.do(t, "placed", waitJS(`document.querySelector('[data-testid="place-0-status"]')?.dataset.source === 'place'`))
	district, err := strconv.Atoi(eval[string](t, b, `document.querySelector('#place-0-district').value`))
	if err != nil {
		t.Fatalf("district choice: %v", err)
	}
	b.tabTo(t, `#place-0-description`)
	b.typeKeys(t, "near the bus stand")
	b.tabTo(t, `[data-testid="tip-submit"]`)
	b.press(t, kb.Enter)
	b.do(t, "receipt", chromedp.WaitVisible(chromedp.CSS(`[data-testid="tip-code"]`)))
	code := strings.TrimSpace(eval[string](t, b, `document.querySelector('[data-testid="tip-code"]').textContent`))
	var n int
	if err := b.pool.QueryRow(context.Background(), `SELECT count(*) FROM tips WHERE code = $1`, code).Scan(&n); err != nil || n != 1 {
		t.Errorf("tip %q stored %d times (%v)", code, n, err)
	}
	// The place is the chosen district's headquarters (to the metre the form rounds to).
	var away float64
	if err := b.pool.QueryRow(context.Background(), `SELECT ST_Distance(p.geom::geography, d.hq::geography)
		FROM tip_places p JOIN tips t ON t.id = p.tip_id, districts d WHERE t.code = $1 AND d.id = $2`,
		code, district).Scan(&away); err != nil || away > 10 {
		t.Errorf("tip %q placed %.0f m from district %d's headquarters (%v)", code, away, district, err)
	}
}

// publicPaths are the public pages a person can open by address.
var publicPaths = []string{"/", "/file", "/track", "/report", "/report/track", "/tip", "/map", "/outreach", "/no-such-page"}

// TestA11yReflowAndMotion checks every public page at 200 % zoom (a 1280 px
// window zoomed to 200 % lays out 640 CSS px; a 360 px phone at 200 % text
// zoom is the same at 180 px, below what the app supports) for sideways
// scrolling, and with prefers-reduced-motion for animations and
// transitions.
func TestA11yReflowAndMotion(t *testing.T) {
	b, _ := setupServer(t)
	t.Run("Zoom200", func(t *testing.T) {
		b.do(t, "a 1280 px window at 200 %", chromedp.EmulateViewport(640, 400, chromedp.EmulateScale(2)))
		defer b.do(t, "back to the phone", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
		for _, p := range publicPaths {
			for _, lang := range []string{"en", "hi"} {
				b.do(t, "open "+p, chromedp.Navigate(b.server.URL+p+"?lang="+lang), waitJS(`!!document.querySelector('main h1')`), waitJS(settledJS))
				if w := eval[[]int](t, b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
					t.Errorf("%s (%s) at 200 %%: %d CSS px wide in a %d px window (sideways scrolling)", p, lang, w[0], w[1])
				}
			}
		}
	})
	t.Run("ReducedMotion", func(t *testing.T) {
		media := func(value string) chromedp.Action[chromedp.Void] {
			return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
				_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: value}}})
				return chromedp.Void{}, err
			}
		}
		b.do(t, "prefers reduced motion", media("reduce"))
		defer b.do(t, "motion back", media(""))
		for _, p := range publicPaths {
			b.do(t, "open "+p, chromedp.Navigate(b.server.URL+p), waitJS(`!!document.querySelector('main h1')`), waitJS(settledJS),
				waitJS(`matchMedia('(prefers-reduced-motion: reduce)').matches`))
			moving := eval[[]string](t, b, `[...document.querySelectorAll('*')].flatMap((el) => [el, ':before', ':after'].map((p) =>
				p === el ? [el, getComputedStyle(el)] : [el, getComputedStyle(el, p)])).filter(([, s]) => {
				const long = (v) => v.split(',').some((d) => parseFloat(d) * (d.trim().endsWith('ms') ? 1 : 1000) > 10);
				return (s.animationName !== 'none' && long(s.animationDuration)) || long(s.transitionDuration);
			}).map(([el]) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'))`)
			if len(moving) > 0 {
				t.Errorf("%s moves with prefers-reduced-motion: %v", p, moving)
			}
		}
	})
	b.noConsoleErrors(t)
}
