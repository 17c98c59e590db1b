package api

import (
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
)

// hotspotResponse is one cell of the hotspots list. Geometry is the hexagon
// (never a report's point). Every number comes from approved reports, except
// n_complaints, which only callers who may read complaints get (their own
// scope's). Anonymous callers get one count, n_reports (docs/PRIVACY.md).
type hotspotResponse struct {
	Cell         string            `json:"cell"`
	Resolution   int               `json:"resolution"`
	NReports     int               `json:"n_reports"`
	NDistinct    *int              `json:"n_distinct,omitempty"`   // staff only
	NComplaints  *int              `json:"n_complaints,omitempty"` // complaint readers only
	Score        float64           `json:"score"`
	GiZ          float64           `json:"gi_z"`
	P            float64           `json:"p"`
	PFDR         float64           `json:"p_fdr"`
	Bin          int               `json:"bin"`
	Emerging     string            `json:"emerging,omitempty"`
	EmergingCold bool              `json:"emerging_cold,omitempty"`
	DistrictID   int               `json:"district_id,omitempty"`
	Geometry     *geojson.Geometry `json:"geometry"`
	// Where describes the cell's centre, for the hottest cells of a list
	// (placeHotspots); public-safe, as the cell itself is.
	Where *placeResponse `json:"where,omitempty"`
}

// hotspotListResponse is the body of GET /hotspots.
type hotspotListResponse struct {
	Window     string            `json:"window"`
	Resolution int               `json:"resolution"`
	RunID      int64             `json:"run_id,omitempty"`
	Cells      []hotspotResponse `json:"cells"`
}

func newHotspotListResponse(q analytics.HotspotQuery, rows []analytics.HotspotCell, public bool) hotspotListResponse {
	out := hotspotListResponse{Window: q.WindowKey, Resolution: q.Resolution, Cells: []hotspotResponse{}}
	if out.Window == "" {
		out.Window = "30d"
	}
	if out.Resolution == 0 {
		out.Resolution = 8
	}
	for _, r := range rows {
		if r.RunID != 0 {
			out.RunID = r.RunID
		}
		cell := hotspotResponse{Cell: h3.Cell(r.Cell).String(), Resolution: r.Resolution, NReports: r.NReports,
			NComplaints: r.NComplaints, Score: r.Score, GiZ: r.GiZ, P: r.GiP, PFDR: r.GiPFDR, Bin: r.Bin,
			Emerging: string(r.Emerging), EmergingCold: r.EmergingCold, DistrictID: r.DistrictID,
			Geometry: geojson.NewGeometry(geo.HexPolygon(r.Cell))}
		if !public {
			n := r.NDistinct
			cell.NDistinct = &n
		}
		out.Cells = append(out.Cells, cell)
	}
	return out
}

// hotspotCSVHeader names the export columns (staff only); n_complaints is
// empty for callers who may not count complaints.
var hotspotCSVHeader = []string{"cell", "window", "resolution", "n_reports", "n_complaints", "n_distinct",
	"score", "gi_z", "p", "p_fdr", "bin", "emerging", "emerging_cold", "district_id", "center_lat", "center_lon"}

func hotspotCSVRow(r analytics.HotspotCell) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	c := geo.Center(r.Cell) // the hexagon's centre, not any report's point
	complaints := ""
	if r.NComplaints != nil {
		complaints = strconv.Itoa(*r.NComplaints)
	}
	return []string{h3.Cell(r.Cell).String(), r.WindowKey, strconv.Itoa(r.Resolution), strconv.Itoa(r.NReports),
		complaints, strconv.Itoa(r.NDistinct), f(r.Score), f(r.GiZ), f(r.GiP), f(r.GiPFDR),
		strconv.Itoa(r.Bin), string(r.Emerging), strconv.FormatBool(r.EmergingCold), strconv.Itoa(r.DistrictID),
		strconv.FormatFloat(c.Lat(), 'f', 6, 64), strconv.FormatFloat(c.Lon(), 'f', 6, 64)}
}

func hotspotFeature(r analytics.HotspotCell) *geojson.Feature {
	ft := geojson.NewFeature(geo.HexPolygon(r.Cell))
	ft.ID = h3.Cell(r.Cell).String()
	ft.Properties = geojson.Properties{"cell": h3.Cell(r.Cell).String(), "window": r.WindowKey,
		"resolution": r.Resolution, "n_reports": r.NReports,
		"n_distinct": r.NDistinct, "score": r.Score, "gi_z": r.GiZ, "p": r.GiP, "p_fdr": r.GiPFDR,
		"bin": r.Bin, "emerging": string(r.Emerging), "emerging_cold": r.EmergingCold, "district_id": r.DistrictID}
	if r.NComplaints != nil {
		ft.Properties["n_complaints"] = *r.NComplaints
	}
	return ft
}

// principalPtr returns the caller, or nil for an anonymous one.
func principalPtr(c *gin.Context) *auth.Principal {
	if p, ok := principalOf(c); ok {
		return &p
	}
	return nil
}
