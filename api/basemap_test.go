package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/pmtilestest"
	"github.com/vikalp/vikalp/tiles"
)

// writeTestArchive writes a small archive: Lucknow (name, name:hi) in the
// "places" layer of the z6 and z7 tiles around it.
func writeTestArchive(t *testing.T) pmtilestest.Archive {
	t.Helper()
	return pmtilestest.Write(t, "up-test", 6, 7, pmtilestest.Place{Lat: 26.8467, Lon: 80.9462,
		Properties: map[string]any{"name": "Lucknow", "name:hi": "लखनऊ", "kind": "locality"}})
}

// basemapServer serves the router with VIKALP_BASEMAP_PMTILES = location.
func basemapServer(t *testing.T, location string) *httptest.Server {
	t.Helper()
	deps := apitest.Deps(t, pgtest.New(t), apitest.Options{})
	deps.BasemapPMTiles = location
	srv := httptest.NewServer(apitest.Router(t, deps))
	t.Cleanup(srv.Close)
	return srv
}

// rawGet fetches url without transparent decompression, so the stored
// tile bytes arrive as they are sent.
func rawGet(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// checkBasemapTiles checks the TileJSON and the tiles srv serves from ar.
func checkBasemapTiles(t *testing.T, srv *httptest.Server, ar pmtilestest.Archive) {
	t.Helper()
	res, body := rawGet(t, srv.URL+"/basemap/tiles.json")
	var doc struct {
		Tiles        []string         `json:"tiles"`
		MinZoom      int              `json:"minzoom"`
		MaxZoom      int              `json:"maxzoom"`
		VectorLayers []map[string]any `json:"vector_layers"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("tiles.json: %d %s (%v)", res.StatusCode, body, err)
	}
	if want := srv.URL + "/basemap/{z}/{x}/{y}.mvt"; len(doc.Tiles) != 1 || doc.Tiles[0] != want ||
		doc.MinZoom != 6 || doc.MaxZoom != 7 || len(doc.VectorLayers) != 1 || doc.VectorLayers[0]["id"] != "places" {
		t.Errorf("tiles.json = %s", body)
	}
	for mt, stored := range ar.Tiles {
		a, err := tiles.NewAddress(int(mt.Z), int(mt.X), int(mt.Y))
		if err != nil {
			t.Fatal(err)
		}
		res, body := rawGet(t, srv.URL+"/basemap/"+a.String()+".mvt")
		if res.StatusCode != http.StatusOK || !bytes.Equal(body, stored) || res.Header.Get("Content-Encoding") != "gzip" ||
			res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" ||
			res.Header.Get("Cache-Control") != "public, max-age=86400" {
			t.Fatalf("tile %s: %d %v, %d bytes (stored %d)", a, res.StatusCode, res.Header, len(body), len(stored))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := mvt.Unmarshal(plain)
		if err != nil || len(layers) != 1 || layers[0].Features[0].Properties["name:hi"] != "लखनऊ" {
			t.Fatalf("tile %s decodes to %v (%v)", a, layers, err)
		}
		again, _ := rawGet(t, srv.URL+"/basemap/"+a.String()+".mvt", "If-None-Match", res.Header.Get("ETag"))
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("tile %s with its ETag: %d, want 304", a, again.StatusCode)
		}
	}
	lucknow7 := tiles.TileOf(26.8467, 80.9462, 7)
	for _, path := range []string{"7/" + strconv.Itoa(lucknow7.X+1) + "/" + strconv.Itoa(lucknow7.Y) + ".mvt", "12/2967/1709.mvt"} {
		if res, _ := rawGet(t, srv.URL+"/basemap/"+path); res.StatusCode != http.StatusNoContent {
			t.Errorf("tile %s outside the archive: %d, want 204", path, res.StatusCode)
		}
	}
	if res, _ := rawGet(t, srv.URL+"/basemap/7/1/x.mvt"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad tile address: %d, want 400", res.StatusCode)
	}
}

func TestBasemapFromPMTiles(t *testing.T) {
	t.Parallel()
	ar := writeTestArchive(t)

	t.Run("LocalFile", func(t *testing.T) {
		checkBasemapTiles(t, basemapServer(t, ar.Path), ar)
	})

	t.Run("HTTPWithRangeRequests", func(t *testing.T) {
		// The archive on an HTTP server that honours Range (http.ServeFile):
		// every read Vikalp makes must be a range, never the whole file.
		var mu sync.Mutex
		var ranges []string
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			ranges = append(ranges, r.Header.Get("Range"))
			mu.Unlock()
			http.ServeFile(w, r, ar.Path)
		}))
		t.Cleanup(origin.Close)
		checkBasemapTiles(t, basemapServer(t, origin.URL+"/"+filepath.Base(ar.Path)), ar)
		mu.Lock()
		defer mu.Unlock()
		if len(ranges) == 0 {
			t.Fatal("the archive was never read")
		}
		for _, r := range ranges {
			if r == "" || r == "bytes=0-"+strconv.FormatInt(ar.Size-1, 10) {
				t.Errorf("origin read %q: want byte ranges, not the whole archive (all reads: %q)", r, ranges)
			}
		}
	})

	t.Run("NoArchive", func(t *testing.T) {
		srv := basemapServer(t, "")
		for _, path := range []string{"/basemap/tiles.json", "/basemap/6/45/27.mvt"} {
			if res, _ := rawGet(t, srv.URL+path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s without an archive: %d, want 404", path, res.StatusCode)
			}
		}
	})

	t.Run("ArchiveNameMustEndInPMTiles", func(t *testing.T) {
		srv := basemapServer(t, filepath.Join(t.TempDir(), "up.mbtiles"))
		if res, _ := rawGet(t, srv.URL+"/basemap/tiles.json"); res.StatusCode != http.StatusNotFound {
			t.Errorf("misnamed archive: %d, want 404 (base map disabled)", res.StatusCode)
		}
	})
}
