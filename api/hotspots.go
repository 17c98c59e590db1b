package api

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/analytics"
)

// maxHotspotCells caps one list response; exports are not capped.
const maxHotspotCells = 10_000

// registerHotspotRoutes wires the hotspot map data. The list is public
// (anonymous callers get the k-anonymous r8-or-coarser view); exports are for
// logged-in staff and audited.
func (h *Handler) registerHotspotRoutes(v1 *gin.RouterGroup) {
	v1.GET("/hotspots", handle(h.listHotspots))
	v1.GET("/hotspots/export.csv", h.requireAuth(), handle(h.exportHotspotsCSV))
	v1.GET("/hotspots/export.geojson", h.requireAuth(), handle(h.exportHotspotsGeoJSON))
}

// listHotspots returns the cells of one window and resolution as JSON.
func (h *Handler) listHotspots(c *gin.Context) error {
	q, err := bindHotspotQuery(c)
	if err != nil {
		return err
	}
	var p = principalPtr(c)
	rows, err := h.deps.Hotspots.Hotspots(c.Request.Context(), p, q, maxHotspotCells)
	if err != nil {
		return err
	}
	out := newHotspotListResponse(q, rows, p == nil)
	h.placeHotspots(c.Request.Context(), rows, out.Cells)
	c.JSON(http.StatusOK, out)
	return nil
}

// exportHotspotsCSV streams the selected cells as CSV.
func (h *Handler) exportHotspotsCSV(c *gin.Context) error {
	q, err := bindHotspotQuery(c)
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	rows, err := h.deps.Hotspots.Export(c.Request.Context(), p, q, "csv")
	if err != nil {
		return err
	}
	writeCSV(c, "hotspots.csv", hotspotCSVHeader, rows, hotspotCSVRow)
	return nil
}

// writeCSV answers 200 with a CSV attachment called filename: header, then
// row(item) for each item.
func writeCSV[T any](c *gin.Context, filename string, header []string, items []T, row func(T) []string) {
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write(header)
	for _, it := range items {
		_ = w.Write(row(it))
	}
	w.Flush()
}

// exportHotspotsGeoJSON returns the selected cells as a FeatureCollection.
func (h *Handler) exportHotspotsGeoJSON(c *gin.Context) error {
	q, err := bindHotspotQuery(c)
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	rows, err := h.deps.Hotspots.Export(c.Request.Context(), p, q, "geojson")
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, r := range rows {
		fc.Append(hotspotFeature(r))
	}
	c.Header("Content-Disposition", `attachment; filename="hotspots.geojson"`)
	c.Header("Content-Type", "application/geo+json")
	c.JSON(http.StatusOK, fc)
	return nil
}

// bindHotspotQuery reads window, resolution, class and district.
func bindHotspotQuery(c *gin.Context) (analytics.HotspotQuery, error) {
	q := analytics.HotspotQuery{WindowKey: c.Query("window"), Class: c.Query("class")}
	for key, dst := range map[string]*int{"resolution": &q.Resolution, "district": &q.DistrictID} {
		if s := c.Query(key); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				return q, vikalp.InvalidField(key, "not_a_number", key+" must be a positive whole number")
			}
			*dst = v
		}
	}
	return q, nil
}
