package forecast

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Result is one model's backtest at one date and hotspot share.
//
// The study area is every cell at the resolution with at least one event in
// the training window [Date − TrainDays, Date) or the test window [Date,
// Date + TestDays); it is the same for every model, and so is the number of
// hotspot cells asked for, TargetCells = ⌈TopShare × StudyCells⌉, so PAIs of
// different models are comparable. A model's hotspots are its TargetCells
// best-scored cells with a positive score (fewer when it scores fewer); a
// hotspot outside the study area (a kernel's neighbour with no events) counts
// in the hotspot area but catches nothing. Hits and totals are summed event
// weights (counts when every weight is 1).
type Result struct {
	Model        string
	Date         time.Time // start of the test window: the forecast date
	Resolution   int
	TopShare     float64
	LookbackFrom time.Time // earliest event the model could read
	TrainFrom    time.Time // training window [TrainFrom, Date)
	TestTo       time.Time // test window [Date, TestTo)
	StudyCells   int
	StudyKm2     float64
	TargetCells  int // hotspot cells asked for
	HotspotCells int // hotspot cells named
	HotspotKm2   float64
	TrainTotal   float64 // events in the training window
	TrainHits    float64 // … of them in the hotspots
	TestTotal    float64 // events in the test window
	TestHits     float64 // … of them in the hotspots
	HitShare     float64 // TestHits / TestTotal; NaN when there are no test events
	PAI          float64 // NaN when undefined, see PAIUndefined
	PAIUndefined string  // why PAI is undefined; empty when defined
	RRI          float64 // NaN when undefined, see RRIUndefined
	RRIUndefined string  // why RRI is undefined; empty when defined
}

// PAI returns the Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008),
// the share of test events in the hotspots over the share of the study area
// they cover: PAI = (n/N) / (a/A). It is NaN, with the reason, when the study
// area, the hotspots or the test events are empty.
func PAI(n, total, area, studyArea float64) (float64, string) {
	switch {
	case studyArea <= 0:
		return math.NaN(), "no study area: no events in the training or test window"
	case area <= 0:
		return math.NaN(), "no hotspot cells: the model scored no cell"
	case total <= 0:
		return math.NaN(), "no test events"
	}
	return (n / total) / (area / studyArea), ""
}

// RRI returns the Recapture Rate Index (Levine 2008): how the hotspots' share
// of events in the test window compares with their share in the training
// window, RRI = (n2/n1) / (N2/N1), with n1 and n2 the events in the hotspots
// and N1 and N2 all events. It is NaN, with the reason, when N1, N2 or n1 is 0.
func RRI(n1, total1, n2, total2 float64) (float64, string) {
	switch {
	case total1 <= 0:
		return math.NaN(), "no training events"
	case total2 <= 0:
		return math.NaN(), "no test events"
	case n1 <= 0:
		return math.NaN(), "no training events in the hotspots"
	}
	return (n2 / n1) / (total2 / total1), ""
}

// TargetCells returns the number of hotspot cells for share of studyCells:
// ⌈share × studyCells⌉, and at least 1 when there is a study area.
func TargetCells(share float64, studyCells int) int {
	// The epsilon keeps 0.05 × 100 at 5 despite binary rounding.
	return int(math.Ceil(share*float64(studyCells) - 1e-9))
}

// Backtest scores m at date: it forecasts from the events before date (as
// far back as the model reads) and judges the TopShare hotspots on the
// events of the TestDays from date. date must be a whole number of days from
// h's origin.
func (h *History) Backtest(m Model, date time.Time, cfg Config) (Result, error) {
	rs, err := h.results([]Model{m}, date, cfg, []float64{cfg.TopShare})
	if err != nil {
		return Result{}, err
	}
	return rs[0][0], nil
}

// Backtest is NewHistory(events, date) followed by History.Backtest.
func Backtest(events []Event, m Model, date time.Time, cfg Config) (Result, error) {
	h, err := NewHistory(events, date)
	if err != nil {
		return Result{}, err
	}
	return h.Backtest(m, date, cfg)
}

// resultKey identifies a cached Result.
type resultKey struct {
	model            string
	res, train, test int
	cut              int32
	share            float64
}

// results returns, for each model, its Results at each share at date,
// computing the fold once and caching every Result it yields.
func (h *History) results(models []Model, date time.Time, cfg Config, shares []float64) ([][]Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cut, err := h.dayIndex(date)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var f *fold
	out := make([][]Result, len(models))
	for i, m := range models {
		out[i] = make([]Result, len(shares))
		for j, s := range shares {
			key := resultKey{m.Name(), cfg.Resolution, cfg.TrainDays, cfg.TestDays, cut, s}
			r, ok := h.cache[key]
			if !ok {
				if f == nil {
					f = h.newFold(models, date, cut, cfg)
				}
				f.compute(m, allShares(shares, cfg))
				r = h.cache[key]
			}
			out[i][j] = r
		}
	}
	return out, nil
}

// allShares is shares, cfg.Shares and cfg.TopShare: a fold computed for one
// caller caches what the others will ask for.
func allShares(shares []float64, cfg Config) []float64 {
	out := append(slices.Clone(shares), cfg.Shares...)
	return append(out, cfg.TopShare)
}

// fold is one backtest date: the study area and windows every model is
// judged on. h.mu is held while it is used.
type fold struct {
	h                     *History
	cfg                   Config
	date                  time.Time
	p                     *past
	train, test           []float64 // event weight per layer cell in each window
	studyCells            int
	studyKm2              float64
	trainTotal, testTotal float64
}

