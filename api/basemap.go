package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pmtiles"
	"github.com/vikalp/vikalp/tiles"
)

// basemapCacheMB bounds the in-process cache of the archive's leaf
// directories (tiles themselves are read per request).
const basemapCacheMB = 64

// basemapMaxAge is how long browsers and shared caches keep a street tile:
// an archive is replaced whole, rarely.
const basemapMaxAge = "public, max-age=86400"

var errNoBasemap = &vikalp.UserError{Kind: vikalp.ErrNotFound, Code: "no_basemap",
	Message: "no street base map is configured"}

// basemap serves the vector tiles of a PMTiles archive (a local file, an
// http(s) URL or s3://bucket/key?region=…) as plain
// /basemap/{z}/{x}/{y}.mvt tiles. internal/pmtiles reads the archive with
// range requests (header and root once, leaf directories through a cache,
// then one range per tile), so the archive is never loaded whole and may
// live in an object store; clients get ordinary tiles and need no
// pmtiles:// protocol, no extra JavaScript and no access to the archive.
type basemap struct {
	archive *pmtiles.Archive
	name    string // archive file name, for the log
}

// newBasemap opens the archive at location for serving.
func newBasemap(ctx context.Context, location string) (*basemap, error) {
	name, err := archiveName(location)
	if err != nil {
		return nil, err
	}
	ar, err := pmtiles.Open(ctx, location, pmtiles.Options{CacheBytes: basemapCacheMB << 20})
	if err != nil {
		return nil, fmt.Errorf("open base map archive: %w", err)
	}
	return &basemap{archive: ar, name: name}, nil
}

// archiveName is the file name VIKALP_BASEMAP_PMTILES ends in, which must
// be *.pmtiles (an .mbtiles file given by mistake fails here, clearly).
func archiveName(location string) (string, error) {
	p := location
	if u, err := url.Parse(location); err == nil && len(u.Scheme) > 1 {
		p = u.Path
	}
	name := path.Base(filepath.ToSlash(p))
	if !strings.HasSuffix(name, ".pmtiles") || name == ".pmtiles" {
		return "", fmt.Errorf("base map archive %q: the name must end in .pmtiles", location)
	}
	return name, nil
}

// basemapOpenTimeout bounds reading a remote archive's header and root
// directory at start-up.
const basemapOpenTimeout = 30 * time.Second

// registerBasemapRoutes mounts /basemap/tiles.json and
// /basemap/{z}/{x}/{y}.mvt. Without an archive (or when it cannot be
// opened, which is logged) both answer 404 and maps draw the base layer of
// Vikalp's own tiles instead.
func (h *Handler) registerBasemapRoutes(r *gin.Engine) {
	if h.deps.BasemapPMTiles != "" {
		// A remote archive that does not answer must not hold up start-up.
		ctx, cancel := context.WithTimeout(context.Background(), basemapOpenTimeout)
		bm, err := newBasemap(ctx, h.deps.BasemapPMTiles)
		cancel()
		if err != nil {
			h.deps.Logger.Error("Street base map disabled", slog.String("error", err.Error()))
		} else {
			h.deps.Logger.Info("Street base map enabled", slog.String("archive", bm.name))
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
	doc, err := h.basemap.tileJSON(c.Request.Context(), requestOrigin(c)+"/basemap/{z}/{x}/{y}.mvt")
	if err != nil {
		return err
	}
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
	setCacheControl(c, basemapMaxAge)
	return h.basemap.serveTile(c, a)
}

// serveTile answers one tile: 204 when the archive lacks it, 304 when the
// client's If-None-Match is its ETag (found in the directories, so no tile
// bytes are read), else the stored bytes with their Content-Encoding.
func (bm *basemap) serveTile(c *gin.Context, a tiles.Address) error {
	ref, found, err := bm.archive.Find(c.Request.Context(), uint8(a.Z), uint32(a.X), uint32(a.Y))
	if err != nil {
		return fmt.Errorf("base map tile %s: %w", a, err)
	}
	if !found { // outside the archive's zooms or area
		c.AbortWithStatus(http.StatusNoContent)
		return nil
	}
	c.Header("ETag", ref.ETag)
	if enc := bm.archive.Header().TileCompression.ContentEncoding(); enc != "" {
		c.Header("Content-Encoding", enc)
	}
	if c.GetHeader("If-None-Match") == ref.ETag {
		c.AbortWithStatus(http.StatusNotModified)
		return nil
	}
	body, err := bm.archive.Read(c.Request.Context(), ref)
	if err != nil {
		return fmt.Errorf("base map tile %s: %w", a, err)
	}
	c.Data(http.StatusOK, mvtContentType, body)
	return nil
}

// tileJSON is the archive's TileJSON 3.0.0 with tileURL, the same document
// go-pmtiles' server made: header bounds, centre and zooms, and the
// metadata's vector_layers, attribution, description, name and version.
func (bm *basemap) tileJSON(ctx context.Context, tileURL string) (map[string]any, error) {
	meta, err := bm.archive.Metadata(ctx)
	if err != nil {
		return nil, fmt.Errorf("base map tilejson: %w", err)
	}
	h := bm.archive.Header()
	doc := map[string]any{"tilejson": "3.0.0", "scheme": "xyz", "tiles": []string{tileURL},
		"bounds": h.Bounds[:], "center": []any{h.Center[0], h.Center[1], h.CenterZoom},
		"minzoom": h.MinZoom, "maxzoom": h.MaxZoom}
	if h.TileType == pmtiles.MVT {
		doc["vector_layers"] = meta["vector_layers"]
	}
	for _, k := range []string{"attribution", "description", "name", "version"} {
		if v, ok := meta[k]; ok {
			doc[k] = v
		}
	}
	return doc, nil
}
