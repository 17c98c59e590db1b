// Package web serves the browser app (ARCHITECTURE §10): the Vite build of
// the TypeScript sources in this directory, embedded in the binary.
//
// scripts/web.sh builds the app into web/dist, which git ignores. The embed
// pattern "dist*" also matches the committed web/dist-fallback, so the
// package compiles on a fresh clone before npm has run; such a binary serves
// a page that says how to build the app (with status 503), and Built
// reports false. The JSON API does not depend on this package's contents.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed all:dist*
var files embed.FS

const (
	builtDir    = "dist"
	fallbackDir = "dist-fallback"
	indexFile   = "index.html"
	// immutable is for Vite's content-hashed files under assets/.
	immutable = "public, max-age=31536000, immutable"
	// revalidate is for index.html and other unhashed files (the service
	// worker /sw.js, the manifest, the icons), so a deploy is seen at once.
	revalidate = "no-cache"
)

// Built reports whether the binary carries the built app rather than the
// "not built" fallback page.
func Built() bool {
	_, err := fs.Stat(files, builtDir+"/"+indexFile)
	return err == nil
}

// Handler serves the app: embedded files by path, with long cache headers
// for hashed assets and gzip when the client accepts it; index.html for any
// other path without a file extension (a client-side route); 404 for a
// missing file. Only GET and HEAD are answered.
func Handler() http.Handler {
	dir, status := builtDir, http.StatusOK
	if !Built() {
		dir, status = fallbackDir, http.StatusServiceUnavailable
	}
	sub, err := fs.Sub(files, dir)
	if err != nil {
		return unavailable(err)
	}
	h, err := newHandler(sub, status)
	if err != nil {
		return unavailable(err)
	}
	return h
}

// unavailable answers 500 when the embedded files cannot be read, which
// would mean a broken build.
func unavailable(err error) http.Handler {
	msg := fmt.Sprintf("web app unavailable: %v", err)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, msg, http.StatusInternalServerError)
	})
}

// asset is one file held in memory, with its gzip form when that is smaller.
type asset struct {
	body  []byte
	gz    []byte
	etag  string
	ctype string
}

// handler serves a set of files read once at start.
type handler struct {
	assets      map[string]*asset
	index       *asset
	indexStatus int
}

// newHandler reads every file of fsys; index.html is required and is served
// with indexStatus for client routes.
func newHandler(fsys fs.FS, indexStatus int) (*handler, error) {
	h := &handler{assets: map[string]*asset{}, indexStatus: indexStatus}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		a, err := newAsset(name, body)
		if err != nil {
			return err
		}
		h.assets[name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load web app: %w", err)
	}
	if h.index = h.assets[indexFile]; h.index == nil {
		return nil, fmt.Errorf("load web app: no %s", indexFile)
	}
	return h, nil
}

func newAsset(name string, body []byte) (*asset, error) {
	sum := sha256.Sum256(body)
	a := &asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: contentTypes[path.Ext(name)]}
	if a.ctype == "" {
		a.ctype = mime.TypeByExtension(path.Ext(name))
	}
	if a.ctype == "" {
		a.ctype = http.DetectContentType(body)
	}
	if len(body) < 1024 || !compressible(a.ctype) {
		return a, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	if buf.Len() < len(body) {
		a.gz = buf.Bytes()
	}
	return a, nil
}

// contentTypes are the types of the app's files that Go's table (and a
// server's /etc/mime.types) may lack: the web app manifest.
var contentTypes = map[string]string{".webmanifest": "application/manifest+json"}

func compressible(ctype string) bool {
	for _, p := range []string{"text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml"} {
		if strings.HasPrefix(ctype, p) {
			return true
		}
	}
	return false
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if a, ok := h.assets[name]; ok && name != indexFile {
		cache := revalidate
		if strings.HasPrefix(name, "assets/") {
			cache = immutable
		}
		h.write(w, r, a, http.StatusOK, cache)
		return
	}
	if path.Ext(name) != "" {
		// A missing file, not a client route: answering with index.html
		// would hand the browser HTML where it expects a script or image.
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	h.write(w, r, h.index, h.indexStatus, revalidate)
}

// write sends a, gzipped when the client accepts it, answering a matching
// If-None-Match with 304. The status is always written explicitly.
func (h *handler) write(w http.ResponseWriter, r *http.Request, a *asset, status int, cache string) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.ctype)
	hdr.Set("Cache-Control", cache)
	hdr.Set("Vary", "Accept-Encoding")
	body, etag := a.body, a.etag
	if a.gz != nil && acceptsGzip(r) {
		body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
		hdr.Set("Content-Encoding", "gzip")
	}
	hdr.Set("ETag", etag)
	if status == http.StatusOK && r.Header.Get("If-None-Match") == etag {
		hdr.Del("Content-Type")
		hdr.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