func (h *History) newFold(models []Model, date time.Time, cut int32, cfg Config) *fold {
	l := h.layerAt(cfg.Resolution)
	ks := make([]kernel, len(models))
	for i, m := range models {
		ks[i] = m.kernel()
	}
	h.ensureSpreads(l, ks) // before any surface is sized: spreads may add cells
	f := &fold{h: h, cfg: cfg, date: date, p: newPast(h, l, cut, cfg.TestDays),
		train: make([]float64, l.nBase), test: make([]float64, l.nBase)}
	for i := range l.nBase {
		f.train[i] = windowSum(l.day, l.cum, l.start[i], l.start[i+1], cut-int32(cfg.TrainDays), cut)
		f.test[i] = windowSum(l.day, l.cum, l.start[i], l.start[i+1], cut, cut+int32(cfg.TestDays))
		if f.train[i] > 0 || f.test[i] > 0 {
			f.studyCells++
			f.studyKm2 += l.area[i]
		}
		f.trainTotal += f.train[i]
		f.testTotal += f.test[i]
	}
	return f
}

// compute scores m once, ranks its cells and caches its Result at each share.
func (f *fold) compute(m Model, shares []float64) {
	n := 0
	for _, s := range shares {
		n = max(n, TargetCells(s, f.studyCells))
	}
	l := f.p.l
	order := f.h.ranker.rank(m.score(f.p), l.cells, l.nBase, n)
	for _, s := range shares {
		k := min(TargetCells(s, f.studyCells), len(order))
		r := f.result(m, s, order[:k])
		f.h.cache[resultKey{m.Name(), f.cfg.Resolution, f.cfg.TrainDays, f.cfg.TestDays, f.p.cut, s}] = r
	}
}

func (f *fold) result(m Model, share float64, hot []int32) Result {
	l := f.p.l
	r := Result{
		Model: m.Name(), Date: f.date, Resolution: f.cfg.Resolution, TopShare: share,
		LookbackFrom: f.date.Add(-time.Duration(m.LookbackDays()) * day),
		TrainFrom:    f.date.Add(-time.Duration(f.cfg.TrainDays) * day),
		TestTo:       f.date.Add(time.Duration(f.cfg.TestDays) * day),
		StudyCells:   f.studyCells, StudyKm2: f.studyKm2,
		TargetCells: TargetCells(share, f.studyCells), HotspotCells: len(hot),
		TrainTotal: f.trainTotal, TestTotal: f.testTotal, HitShare: math.NaN(),
	}
	for _, i := range hot {
		r.HotspotKm2 += l.areaOf(i)
		if int(i) < l.nBase {
			r.TrainHits += f.train[i]
			r.TestHits += f.test[i]
		}
	}
	if r.TestTotal > 0 {
		r.HitShare = r.TestHits / r.TestTotal
	}
	r.PAI, r.PAIUndefined = PAI(r.TestHits, r.TestTotal, r.HotspotKm2, r.StudyKm2)
	r.RRI, r.RRIUndefined = RRI(r.TrainHits, r.TrainTotal, r.TestHits, r.TestTotal)
	return r
}

// ranker ranks scores, reusing its buffers from one ranking to the next.
type ranker struct {
	idx  []int32
	vals []float64
}

// rank returns the indexes of the n best positive scores, highest first,
// ties by cell id: the same cells in the same order on every run. The
// result is valid until the next call.
//
// Cells [0, nBase) hold events; the others only receive kernel spill and are
// many (every rural event spills into a ring of empty cells). The n-th best
// score among the first is a floor for the n-th best overall, so the others
// are only compared with it, not selected among.
func (rk *ranker) rank(scores []float64, cells []int64, nBase, n int) []int32 {
	rk.idx, rk.vals = rk.idx[:0], rk.vals[:0]
	if n <= 0 { // a fold with no study area asks for no cell
		return rk.idx
	}
	for i, s := range scores[:nBase] {
		if s > 0 {
			rk.idx = append(rk.idx, int32(i))
			rk.vals = append(rk.vals, s)
		}
	}
	floor := math.SmallestNonzeroFloat64
	if n < len(rk.vals) {
		floor = nthLargest(rk.vals, n)
	}
	idx := rk.idx[:0]
	for _, i := range rk.idx {
		if scores[i] >= floor {
			idx = append(idx, i)
		}
	}
	for i := nBase; i < len(scores); i++ {
		if scores[i] >= floor {
			idx = append(idx, int32(i))
		}
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if scores[a] != scores[b] {
			return cmp.Compare(scores[b], scores[a])
		}
		return cmp.Compare(cells[a], cells[b])
	})
	return idx[:min(n, len(idx))]
}

// nthLargest returns the n-th largest of vals (1 ≤ n ≤ len(vals)) by
// quickselect, reordering vals: linear on average, where sorting every
// scored cell would dominate Choose's running time.
func nthLargest(vals []float64, n int) float64 {
	lo, hi, k := 0, len(vals)-1, n-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		pivot := median3(vals[lo], vals[mid], vals[hi])
		i, j := lo, hi
		for i <= j {
			for vals[i] > pivot {
				i++
			}
			for vals[j] < pivot {
				j--
			}
			if i <= j {
				vals[i], vals[j] = vals[j], vals[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return vals[k]
		}
	}
	return vals[k]
}

func median3(a, b, c float64) float64 {
	return max(min(a, b), min(max(a, b), c))
}
