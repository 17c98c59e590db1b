package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/leads"
)

// registerLeadRoutes wires trafficking leads for AHTU officers (their
// unit's leads) and MSP staff and admins (every lead, read-only). Which
// leads a caller sees is the analytics service's decision: another unit's
// lead, and any lead for other roles, is a 404.
func (h *Handler) registerLeadRoutes(v1 *gin.RouterGroup) {
	g := v1.Group("/leads", h.requireAuth())
	g.GET("", handle(h.listLeads))
	g.GET("/export.csv", handle(h.exportLeadsCSV))
	g.GET("/export.geojson", handle(h.exportLeadsGeoJSON))
	g.GET("/:id", handle(h.getLead))
	g.POST("/:id/transition", handle(h.transitionLead))
	g.POST("/:id/notes", handle(h.addLeadNote))
	g.POST("/:id/assign", handle(h.assignLead))
	g.POST("/:id/merge", handle(h.mergeLead))
	g.POST("/:id/split", handle(h.splitLead))
}

// leadFilter reads ?status=&min_score=&district_id=&limit=.
func leadFilter(c *gin.Context) (leads.Filter, error) {
	f := leads.Filter{Status: leads.Status(c.Query("status"))}
	var err error
	if v := c.Query("min_score"); v != "" {
		if f.MinScore, err = strconv.ParseFloat(v, 64); err != nil {
			return f, vikalp.InvalidField("min_score", "bad_number", "min_score must be a number")
		}
	}
	if v := firstQuery(c, "district_id", "district"); v != "" {
		if f.DistrictID, err = strconv.Atoi(v); err != nil {
			return f, vikalp.InvalidField("district_id", "bad_number", "district_id must be a number")
		}
	}
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	return f, nil
}

// firstQuery returns the first non-empty query parameter of keys.
func firstQuery(c *gin.Context, keys ...string) string {
	for _, k := range keys {
		if v := c.Query(k); v != "" {
			return v
		}
	}
	return ""
}

func (h *Handler) listLeads(c *gin.Context) error {
	p, _ := principalOf(c)
	f, err := leadFilter(c)
	if err != nil {
		return err
	}
	list, err := h.deps.Leads.Leads(c.Request.Context(), p, f)
	if err != nil {
		return err
	}
	out := newLeadResponses(list)
	h.placeLeads(c.Request.Context(), out)
	c.JSON(http.StatusOK, gin.H{"leads": out})
	return nil
}

func (h *Handler) getLead(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.deps.Leads.Lead(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	out := newLeadDetailResponse(d)
	one := []leadResponse{out.leadResponse}
	h.placeLeads(c.Request.Context(), one)
	out.leadResponse = one[0]
	c.JSON(http.StatusOK, out)
	return nil
}

func (h *Handler) transitionLead(c *gin.Context) error {
	return h.leadChange(c, http.StatusOK, func(p auth.Principal, id int64, req leadChangeRequest) (leads.Lead, error) {
		return h.deps.Leads.Transition(c.Request.Context(), p, id, leads.Status(req.To), req.Note)
	})
}

func (h *Handler) addLeadNote(c *gin.Context) error {
	return h.leadChange(c, http.StatusOK, func(p auth.Principal, id int64, req leadChangeRequest) (leads.Lead, error) {
		return h.deps.Leads.AddNote(c.Request.Context(), p, id, req.Note)
	})
}

func (h *Handler) assignLead(c *gin.Context) error {
	return h.leadChange(c, http.StatusOK, func(p auth.Principal, id int64, req leadChangeRequest) (leads.Lead, error) {
		return h.deps.Leads.Assign(c.Request.Context(), p, id, req.UserID)
	})
}

func (h *Handler) mergeLead(c *gin.Context) error {
	return h.leadChange(c, http.StatusOK, func(p auth.Principal, id int64, req leadChangeRequest) (leads.Lead, error) {
		return h.deps.Leads.Merge(c.Request.Context(), p, id, req.LeadID)
	})
}

// splitLead answers 201 with the new lead made of req.TipIDs.
func (h *Handler) splitLead(c *gin.Context) error {
	return h.leadChange(c, http.StatusCreated, func(p auth.Principal, id int64, req leadChangeRequest) (leads.Lead, error) {
		return h.deps.Leads.Split(c.Request.Context(), p, id, req.TipIDs)
	})
}

// leadChange binds the lead id and JSON body, runs one workflow call and
// writes the resulting lead with status.
func (h *Handler) leadChange(c *gin.Context, status int, call func(auth.Principal, int64, leadChangeRequest) (leads.Lead, error)) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req leadChangeRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return vikalp.Invalidf("send a JSON body")
	}
	l, err := call(p, id, req)
	if err != nil {
		return err
	}
	one := []leadResponse{newLeadResponse(l)}
	h.placeLeads(c.Request.Context(), one)
	c.JSON(status, one[0])
	return nil
}

// exportLeadsCSV writes the caller's leads under the current filters as
// CSV (audited by the service). No names, phones or text: ids, routing,
// status, score and the centroid.
func (h *Handler) exportLeadsCSV(c *gin.Context) error {
	list, err := h.exportLeads(c, "csv")
	if err != nil {
		return err
	}
	writeCSV(c, "leads.csv", leadCSVHeader, list, leadCSVRow)
	return nil
}

// exportLeadsGeoJSON writes the same rows as a GeoJSON FeatureCollection of
// lead centroids.
func (h *Handler) exportLeadsGeoJSON(c *gin.Context) error {
	list, err := h.exportLeads(c, "geojson")
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="leads.geojson"`)
	c.Data(http.StatusOK, "application/geo+json", newLeadFeatureCollection(list))
	return nil
}

func (h *Handler) exportLeads(c *gin.Context, format string) ([]leads.Lead, error) {
	p, _ := principalOf(c)
	f, err := leadFilter(c)
	if err != nil {
		return nil, err
	}
	return h.deps.Leads.ExportLeads(c.Request.Context(), p, f, format)
}
