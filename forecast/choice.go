package forecast

import (
	"math"
	"time"
)

// Compare backtests every candidate (Candidates, naive first) at date with
// the same study area and number of hotspot cells, at cfg.TopShare.
func (h *History) Compare(date time.Time, cfg Config) ([]Result, error) {
	rs, err := h.results(Candidates(cfg), date, cfg, []float64{cfg.TopShare})
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(rs))
	for i := range rs {
		out[i] = rs[i][0]
	}
	return out, nil
}

// Compare is NewHistory(events, date) followed by History.Compare.
func Compare(events []Event, date time.Time, cfg Config) ([]Result, error) {
	h, err := NewHistory(events, date)
	if err != nil {
		return nil, err
	}
	return h.Compare(date, cfg)
}

// ModelScore is how one candidate did against naive in Choose's folds.
type ModelScore struct {
	Model  string
	Score  float64 // geometric mean of the PAI ratio to naive; NaN with no pairs
	Wins   int     // (fold, share) pairs with a higher PAI than naive
	Ties   int     // … with the same PAI
	Losses int     // … with a lower PAI
	Pairs  int     // (fold, share) pairs scored
}

// Choice is the model Choose picked, with the evidence for it.
type Choice struct {
	Model  Model
	Score  float64 // the model's ModelScore.Score: 1 for naive, NaN with no fold
	AsOf   time.Time
	Folds  []time.Time // forecast dates of the folds scored, latest first
	Reason string      // why this model, for analysts
	Table  []ModelScore
}

// Choose picks the default model from the history before asOf alone, by
// rolling backtests: cfg.Folds folds of TestDays each, the latest ending at
// asOf, every candidate judged against naive at each of cfg.Shares with the
// same study area and number of cells. A model's score is the geometric mean
// over the (fold, share) pairs of its PAI over naive's, each PAI taken with ½
// added to its hits, ((n+½)/a) / ((n₀+½)/a₀), so that a fold where either
// catches nothing stays finite. Pairs where naive's PAI is undefined (no
// test or no training events) are skipped; a model naming no cell where
// naive names some scores as if it caught nothing. The highest score wins,
// ties to the earlier candidate, but only above 1: otherwise, or with no
// fold to judge on, naive is the default.
func (h *History) Choose(asOf time.Time, cfg Config) (Choice, error) {
	if err := cfg.Validate(); err != nil {
		return Choice{}, err
	}
	models := Candidates(cfg)
	ch := Choice{Model: models[0], Score: 1, AsOf: asOf}
	table, folds, err := h.rollingScores(models, asOf, cfg)
	if err != nil {
		return Choice{}, err
	}
	ch.Table, ch.Folds = table, folds
	best := 0
	for i := range table {
		if i > 0 && table[i].Score > table[best].Score {
			best = i
		}
	}
	switch {
	case len(folds) == 0:
		ch.Score = math.NaN()
		ch.Reason = "naive: no fold before this date had events to judge a model on"
	case best == 0 || !(table[best].Score > 1):
		ch.Reason = "naive: no candidate beat naive count in the rolling backtests"
	default:
		ch.Model, ch.Score = models[best], table[best].Score
		ch.Reason = "highest geometric-mean PAI ratio to naive in the rolling backtests"
	}
	return ch, nil
}

// rollingScores backtests models (naive first) on cfg.Folds folds ending at
// asOf and scores each against naive. It returns the table and the dates
// of the folds where naive's PAI was defined at some share.
func (h *History) rollingScores(models []Model, asOf time.Time, cfg Config) ([]ModelScore, []time.Time, error) {
	table := make([]ModelScore, len(models))
	logs := make([]float64, len(models))
	for i, m := range models {
		table[i].Model = m.Name()
	}
	var folds []time.Time
	for k := 1; k <= cfg.Folds; k++ {
		date := asOf.Add(-time.Duration(k*cfg.TestDays) * day)
		rs, err := h.results(models, date, cfg, cfg.Shares)
		if err != nil {
			return nil, nil, err
		}
		scored := false
		for j := range cfg.Shares {
			if math.IsNaN(rs[0][j].PAI) {
				continue
			}
			scored = true
			for i := range models {
				logs[i] += table[i].add(rs[i][j], rs[0][j])
			}
		}
		if scored {
			folds = append(folds, date)
		}
	}
	for i := range table {
		table[i].Score = math.NaN()
		if table[i].Pairs > 0 {
			table[i].Score = math.Exp(logs[i] / float64(table[i].Pairs))
		}
	}
	return table, folds, nil
}

// add counts one (fold, share) pair of m against naive's base and returns
// the log of the ½-corrected PAI ratio.
func (s *ModelScore) add(m, base Result) float64 {
	ratio, cmp := versus(m, base)
	s.Pairs++
	switch {
	case cmp > 0:
		s.Wins++
	case cmp < 0:
		s.Losses++
	default:
		s.Ties++
	}
	return math.Log(ratio)
}

// Choose is NewHistory(events, asOf) followed by History.Choose; only the
// events before asOf are read.
func Choose(events []Event, asOf time.Time, cfg Config) (Choice, error) {
	h, err := NewHistory(events, asOf)
	if err != nil {
		return Choice{}, err
	}
	return h.Choose(asOf, cfg)
}

// versus compares a model's result with naive's at the same fold and share:
// the ½-corrected PAI ratio and the sign of the plain PAI difference. base's
// PAI must be defined.
func versus(m, base Result) (ratio float64, cmp int) {
	area := m.HotspotKm2
	if area <= 0 { // named no cell: caught nothing, on naive's area
		area = base.HotspotKm2
	}
	ratio = ((m.TestHits + 0.5) / area) / ((base.TestHits + 0.5) / base.HotspotKm2)
	pai := m.PAI
	if math.IsNaN(pai) {
		pai = 0
	}
	switch {
	case pai > base.PAI*(1+1e-9):
		cmp = 1
	case pai < base.PAI*(1-1e-9):
		cmp = -1
	}
	return ratio, cmp
}
