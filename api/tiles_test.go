package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/testkit"
	"github.com/vikalp/vikalp/tiles"
)

// tileBundle is a router with the tile service on a seeded database.
type tileBundle struct {
	fixture
	router http.Handler // checked against the OpenAPI document (apitest.ValidateContract)
}

func setupTiles(t *testing.T) *tileBundle {
	t.Helper()
	b := &tileBundle{fixture: newFixture(t)}
	b.router = apitest.ValidateContract(t, apitest.Router(t, apitest.Deps(t, b.db, apitest.Options{})))
	return b
}

// get requests path with headers (name, value pairs; empty values are
// left out).
func (b *tileBundle) get(path string, headers ...string) *httptest.ResponseRecorder {
	return serve(b.router, http.MethodGet, path, nil, headers...)
}

// report stores an approved report at lat, lon.
func (b *tileBundle) report(t *testing.T, lat, lon float64) {
	t.Helper()
	c, err := geo.Index(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.Exec(b.ctx, `INSERT INTO reports (source, status, category, received_at, event_at,
		location_source, geom, h3_r5, h3_r7, h3_r8, h3_r9, district_id)
		SELECT 'import', 'approved', 'groping', now(), now(), 'import', ST_SetSRID(ST_MakePoint($2, $1), 4326),
		$3, $4, $5, $6, d.id FROM districts d ORDER BY d.geom <-> ST_SetSRID(ST_MakePoint($2, $1), 4326) LIMIT 1`,
		lat, lon, c.R5, c.R7, c.R8, c.R9)
	if err != nil {
		t.Fatal(err)
	}
}

func tilePath(layer string, a tiles.Address) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, a.Z, a.X, a.Y)
}

func decodeFeatures(t *testing.T, body []byte) int {
	t.Helper()
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	n := 0
	for _, l := range layers {
		n += len(l.Features)
	}
	return n
}

func TestTileOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupTiles(t)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	b.report(t, lat, lon)
	msp := b.token(t, auth.RoleMSPAnalyst, auth.StateScope)
	path := tilePath(tiles.LayerReports, tiles.TileOf(lat, lon, 15))

	rec := b.get(path, "Authorization", msp)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if n := decodeFeatures(t, rec.Body.Bytes()); n != 1 {
		t.Errorf("%d features, want 1", n)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("staff tile Cache-Control %q", cc)
	}
	etag := rec.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Errorf("ETag %q is not a strong tag", etag)
	}
	if rec := b.get(path, "Authorization", msp, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("matching If-None-Match: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	if rec := b.get(path, "Authorization", msp, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
		t.Errorf("other If-None-Match: %d", rec.Code)
	}

	gz := b.get(path, "Authorization", msp, "Accept-Encoding", "br, gzip;q=0.8")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag {
		t.Fatalf("gzip: encoding %q, etag %q", gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(raw, rec.Body.Bytes()) {
		t.Errorf("gunzipped body differs from the plain one (%v)", err)
	}
	if rec := b.get(path, "Authorization", msp, "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused")
	}
}

func TestTileStatuses(t *testing.T) {
	t.Parallel()
	b := setupTiles(t)
	lko := tiles.TileOf(testkit.Lucknow[0], testkit.Lucknow[1], 12)
	ahtu := b.token(t, auth.RoleAHTU, auth.StateScope)
	for name, tc := range map[string]struct {
		path, authz string
		want        int
	}{
		"EmptyHotspots":   {tilePath(tiles.LayerHotspots, lko), "", http.StatusNoContent},
		"BelowMinZoom":    {"/tiles/tips/0/0/0.mvt", ahtu, http.StatusNoContent},
		"XOutOfRange":     {"/tiles/districts/3/8/1.mvt", "", http.StatusBadRequest},
		"ZoomTooDeep":     {"/tiles/districts/23/1/1.mvt", "", http.StatusBadRequest},
		"NotANumber":      {"/tiles/districts/3/a/1.mvt", "", http.StatusBadRequest},
		"BadWindow":       {tilePath(tiles.LayerHotspots, lko) + "?window=2y", "", http.StatusBadRequest},
		"UnknownLayer":    {"/tiles/users/3/1/1.mvt", "", http.StatusNotFound},
		"UnknownTileJSON": {"/tiles/users.json", "", http.StatusNotFound},
		"NoExtension":     {"/tiles/districts/3/1/1", "", http.StatusNotFound},
		"AnonymousTips":   {tilePath(tiles.LayerTips, lko), "", http.StatusUnauthorized},
		"AHTUOnReports":   {tilePath(tiles.LayerReports, lko), ahtu, http.StatusNotFound},
		"AHTUOnTips":      {tilePath(tiles.LayerTips, lko), ahtu, http.StatusNoContent},
		"PBF":             {"/tiles/districts/6/46/27.pbf", "", http.StatusOK},
	} {
		t.Run(name, func(t *testing.T) {
			if rec := b.get(tc.path, "Authorization", tc.authz); rec.Code != tc.want {
				t.Errorf("GET %s: %d, want %d: %s", tc.path, rec.Code, tc.want, rec.Body)
			}
		})
	}
}

func TestPublicTileCaching(t *testing.T) {
	t.Parallel()
	b := setupTiles(t)
	path := tilePath(tiles.LayerDistricts, tiles.TileOf(testkit.Lucknow[0], testkit.Lucknow[1], 7))
	rec := b.get(path)
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "public, max-age=3600" {
		t.Fatalf("districts: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if n := decodeFeatures(t, rec.Body.Bytes()); n == 0 {
		t.Error("no districts around Lucknow")
	}
	again := b.get(path, "If-None-Match", `W/"x", `+rec.Header().Get("ETag"))
	if again.Code != http.StatusNotModified || again.Header().Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("revalidation: %d %q", again.Code, again.Header().Get("Cache-Control"))
	}
	hot := b.get(tilePath(tiles.LayerHotspots, tiles.TileOf(testkit.Lucknow[0], testkit.Lucknow[1], 9)))
	if !strings.Contains(hot.Header().Get("Vary"), "Authorization") {
		t.Errorf("hotspots Vary %q: one URL serves a public and a staff view", hot.Header().Get("Vary"))
	}
}

func TestTileJSON(t *testing.T) {
	t.Parallel()
	b := setupTiles(t)
	rec := b.get("/tiles/hotspots.json?window=90d")
	if rec.Code != http.StatusOK {
		t.Fatalf("tilejson: %d %s", rec.Code, rec.Body)
	}
	var doc struct {
		TileJSON     string     `json:"tilejson"`
		Tiles        []string   `json:"tiles"`
		Bounds       [4]float64 `json:"bounds"`
		MinZoom      *int       `json:"minzoom"`
		MaxZoom      *int       `json:"maxzoom"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 ||
		!strings.HasSuffix(doc.Tiles[0], "/tiles/hotspots/{z}/{x}/{y}.mvt?window=90d") ||
		!strings.HasPrefix(doc.Tiles[0], "http://") || doc.MinZoom == nil || doc.MaxZoom == nil {
		t.Errorf("document: %s", rec.Body)
	}
	if doc.Bounds[0] < 77 || doc.Bounds[2] > 85 || doc.Bounds[1] < 23 || doc.Bounds[3] > 31 {
		t.Errorf("bounds %v are not Uttar Pradesh", doc.Bounds)
	}
	if len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "hotspots" || doc.VectorLayers[0].Fields["bin"] == "" {
		t.Errorf("vector_layers: %+v", doc.VectorLayers)
	}
	if rec := b.get("/tiles/tips.json"); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous tips.json: %d", rec.Code)
	}
}

// TestHeatTileOverHTTP runs the hotspot pipeline on a few reports and reads
// its density surface as staff; anonymous callers are refused.
func TestHeatTileOverHTTP(t *testing.T) {
	t.Parallel()
	b := setupTiles(t)
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	for range 5 {
		b.report(t, lat, lon)
	}
	pipeline := analytics.NewPipeline(b.db, analytics.Deps{Jobs: testkit.Jobs(t, b.db)})
	if _, err := pipeline.Run(b.ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	msp := b.token(t, auth.RoleMSPAnalyst, auth.StateScope)
	path := tilePath(tiles.LayerHeat, tiles.TileOf(lat, lon, 12)) + "?window=7d"

	rec := b.get(path, "Authorization", msp)
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "private, no-store" {
		t.Fatalf("heat tile: %d %q %s", rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
	}
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil || len(layers) != 1 || layers[0].Name != "heat" || len(layers[0].Features) == 0 {
		t.Fatalf("heat tile decodes to %d layers (%v)", len(layers), err)
	}
	top := 0.0
	for _, f := range layers[0].Features {
		top = max(top, f.Properties["level"].(float64))
	}
	if top != 1 {
		t.Errorf("top level %v, want 1 at the reports", top)
	}
	if again := b.get(path, "Authorization", msp, "If-None-Match", rec.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("matching If-None-Match: %d", again.Code)
	}
	if rec := b.get(path); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous heat tile: %d, want 401", rec.Code)
	}
	if rec := b.get("/tiles/heat.json"); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous heat.json: %d, want 401", rec.Code)
	}
	if rec := b.get("/tiles/heat.json?window=7d", "Authorization", msp); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), `"level"`) {
		t.Errorf("staff heat.json: %d %s", rec.Code, rec.Body)
	}
}
