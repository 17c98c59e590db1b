package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/geo"
)

// maxPriorityPlaces caps one answer; the default is 20 (a shift's patrol).
const (
	maxPriorityPlaces     = 500
	defaultPriorityPlaces = 20
)

// registerPriorityRoutes wires the forecast's priority places, staff only.
func (h *Handler) registerPriorityRoutes(v1 *gin.RouterGroup) {
	v1.GET("/priority-places", h.requireAuth(), handle(h.listPriorityPlaces))
}

// listPriorityPlaces returns the latest forecast's model and score and the
// best cells of the caller's scope (?district= narrows it, ?limit= 1–500).
func (h *Handler) listPriorityPlaces(c *gin.Context) error {
	district, err := queryInt(c, "district")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	switch {
	case err != nil:
		return err
	case limit == 0:
		limit = defaultPriorityPlaces
	case limit > maxPriorityPlaces:
		return vikalp.InvalidField("limit", "out_of_range", "limit must be at most 500")
	}
	p, _ := principalOf(c)
	ans, err := h.deps.Priority.Places(c.Request.Context(), p, int(district), int(limit))
	if err != nil {
		return err
	}
	out := newPriorityResponse(ans)
	h.placePriority(c.Request.Context(), out.Places)
	c.JSON(http.StatusOK, out)
	return nil
}

// priorityResponse is the body of GET /priority-places: the forecast in use
// with its backtest score (null before the first forecast run) and its best
// cells in the caller's scope.
type priorityResponse struct {
	Forecast *forecastResponse `json:"forecast"`
	Places   []priorityPlace   `json:"places"`
}

// forecastResponse says which model made the places and how it scored
// against naive counting in the rolling backtests that chose it.
type forecastResponse struct {
	RunID       int64                   `json:"run_id"`
	AsOf        time.Time               `json:"as_of"`
	Model       string                  `json:"model"`
	Score       *float64                `json:"score"` // PAI / naive's, geometric mean; null when no fold was judged
	Reason      string                  `json:"reason"`
	Folds       int                     `json:"folds"`
	Shares      []float64               `json:"shares"`
	Resolution  int                     `json:"resolution"`
	HorizonDays int                     `json:"horizon_days"`
	Candidates  []forecastModelResponse `json:"candidates"`
}

// forecastModelResponse is one candidate's backtest line.
type forecastModelResponse struct {
	Model  string   `json:"model"`
	Score  *float64 `json:"score"`
	Wins   int      `json:"wins"`
	Ties   int      `json:"ties"`
	Losses int      `json:"losses"`
}

// priorityPlace is one cell: its hexagon, never a report's point.
type priorityPlace struct {
	Cell       string            `json:"cell"`
	Rank       int               `json:"rank"` // state-wide
	Score      float64           `json:"score"`
	DistrictID int               `json:"district_id,omitempty"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Where      *placeResponse    `json:"where,omitempty"` // the cell's centre described
}

func newPriorityResponse(a analytics.PriorityAnswer) priorityResponse {
	out := priorityResponse{Places: []priorityPlace{}}
	if f := a.Forecast; f != nil {
		out.Forecast = &forecastResponse{RunID: f.RunID, AsOf: f.AsOf, Model: f.Model, Score: f.Score,
			Reason: f.Reason, Folds: len(f.Folds), Shares: f.Shares, Resolution: f.Resolution,
			HorizonDays: f.HorizonDays, Candidates: []forecastModelResponse{}}
		for _, m := range f.Table {
			out.Forecast.Candidates = append(out.Forecast.Candidates, forecastModelResponse{Model: m.Model,
				Score: m.Score, Wins: m.Wins, Ties: m.Ties, Losses: m.Losses})
		}
	}
	for _, p := range a.Places {
		out.Places = append(out.Places, priorityPlace{Cell: h3.Cell(p.Cell).String(), Rank: p.Rank, Score: p.Score,
			DistrictID: p.DistrictID, Geometry: geojson.NewGeometry(geo.HexPolygon(p.Cell))})
	}
	return out
}
