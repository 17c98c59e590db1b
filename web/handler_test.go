package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>app</title>")},
		"assets/index-abc.js":  {Data: bytes.Repeat([]byte("console.log('vikalp');\n"), 200)},
		"assets/index-abc.css": {Data: []byte("body{}")},
		"robots.txt":           {Data: []byte("User-agent: *\n")},
	}
}

func get(t *testing.T, h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	t.Parallel()
	h, err := newHandler(testFS(), http.StatusOK)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ClientRouteGetsIndex", func(t *testing.T) {
		for _, p := range []string{"/", "/track", "/staff/complaints/12", "/staff/../file"} {
			rec := get(t, h, http.MethodGet, p)
			if rec.Code != http.StatusOK || rec.Body.String() != "<!doctype html><title>app</title>" {
				t.Fatalf("%s: status %d body %q", p, rec.Code, rec.Body)
			}
			if rec.Header().Get("Cache-Control") != revalidate {
				t.Fatalf("%s: Cache-Control %q, want %q", p, rec.Header().Get("Cache-Control"), revalidate)
			}
		}
	})
	t.Run("HashedAssetCachedForAYear", func(t *testing.T) {
		rec := get(t, h, http.MethodGet, "/assets/index-abc.css")
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != immutable {
			t.Fatalf("status %d Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/css; charset=utf-8" {
			t.Fatalf("Content-Type %q", ct)
		}
	})
	t.Run("UnhashedFileRevalidated", func(t *testing.T) {
		rec := get(t, h, http.MethodGet, "/robots.txt")
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != revalidate {
			t.Fatalf("status %d Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
		}
	})
	t.Run("MissingFileIs404NotIndex", func(t *testing.T) {
		rec := get(t, h, http.MethodGet, "/assets/index-old.js")
		if rec.Code != http.StatusNotFound {
			t.Fatalf("status %d, want 404", rec.Code)
		}
	})
	t.Run("GzipWhenAccepted", func(t *testing.T) {
		rec := get(t, h, http.MethodGet, "/assets/index-abc.js", "Accept-Encoding", "br, gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("no gzip: %v", rec.Header())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, testFS()["assets/index-abc.js"].Data) {
			t.Fatal("gzip body does not match the file")
		}
		if rec := get(t, h, http.MethodGet, "/assets/index-abc.js"); rec.Header().Get("Content-Encoding") != "" {
			t.Fatal("gzip sent to a client that did not ask for it")
		}
	})
	t.Run("ETagRevalidation", func(t *testing.T) {
		first := get(t, h, http.MethodGet, "/assets/index-abc.css")
		rec := get(t, h, http.MethodGet, "/assets/index-abc.css", "If-None-Match", first.Header().Get("ETag"))
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("status %d with %d bytes, want 304", rec.Code, rec.Body.Len())
		}
	})
	t.Run("HeadHasNoBody", func(t *testing.T) {
		rec := get(t, h, http.MethodHead, "/track")
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
			t.Fatalf("status %d, %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
		}
	})
	t.Run("PostRefused", func(t *testing.T) {
		if rec := get(t, h, http.MethodPost, "/track"); rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("status %d, want 405", rec.Code)
		}
	})
}

func TestHandlerNotBuiltAnswers503(t *testing.T) {
	t.Parallel()
	h, err := newHandler(fstest.MapFS{"index.html": {Data: []byte("not built")}}, http.StatusServiceUnavailable)
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(t, h, http.MethodGet, "/file"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
}

func TestNewHandlerNeedsIndex(t *testing.T) {
	t.Parallel()
	if _, err := newHandler(fstest.MapFS{"assets/a.js": {Data: []byte("x")}}, http.StatusOK); err == nil {
		t.Fatal("no error without index.html")
	}
}

func TestEmbeddedFallbackHasIndex(t *testing.T) {
	t.Parallel()
	if _, err := files.Open(fallbackDir + "/" + indexFile); err != nil {
		t.Fatalf("the committed fallback page is missing: %v", err)
	}
}

// TestPWAFilesServed: the service worker and the manifest are served at
// their stable URLs with their types, and revalidated on every load, so a
// deploy reaches installed apps at once.
func TestPWAFilesServed(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	fsys["sw.js"] = &fstest.MapFile{Data: []byte("self.addEventListener('fetch', () => {});")}
	fsys["manifest.webmanifest"] = &fstest.MapFile{Data: []byte(`{"name":"Vikalp"}`)}
	h, err := newHandler(fsys, http.StatusOK)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, ctype string }{
		{"/sw.js", "text/javascript; charset=utf-8"},
		{"/manifest.webmanifest", "application/manifest+json"},
	} {
		rec := get(t, h, http.MethodGet, tc.path)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != tc.ctype || rec.Header().Get("Cache-Control") != revalidate {
			t.Errorf("%s: status %d Content-Type %q Cache-Control %q", tc.path, rec.Code,
				rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
		}
	}
}
