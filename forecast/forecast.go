package forecast

import (
	"time"

	"github.com/vikalp/vikalp"
)

// Forecast returns m's forecast at res for the horizonDays from asOf, from
// h's events before asOf: every cell with a positive score, best first, ties
// by cell id. asOf must be a whole number of days from h's origin.
func (h *History) Forecast(m Model, asOf time.Time, res, horizonDays int) ([]CellScore, error) {
	if err := checkResolution(res); err != nil {
		return nil, err
	}
	if err := checkDays("horizon_days", horizonDays); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, vikalp.InvalidField("model", "missing", "a model is needed")
	}
	cut, err := h.dayIndex(asOf)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.layerAt(res)
	h.ensureSpreads(l, []kernel{m.kernel()})
	scores := m.score(newPast(h, l, cut, horizonDays))
	order := h.ranker.rank(scores, l.cells, l.nBase, len(scores))
	out := make([]CellScore, len(order))
	for i, j := range order {
		out[i] = CellScore{Cell: l.cells[j], Score: scores[j]}
	}
	return out, nil
}

// CellScore is one cell of a forecast.
type CellScore struct {
	Cell  int64 // H3 cell at the forecast's resolution
	Score float64
}
