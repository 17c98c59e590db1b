package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/pmtilestest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/web"
)

// TestBrowserBaseMap opens the public hotspot map twice on one database:
// without a street map archive it draws Vikalp's own base layer (district
// boundaries and names in the reader's language, the border, stations)
// under the hotspot cells; with VIKALP_BASEMAP_PMTILES set to an archive
// made here it also draws the archive's streets and place names, fetched
// from /basemap. Both times the hottest cell is described in words with a
// navigate link.
func TestBrowserBaseMap(t *testing.T) {
	chromium := findChromium(t)
	if !web.Built() {
		t.Fatal("the web app is not built into this test binary: run scripts/web.sh first")
	}
	pool := basemapDatabase(t)
	archive := pmtilestest.Write(t, "up-streets", 5, 7, pmtilestest.Place{Lat: 26.8318, Lon: 80.9186,
		Properties: map[string]any{"name": "Charbagh", "name:hi": "चारबाग", "kind": "locality"}})
	own := basemapRouter(t, pool, "", nil)
	var streetPaths pathLog
	streets := basemapRouter(t, pool, archive.Path, &streetPaths)
	b := basemapBrowser(t, chromium, own, pool)

	t.Run("OwnBaseLayerInEnglishAndHindi", func(t *testing.T) {
		b.do(t, "open the map in English", chromedp.Navigate(own.URL+"/map?lang=en"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="legend"]`)), mapSettled(`[data-testid="hotspot-map"]`),
			waitJS(`!!document.querySelector('[data-testid="hotspot-map"] .map-label-district')`))
		base := eval[[]string](t, b, `(() => { const d = document.querySelector('[data-testid="hotspot-map"]').dataset;
			return [d.state, d.base, d.baseLayers]; })()`)
		if base[0] != "ready" || base[1] != "vikalp" ||
			!strings.Contains(base[2], "base-districts-line base-border base-hq base-police base-railway") {
			t.Fatalf("map state, base, base layers = %q", base)
		}
		b.do(t, "district names in English", waitJS(`[...document.querySelectorAll('.map-label-district')]
			.some((e) => e.textContent === 'Lucknow')`))
		b.do(t, "the hottest place described", waitText(`[data-testid="hottest-places"]`, "Lucknow district"))
		where := eval[[]string](t, b, `(() => { const w = document.querySelector('[data-testid="hottest-places"] [data-testid="where"]');
			return [w.textContent, w.querySelector('[data-testid="navigate"]').getAttribute('href')]; })()`)
		if !strings.Contains(where[0], " of Hazratganj police station; ") ||
			!strings.Contains(where[0], " of Lucknow Jn railway station; Lucknow district") || !strings.HasPrefix(where[1], "geo:26.8") {
			t.Errorf("hottest place: %q", where)
		}
		b.shot(t, "40-basemap-own-en")

		b.setLang(t, "hi")
		b.do(t, "district names in Hindi", waitJS(`[...document.querySelectorAll('.map-label-district')]
			.some((e) => e.textContent === 'लखनऊ')`), waitText(`[data-testid="hottest-places"]`, "लखनऊ जिला"))
		if text := eval[string](t, b, `document.querySelector('[data-testid="where-text"]').textContent`); !strings.Contains(text, "हजरतगंज थाना से ") {
			t.Errorf("Hindi description %q", text)
		}
		b.noEnglish(t, "hotspot map with its base")
		b.shot(t, "41-basemap-own-hi")
	})

	t.Run("StreetMapFromPMTiles", func(t *testing.T) {
		b.do(t, "open the map with a street base", chromedp.Navigate(streets.URL+"/map?lang=hi"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="legend"]`)), mapSettled(`[data-testid="hotspot-map"]`),
			waitJS(`[...document.querySelectorAll('.map-label-place')].some((e) => e.textContent === 'चारबाग')`))
		if base := eval[string](t, b, `document.querySelector('[data-testid="hotspot-map"]').dataset.base`); base != "streets+vikalp" {
			t.Errorf("base = %q, want streets+vikalp", base)
		}
		// MapLibre's worker fetches the tiles, so the server counts them.
		if fetched := streetPaths.with("/basemap/"); len(fetched) < 2 || fetched[0] != "/basemap/tiles.json" ||
			!strings.HasPrefix(fetched[1], "/basemap/5/") {
			t.Errorf("street map requests %q, want tiles.json then z5 tiles", fetched)
		}
		b.do(t, "district names over the streets", waitJS(`[...document.querySelectorAll('.map-label-district')]
			.some((e) => e.textContent === 'लखनऊ')`))
		b.noEnglish(t, "hotspot map with a street base")
		b.shot(t, "42-basemap-streets-hi")
	})
	b.noConsoleErrors(t)
}

// basemapDatabase seeds the real districts and the demo stations, a
// railway station as `vikalp import transit` stores it, and one public hot
// r8 cell 1.2 km north-east of Hazratganj thana in the 30-day window.
func basemapDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := jurisdiction.SeedDemo(ctx, pool, apitest.SharedDistricts(t), nil); err != nil {
		t.Fatal(err)
	}
	cells, err := geo.Index(26.8581, 80.9551)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `
		INSERT INTO transit_places (kind, code, name_en, geom)
		VALUES ('railway_station', 'LJN', 'LUCKNOW JN', ST_SetSRID(ST_MakePoint(80.918587, 26.831967), 4326))`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `
		WITH run AS (INSERT INTO analysis_runs (kind, status, started_at, finished_at)
			VALUES ('hotspots', 'done', now(), now()) RETURNING id)
		INSERT INTO hex_stats (window_key, resolution, cell, run_id, window_start, window_end, n_reports,
			n_distinct, score, gi_z, gi_p, gi_p_fdr, bin, district_id)
		SELECT '30d', 8, $1, run.id, now() - interval '30 days', now(), 6, 6, 6, 3.5, 0.0005, 0.001, 3, 162
		FROM run`, cells.R8); err != nil {
		t.Fatalf("seed a hot cell: %v", err)
	}
	return pool
}

// pathLog records the paths a test server was asked for, in order.
type pathLog struct {
	mu    sync.Mutex
	paths []string
}

// with returns the recorded paths starting with prefix.
func (l *pathLog) with(prefix string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, p := range l.paths {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	return out
}

// basemapRouter serves the real router on pool with the base map archive
// at archive ("" for none), as `vikalp serve` does, recording request
// paths in log when it is not nil.
func basemapRouter(t *testing.T, pool *pgxpool.Pool, archive string, log *pathLog) *httptest.Server {
	t.Helper()
	deps := apitest.Deps(t, pool, apitest.Options{})
	deps.BasemapPMTiles = archive
	router := apitest.Router(t, deps)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if log != nil {
			log.mu.Lock()
			log.paths = append(log.paths, r.URL.Path)
			log.mu.Unlock()
		}
		router.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// basemapBrowser starts Chromium as setupServer does, at a phone's width.
func basemapBrowser(t *testing.T, chromium string, srv *httptest.Server, pool *pgxpool.Pool) *bundle {
	t.Helper()
	shots := filepath.Join("..", "var", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	b := &bundle{ctx: ctx, server: srv, pool: pool, shots: shots}
	b.watchErrors(t)
	b.do(t, "emulate a phone", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
	return b
}
