package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp/tiles"
)

// mvtContentType is the registered media type of Mapbox Vector Tiles.
const mvtContentType = "application/vnd.mapbox-vector-tile"

// registerTileRoutes mounts the vector tiles at the root (/tiles/…, short
// URLs for map clients) with the API's authentication, so staff layers see
// the session or token principal.
func (h *Handler) registerTileRoutes(r *gin.Engine) {
	g := r.Group("/tiles", h.authenticate())
	g.GET("/:layer", handleTile(h.getTileJSON))
	g.GET("/:layer/:z/:x/:y", handleTile(h.getTile))
}

// getTile serves /tiles/{layer}/{z}/{x}/{y}.mvt (.pbf is accepted too).
func (h *Handler) getTile(c *gin.Context) error {
	y, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		if y, ok = strings.CutSuffix(c.Param("y"), ".pbf"); !ok {
			return errNoRoute
		}
	}
	addr, err := tiles.ParseAddress(c.Param("z"), c.Param("x"), y)
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	t, err := h.deps.Tiles.Tile(c.Request.Context(), p,
		tiles.Request{Layer: c.Param("layer"), Address: addr, Window: c.Query("window")})
	if err != nil {
		return err
	}
	writeTile(c, t)
	return nil
}

// writeTile writes t with its caching headers: 204 when empty, 304 when
// If-None-Match names it, else the MVT, gzipped when the client accepts it.
func writeTile(c *gin.Context, t *tiles.Tile) {
	hdr := c.Writer.Header()
	setCacheControl(c, cacheControl(t.Public, t.MaxAge.Seconds()))
	vary := "Accept-Encoding"
	if t.PerCaller || isPrivate(c) {
		vary += ", Authorization, Cookie" // one URL, a public and a staff view
	}
	hdr.Set("Vary", vary)
	if t.Empty() {
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	gz := acceptsGzip(c.GetHeader("Accept-Encoding"))
	etag, body := t.ETag, t.Data
	if gz {
		etag, body = t.GzipETag(), t.Gzipped()
	}
	hdr.Set("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), t) {
		c.AbortWithStatus(http.StatusNotModified)
		return
	}
	if gz {
		hdr.Set("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, mvtContentType, body)
}

// cacheControl keeps scoped tiles out of every cache but the caller's own
// request: staff tiles are never shared across scopes, nor stored.
func cacheControl(public bool, maxAge float64) string {
	if !public {
		return "private, no-store"
	}
	return "public, max-age=" + strconv.Itoa(int(maxAge))
}

// getTileJSON serves /tiles/{layer}.json, a TileJSON 3.0 document whose
// tile URL carries the request's hotspot window, if valid.
func (h *Handler) getTileJSON(c *gin.Context) error {
	name, ok := strings.CutSuffix(c.Param("layer"), ".json")
	if !ok {
		return errNoRoute
	}
	url := requestOrigin(c) + "/tiles/" + name + "/{z}/{x}/{y}.mvt"
	if w := c.Query("window"); slices.Contains(tiles.Windows, w) {
		url += "?window=" + w
	}
	p, _ := principalOf(c)
	doc, err := h.deps.Tiles.TileJSON(p, name, url)
	if err != nil {
		return err
	}
	l, _ := tiles.LookupLayer(name)
	setCacheControl(c, cacheControl(l.Access != tiles.AccessStaff, 300))
	c.JSON(http.StatusOK, doc)
	return nil
}

// requestOrigin is the scheme and host the client used, for absolute tile
// URLs (MapLibre needs them).
func requestOrigin(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// handleTile is handle for tile routes, which answer a bad tile address or
// window with 400 (a malformed URL) rather than the API's 422.
func handleTile(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := fn(c)
		if err == nil {
			return
		}
		status, body := errorStatus(err)
		if status != http.StatusUnprocessableEntity {
			writeError(c, err)
			return
		}
		body.RequestID = requestID(c)
		c.AbortWithStatusJSON(http.StatusBadRequest, body)
	}
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		refused := false
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			refused = err != nil || v == 0
		}
		if coding == "gzip" {
			return !refused
		}
		star = !refused
	}
	return star
}

// etagMatches reports whether If-None-Match names either encoding of t
// (weak comparison, as RFC 9110 prescribes for If-None-Match).
func etagMatches(header string, t *tiles.Tile) bool {
	if header == "" {
		return false
	}
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == t.ETag || tag == t.GzipETag() {
			return true
		}
	}
	return false
}
