package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp/cases"
)

// registerQualityRoutes wires the supervisors' figures: ATR quality on the
// dashboard with the complaints behind each figure, and the daily digest
// (digest.go). Scopes are package cases' (nodal and SP their district, MSP
// the state); a unit outside the caller's scope is a 404.
func (h *Handler) registerQualityRoutes(v1 *gin.RouterGroup) {
	staff := v1.Group("", h.requireAuth())
	staff.GET("/dashboard/quality", handle(h.atrQuality))
	staff.GET("/dashboard/quality/complaints", handle(h.atrQualityComplaints))
	staff.GET("/digest", handle(h.latestDigest))
}

func (h *Handler) atrQuality(c *gin.Context) error {
	p, _ := principalOf(c)
	q, err := h.deps.Cases.Quality(c.Request.Context(), p, qualityFilter(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newQualityResponse(q))
	return nil
}

func (h *Handler) atrQualityComplaints(c *gin.Context) error {
	p, _ := principalOf(c)
	id, _ := strconv.ParseInt(c.Query("id"), 10, 64) // not a number: 0, refused by cases after the role check
	metric, level := cases.QualityMetric(c.Query("metric")), cases.QualityLevel(c.Query("level"))
	entries, err := h.deps.Cases.QualityComplaints(c.Request.Context(), p, metric, level, id, qualityFilter(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"metric": metric, "level": level, "id": id, "entries": newQualityEntries(entries)})
	return nil
}

// qualityFilter reads ?days= and ?sort=.
func qualityFilter(c *gin.Context) cases.QualityFilter {
	f := cases.QualityFilter{SortBy: cases.QualityMetric(c.Query("sort"))}
	if d := c.Query("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			n = -1 // refused by cases, after the caller's role is checked
		}
		f.Days = n
	}
	return f
}

type qualityFigureResponse struct {
	N      int      `json:"n"`
	Count  int      `json:"count"`
	Value  *float64 `json:"value"`
	TooFew bool     `json:"too_few"`
}

type qualityUnitResponse struct {
	Level      string                                        `json:"level"`
	ID         int64                                         `json:"id"`
	Name       bilingualName                                 `json:"name"`
	DistrictID int                                           `json:"district_id"`
	StationID  int64                                         `json:"station_id,omitempty"`
	Rank       *int                                          `json:"rank"`
	Figures    map[cases.QualityMetric]qualityFigureResponse `json:"figures"`
}

type nearCopyResponse struct {
	ATRID              int64   `json:"atr_id"`
	ComplaintID        int64   `json:"complaint_id"`
	Code               string  `json:"code"`
	EarlierATRID       int64   `json:"earlier_atr_id"`
	EarlierComplaintID int64   `json:"earlier_complaint_id"`
	EarlierCode        string  `json:"earlier_code"`
	StationID          int64   `json:"station_id"`
	DistrictID         int     `json:"district_id"`
	OfficerID          *int64  `json:"officer_id,omitempty"`
	Similarity         float64 `json:"similarity"`
}

type qualityResponse struct {
	Since      time.Time             `json:"since"`
	Sort       string                `json:"sort"`
	MinSample  int                   `json:"min_sample"`
	Metrics    []cases.QualityMetric `json:"metrics"`
	Districts  []qualityUnitResponse `json:"districts"`
	Stations   []qualityUnitResponse `json:"stations"`
	Officers   []qualityUnitResponse `json:"officers"`
	NearCopies []nearCopyResponse    `json:"near_copies"`
}

func newQualityResponse(q cases.Quality) qualityResponse {
	units := func(us []cases.QualityUnit) []qualityUnitResponse {
		out := make([]qualityUnitResponse, 0, len(us))
		for _, u := range us {
			r := qualityUnitResponse{Level: string(u.Level), ID: u.ID, Name: bilingualName{EN: u.NameEN, HI: u.NameHI},
				DistrictID: u.DistrictID, StationID: u.StationID, Rank: u.Rank,
				Figures: make(map[cases.QualityMetric]qualityFigureResponse, len(u.Figures))}
			for m, f := range u.Figures {
				r.Figures[m] = qualityFigureResponse{N: f.N, Count: f.Count, Value: f.Value, TooFew: f.TooFew}
			}
			out = append(out, r)
		}
		return out
	}
	r := qualityResponse{Since: q.Since, Sort: string(q.SortBy), MinSample: cases.MinQualitySample,
		Metrics: cases.QualityMetrics, Districts: units(q.Districts), Stations: units(q.Stations),
		Officers: units(q.Officers), NearCopies: make([]nearCopyResponse, 0, len(q.NearCopies))}
	for _, nc := range q.NearCopies {
		r.NearCopies = append(r.NearCopies, newNearCopyResponse(nc))
	}
	return r
}

func newNearCopyResponse(nc cases.NearCopy) nearCopyResponse {
	return nearCopyResponse{ATRID: nc.ATRID, ComplaintID: nc.ComplaintID, Code: string(nc.Code),
		EarlierATRID: nc.EarlierATRID, EarlierComplaintID: nc.EarlierComplaintID, EarlierCode: string(nc.EarlierCode),
		StationID: nc.StationID, DistrictID: nc.DistrictID, OfficerID: nc.DraftedBy, Similarity: nc.Similarity}
}

type qualityEntryResponse struct {
	ComplaintID int64             `json:"complaint_id"`
	Code        string            `json:"code"`
	Status      string            `json:"status"`
	DistrictID  int               `json:"district_id"`
	StationID   int64             `json:"station_id"`
	ATRID       *int64            `json:"atr_id,omitempty"`
	Counted     bool              `json:"counted"`
	Seconds     *float64          `json:"seconds,omitempty"`
	NearCopy    *nearCopyResponse `json:"near_copy,omitempty"`
}

func newQualityEntries(es []cases.QualityEntry) []qualityEntryResponse {
	out := make([]qualityEntryResponse, 0, len(es))
	for _, e := range es {
		r := qualityEntryResponse{ComplaintID: e.ComplaintID, Code: string(e.Code), Status: string(e.Status),
			DistrictID: e.DistrictID, StationID: e.StationID, ATRID: e.ATRID, Counted: e.Counted, Seconds: e.Seconds}
		if e.NearCopy != nil {
			nc := newNearCopyResponse(*e.NearCopy)
			r.NearCopy = &nc
		}
		out = append(out, r)
	}
	return out
}
