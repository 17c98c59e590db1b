package forecast

import "math"

// past is what a model may read: a History's layer up to (not including)
// day cut, plus the horizon it forecasts. It memoises the time-weighted sums
// that several models share within one fold.
type past struct {
	h       *History
	l       *layer
	cut     int32 // first day the model must not see
	horizon int   // days forecast
	memo    map[memoKey][]float64
}

// temporal is how an event's weight fades with its age: flat, halving every
// halfLife days, or Bowers' weekly bands. Age a = cut − day is 1 for
// yesterday; only ages 1…lookback count.
type temporal struct {
	lookback int
	halfLife float64 // days; 0 with bowers false is a flat count
	bowers   bool    // 1/(1 + whole weeks elapsed)
}

// weight returns the weight of an event of age a (1 ≤ a ≤ lookback).
func (t temporal) weight(a int) float64 {
	switch {
	case t.bowers:
		return 1 / float64(1+(a-1)/7)
	case t.halfLife > 0:
		// The event is taken at mid-day: yesterday's is ½ day older than the cut.
		return math.Exp2(-(float64(a) - 0.5) / t.halfLife)
	}
	return 1
}

type memoKey struct {
	t      temporal
	source bool // per resolution-9 source, else per layer cell
}

func newPast(h *History, l *layer, cut int32, horizon int) *past {
	return &past{h: h, l: l, cut: cut, horizon: horizon, memo: map[memoKey][]float64{}}
}

// layerWeights returns the time-weighted sum of the events of each layer
// cell holding any (the first nBase; a surface may be shorter than the
// layer, the missing cells scoring 0). The slice is shared: callers must not
// modify it.
func (p *past) layerWeights(t temporal) []float64 {
	key := memoKey{t: t}
	if v, ok := p.memo[key]; ok {
		return v
	}
	out := make([]float64, p.l.nBase) // only these cells hold events
	p.weigh(t, p.l.day, p.l.w, p.l.start, out)
	p.memo[key] = out
	return out
}

// sourceWeights returns the time-weighted sum of each source cell's events.
// The slice is shared: callers must not modify it.
func (p *past) sourceWeights(t temporal) []float64 {
	key := memoKey{t: t, source: true}
	if v, ok := p.memo[key]; ok {
		return v
	}
	out := make([]float64, len(p.h.cells))
	p.weigh(t, p.h.day, p.h.w, p.h.start, out)
	p.memo[key] = out
	return out
}

// weigh sets out[i] to the time-weighted sum of series i's entries in the
// lookback, reading each weight from a table by age.
func (p *past) weigh(t temporal, days []int32, w []float64, start []int, out []float64) {
	table := make([]float64, t.lookback+1)
	for a := 1; a <= t.lookback; a++ {
		table[a] = t.weight(a)
	}
	from := p.cut - int32(t.lookback)
	for i := range out {
		a, b := inWindow(days, start[i], start[i+1], from, p.cut)
		var sum float64
		for e := a; e < b; e++ {
			sum += w[e] * table[p.cut-days[e]]
		}
		out[i] = sum
	}
}

// spread returns the layer surface of per-source weights under kernel k,
// in the scratch buffer. The spread must have been built
// (History.ensureSpreads).
func (p *past) spread(k kernel, tw []float64) []float64 {
	return p.l.spreads[k].apply(tw, p.scratch())
}

// scratch returns a zeroed surface that stays valid until the next call: a
// model's surface lives only until it is ranked, so folds and models share
// one buffer instead of allocating one per score.
func (p *past) scratch() []float64 {
	n := len(p.l.cells)
	if cap(p.h.buf) < n {
		p.h.buf = make([]float64, n)
	}
	p.h.buf = p.h.buf[:n]
	clear(p.h.buf)
	return p.h.buf
}
