package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/tiles"
)

// basemapCacheMB bounds the in-process cache of the archive's header and
// directories (go-pmtiles keeps them; tiles themselves are read per request).
const basemapCacheMB = 64

// basemapMaxAge is how long browsers and shared caches keep a street tile:
// an archive is replaced whole, rarely.
const basemapMaxAge = "public, max-age=86400"

var errNoBasemap = &vikalp.UserError{Kind: vikalp.ErrNotFound, Code: "no_basemap",
	Message: "no street base map is configured"}

// basemap serves the vector tiles of a PMTiles archive (a local file, an
// http(s) URL or a gocloud bucket URL such as s3://…) as plain
// /basemap/{z}/{x}/{y}.mvt tiles. go-pmtiles reads the archive with range
// requests (header, directories, then one range per tile), so the archive
// is never loaded whole and may live in an object store; clients get
// ordinary tiles and need no pmtiles:// protocol, no extra JavaScript and no
// access to the archive.
type basemap struct {
	server *pmtiles.Server
	name   string // archive key without ".pmtiles"
}

// newBasemap opens the archive at location for serving.
func newBasemap(location string, logger *slog.Logger) (*basemap, error) {
	bucketURL, key, err := splitArchiveLocation(location)
	if err != nil {
		return nil, err
	}
	logs := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	srv, err := pmtiles.NewServer(bucketURL, "", logs, basemapCacheMB, "/basemap")
	if err != nil {
		return nil, fmt.Errorf("open base map archive: %w", err)
	}
	srv.Start()
	return &basemap{server: srv, name: strings.TrimSuffix(key, ".pmtiles")}, nil
}

// splitArchiveLocation splits VIKALP_BASEMAP_PMTILES into the bucket URL
// go-pmtiles opens and the archive's key in it.
func splitArchiveLocation(location string) (bucketURL, key string, err error) {
	u, err := url.Parse(location)
	switch {
	case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
		if u.RawQuery != "" {
			return "", "", fmt.Errorf("base map archive URL %q: a query string is not supported", u.Redacted())
		}
		dir, file := path.Split(u.Path)
		bucketURL, key = u.Scheme+"://"+u.Host+strings.TrimSuffix(dir, "/"), file
	case err == nil && len(u.Scheme) > 1 && u.Scheme != "file": // s3://bucket/dir/x.pmtiles?region=…
		q := ""
		if u.RawQuery != "" {
			q = "?" + u.RawQuery
		}
		bucketURL, key = u.Scheme+"://"+u.Host+q, strings.TrimPrefix(u.Path, "/")
	default:
		abs, err := filepath.Abs(strings.TrimPrefix(location, "file://"))
		if err != nil {
			return "", "", fmt.Errorf("base map archive path: %w", err)
		}
		bucketURL, key = "file://"+filepath.ToSlash(filepath.Dir(abs)), filepath.Base(abs)
	}
	if !strings.HasSuffix(key, ".pmtiles") || key == ".pmtiles" {
		return "", "", fmt.Errorf("base map archive %q: the name must end in .pmtiles", location)
	}
	return bucketURL, key, nil
}

// registerBasemapRoutes mounts /basemap/tiles.json and
// /basemap/{z}/{x}/{y}.mvt. Without an archive (or when it cannot be
// opened, which is logged) both answer 404 and maps draw the base layer of
// Vikalp's own tiles instead.
func (h *Handler) registerBasemapRoutes(r *gin.Engine) {
	if h.deps.BasemapPMTiles != "" {
		bm, err := newBasemap(h.deps.BasemapPMTiles, h.deps.Logger)
		if err != nil {
			h.deps.Logger.Error("Street base map disabled", slog.String("error", err.Error()))
		} else {
			h.deps.Logger.Info("Street base map enabled", slog.String("archive", bm.name+".pmtiles"))
		}
		h.basemap = bm
	}
	g := r.Group("/basemap")
	g.GET("/:file", handleTile(h.getBasemapTileJSON))
	g.GET("/:file/:x/:y", handleTile(h.getBasemapTile))
}

// getBasemapTileJSON serves /basemap/tiles.json: the archive's TileJSON
// (bounds, zooms, vector layers) with this server's tile URL.
func (h *Handler) getBasemapTileJSON(c *gin.Context) error {
	if c.Param("file") != "tiles.json" {
		return errNoRoute
	}
	if h.basemap == nil {
		return errNoBasemap
	}
	status, _, body := h.basemap.server.Get(c.Request.Context(), "/"+h.basemap.name+".json")
	if status != http.StatusOK {
		return fmt.Errorf("base map tilejson: archive answered %d: %w", status, errNoBasemap)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("base map tilejson: %w", err)
	}
	doc["tiles"] = []string{requestOrigin(c) + "/basemap/{z}/{x}/{y}.mvt"}
	setCacheControl(c, "public, max-age=300")
	c.JSON(http.StatusOK, doc)
	return nil
}

// getBasemapTile serves one tile of the archive, as stored (usually
// gzip-compressed MVT, sent with Content-Encoding: gzip); a tile the
// archive lacks is an empty 204, like Vikalp's own tiles.
func (h *Handler) getBasemapTile(c *gin.Context) error {
	if h.basemap == nil {
		return errNoBasemap
	}
	y, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return errNoRoute
	}
	a, err := tiles.ParseAddress(c.Param("file"), c.Param("x"), y)
	if err != nil {
		return err
	}
	status, hdr, body := h.basemap.server.Get(c.Request.Context(), "/"+h.basemap.name+"/"+a.String()+".mvt")
	setCacheControl(c, basemapMaxAge)
	switch status {
	case http.StatusOK:
	case http.StatusNoContent, http.StatusNotFound: // outside the archive's zooms or area
		c.AbortWithStatus(http.StatusNoContent)
		return nil
	default:
		return fmt.Errorf("base map tile %s: archive answered %d", a, status)
	}
	for _, k := range []string{"ETag", "Content-Encoding"} {
		if v := hdr[k]; v != "" {
			c.Header(k, v)
		}
	}
	if inm := c.GetHeader("If-None-Match"); inm != "" && inm == hdr["ETag"] {
		c.AbortWithStatus(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, mvtContentType, body)
	return nil
}
