package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp/ingest"
)

// reportCSVHeader names the columns of a raw report export.
var reportCSVHeader = []string{"id", "code", "source", "status", "outcome", "category", "text", "happening_now",
	"occurred_at", "received_at", "lat", "lon", "district_id", "district", "station_id", "pcr_unit_id"}

// exportReportsCSV answers the caller's raw reports as CSV (audited).
func (h *Handler) exportReportsCSV(c *gin.Context) error {
	rows, err := h.exportReports(c, "csv")
	if err != nil {
		return err
	}
	writeCSV(c, "reports.csv", reportCSVHeader, rows, reportCSVRow)
	return nil
}

// exportReportsGeoJSON answers the caller's raw reports as GeoJSON points
// (audited).
func (h *Handler) exportReportsGeoJSON(c *gin.Context) error {
	rows, err := h.exportReports(c, "geojson")
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, r := range rows {
		ft := geojson.NewFeature(orb.Point{r.Lon, r.Lat})
		ft.ID = r.ID
		ft.Properties = geojson.Properties{"code": r.Code, "source": r.Source, "status": r.Status,
			"outcome": r.Outcome, "category": string(r.Category), "text": r.Text, "happening_now": r.HappeningNow,
			"occurred_at": r.OccurredAt, "received_at": r.ReceivedAt, "district_id": r.DistrictID,
			"district": r.DistrictEN, "station_id": r.StationID, "pcr_unit_id": r.PCRUnitID}
		fc.Append(ft)
	}
	c.Header("Content-Disposition", `attachment; filename="reports.geojson"`)
	c.Header("Content-Type", "application/geo+json")
	c.JSON(http.StatusOK, fc)
	return nil
}

// exportReports binds ?status=&category=&from=&to= and makes the one
// domain call.
func (h *Handler) exportReports(c *gin.Context, format string) ([]ingest.ExportedReport, error) {
	p, _ := principalOf(c)
	q := ingest.ExportQuery{Status: c.Query("status")}
	if s := c.Query("category"); s != "" {
		cat, err := ingest.ParseCategory(s)
		if err != nil {
			return nil, err
		}
		q.Category = cat
	}
	var err error
	if q.From, err = queryTime(c, "from"); err != nil {
		return nil, err
	}
	if q.To, err = queryTime(c, "to"); err != nil {
		return nil, err
	}
	return h.deps.Ingest.ExportReports(c.Request.Context(), p, q, format)
}

// reportCSVRow renders one report; text cells that a spreadsheet would run
// as a formula are prefixed with a quote.
func reportCSVRow(r ingest.ExportedReport) []string {
	opt := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	id := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.Code, r.Source, r.Status, r.Outcome, string(r.Category),
		spreadsheetSafe(r.Text), strconv.FormatBool(r.HappeningNow), opt(r.OccurredAt),
		r.ReceivedAt.UTC().Format(time.RFC3339), strconv.FormatFloat(r.Lat, 'f', 6, 64),
		strconv.FormatFloat(r.Lon, 'f', 6, 64), strconv.Itoa(r.DistrictID), r.DistrictEN, id(r.StationID),
		id(r.PCRUnitID)}
}

// spreadsheetSafe defuses CSV formula injection: a cell starting with =, +,
// -, @, tab or carriage return gets a leading apostrophe.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
