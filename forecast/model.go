package forecast

import (
	"fmt"
	"regexp"
	"strconv"
)

// LongLookbackDays is how far back the decayed, long-count and
// self-exciting candidates read: two years, so persistent places are told
// from a single bad season and every month of the year is seen twice.
const LongLookbackDays = 730

// Model forecasts where the next incidents will be: a score per cell, higher
// meaning more incidents expected in it. Models are
// built by this package (Naive, Count, Decayed, Prospective, SelfExciting,
// ParseModel) and read only the events before the date they forecast from.
type Model interface {
	// Name is the model's stable identifier, e.g. "decayed-30d+kde-400m";
	// ParseModel(m.Name()) gives the model back.
	Name() string
	// LookbackDays is how many days before the forecast date the model reads.
	LookbackDays() int

	kernel() kernel
	// score returns the surface: one score per layer cell (cells past its
	// end score 0), read-only and valid until the next score on the same
	// History.
	score(p *past) []float64
}

// naive is the baseline: the count of events per cell in the training
// window, ranked by count with ties by cell id.
type naive struct{ days int }

// Naive returns the baseline model: the number (total weight) of events in
// each cell over the last trainDays, ranked by count, ties by cell id. It is
// the bar every other model must beat, so it does nothing clever: no
// smoothing, no recency, no longer history.
func Naive(trainDays int) Model { return naive{trainDays} }

func (m naive) Name() string      { return fmt.Sprintf("naive-%dd", m.days) }
func (m naive) LookbackDays() int { return m.days }
func (m naive) kernel() kernel    { return kernel{} }
func (m naive) score(p *past) []float64 {
	return p.layerWeights(temporal{lookback: m.days})
}

// surface is a time-weighted count per cell, optionally smoothed by a kernel.
type surface struct {
	name string
	t    temporal
	k    kernel
}

// Count returns the count of events per cell over the last lookbackDays,
// smoothed by a quartic kernel of bandwidthM metres (0: no smoothing). Named
// "count-730d" or "count-730d+kde-400m".
func Count(lookbackDays int, bandwidthM float64) Model {
	return surface{
		name: withKDE(fmt.Sprintf("count-%dd", lookbackDays), bandwidthM),
		t:    temporal{lookback: lookbackDays},
		k:    kernel{bandwidth: bandwidthM},
	}
}

// Decayed returns the exponentially time-decayed count per cell (an event's
// weight halves every halfLifeDays) over the last LongLookbackDays (two
// years), smoothed by a quartic kernel of bandwidthM metres (0: no
// smoothing). Named "decayed-30d" or "decayed-30d+kde-600m".
func Decayed(halfLifeDays int, bandwidthM float64) Model {
	return surface{
		name: withKDE(fmt.Sprintf("decayed-%dd", halfLifeDays), bandwidthM),
		t:    temporal{lookback: LongLookbackDays, halfLife: float64(halfLifeDays)},
		k:    kernel{bandwidth: bandwidthM},
	}
}

// Prospective returns prospective hotspotting (Bowers, Johnson & Pease 2004):
// each event of the last ProspectiveWeeks weeks adds 1/(1 + weeks elapsed) ×
// 1/(1 + grid distance) to every cell whose centre is within
// ProspectiveRadiusM of its own, the grid being the resolution-9 H3 lattice
// (so its own cell gets the full weight and the first ring half). Named
// "prospective".
func Prospective() Model {
	return surface{
		name: "prospective",
		t:    temporal{lookback: 7 * ProspectiveWeeks, bowers: true},
		k:    kernel{bowers: true, bandwidth: ProspectiveRadiusM},
	}
}

func withKDE(name string, bandwidthM float64) string {
	if bandwidthM == 0 {
		return name
	}
	return name + "+kde-" + strconv.FormatFloat(bandwidthM, 'f', -1, 64) + "m"
}

func (m surface) Name() string      { return m.name }
func (m surface) LookbackDays() int { return m.t.lookback }
func (m surface) kernel() kernel    { return m.k }
func (m surface) score(p *past) []float64 {
	if m.k.none() {
		return p.layerWeights(m.t)
	}
	return p.spread(m.k, p.sourceWeights(m.t))
}

var modelName = regexp.MustCompile(`^(naive|count|decayed|sepp)-([0-9]+)d(?:\+kde-([0-9]+(?:\.[0-9]+)?)m)?$`)

// ParseModel returns the model a Name describes: "naive-90d", "count-730d",
// "decayed-30d", either of the last two with "+kde-400m", "prospective" or
// "sepp-730d" (any whole number of days up to 3650). It fails with
// vikalp.ErrInvalid for any other name.
func ParseModel(name string) (Model, error) {
	if name == "prospective" {
		return Prospective(), nil
	}
	m := modelName.FindStringSubmatch(name)
	if m == nil {
		return nil, invalidModel(name)
	}
	days, err := strconv.Atoi(m[2])
	if err != nil || days <= 0 || days > maxDays {
		return nil, invalidModel(name)
	}
	bw := 0.0
	if m[3] != "" {
		bw, _ = strconv.ParseFloat(m[3], 64)
		if bw <= 0 || bw > 5000 || m[1] == "naive" || m[1] == "sepp" {
			return nil, invalidModel(name)
		}
	}
	switch m[1] {
	case "naive":
		return Naive(days), nil
	case "count":
		return Count(days, bw), nil
	case "decayed":
		return Decayed(days, bw), nil
	}
	return SelfExciting(days), nil
}
