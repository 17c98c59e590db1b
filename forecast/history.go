package forecast

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
)

// day is the length of one forecast day. Windows are whole days from a
// History's origin, so they never split a day.
const day = 24 * time.Hour

// Event is one incident at its storage cell.
type Event struct {
	Cell   int64     // H3 cell at resolution 9, as the h3_r9 column stores it
	At     time.Time // when it happened
	Weight float64   // severity weight; 0 means 1, negative is invalid
}

// History is a set of events binned per resolution-9 cell and day, built once
// and shared by every model, fold and resolution that reads it. Day d covers
// [origin + d·24h, origin + (d+1)·24h); forecast dates must be whole days from
// the origin. A History is safe for concurrent use.
type History struct {
	origin time.Time
	cells  []int64   // distinct r9 cells, ascending
	start  []int     // entries of cells[i] are [start[i], start[i+1])
	day    []int32   // event day, ascending within a cell
	w      []float64 // summed weight of the cell's events that day
	first  int32     // first day with an event

	mu     sync.Mutex // guards the caches and buffers below
	layers map[int]*layer
	lat    *lattice
	cache  map[resultKey]Result
	ranker ranker
	buf    []float64 // scratch surface, see past.scratch
}

// NewHistory indexes events by cell and day from origin. It fails with
// vikalp.ErrInvalid when an event has an invalid or non-resolution-9 cell, a
// zero time, or a negative or non-finite weight.
func NewHistory(events []Event, origin time.Time) (*History, error) {
	type entry struct {
		cell int64
		day  int32
		w    float64
	}
	es := make([]entry, len(events))
	for i, e := range events {
		if err := checkEvent(e); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		w := e.Weight
		if w == 0 {
			w = 1
		}
		es[i] = entry{e.Cell, dayOf(e.At, origin), w}
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.cell, b.cell), cmp.Compare(a.day, b.day))
	})
	h := &History{origin: origin, first: math.MaxInt32,
		layers: map[int]*layer{}, cache: map[resultKey]Result{}}
	for i, e := range es {
		if i == 0 || e.cell != es[i-1].cell {
			h.cells = append(h.cells, e.cell)
			h.start = append(h.start, len(h.day))
		} else if e.day == es[i-1].day {
			h.w[len(h.w)-1] += e.w
			continue
		}
		h.day = append(h.day, e.day)
		h.w = append(h.w, e.w)
		h.first = min(h.first, e.day)
	}
	h.start = append(h.start, len(h.day))
	return h, nil
}

func checkEvent(e Event) error {
	c := h3.Cell(e.Cell)
	if !c.IsValid() || c.Resolution() != geo.ResStorage {
		return vikalp.InvalidField("cell", "invalid_cell",
			fmt.Sprintf("cell %d is not a valid H3 cell at resolution %d", e.Cell, geo.ResStorage))
	}
	if e.At.IsZero() {
		return vikalp.InvalidField("at", "missing_time", "event has no time")
	}
	if e.Weight < 0 || math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
		return vikalp.InvalidField("weight", "invalid_weight",
			fmt.Sprintf("weight must be a finite number ≥ 0, got %v", e.Weight))
	}
	return nil
}

// dayIndex returns t's day from h's origin, failing unless t is a whole
// number of days from it.
func (h *History) dayIndex(t time.Time) (int32, error) {
	if t.Sub(h.origin)%day != 0 {
		return 0, vikalp.Invalidf("date %s is not a whole number of days from the history origin %s",
			t.Format(time.RFC3339), h.origin.Format(time.RFC3339))
	}
	return dayOf(t, h.origin), nil
}

// dayOf returns the day containing t, counted from origin (negative before).
func dayOf(t, origin time.Time) int32 {
	d := t.Sub(origin)
	n := d / day
	if d%day < 0 {
		n--
	}
	return int32(n)
}

// windowSum returns the weight of the entries [lo, hi) of a day-sorted series
// whose day falls in [from, to), using the series' prefix sums.
func windowSum(days []int32, cum []float64, lo, hi int, from, to int32) float64 {
	a, b := inWindow(days, lo, hi, from, to)
	return cum[b] - cum[a]
}

// inWindow returns the bounds of the entries [lo, hi) whose day is in [from, to).
func inWindow(days []int32, lo, hi int, from, to int32) (int, int) {
	a := lo + sort.Search(hi-lo, func(i int) bool { return days[lo+i] >= from })
	b := a + sort.Search(hi-a, func(i int) bool { return days[a+i] >= to })
	return a, b
}

func prefixSums(w []float64) []float64 {
	cum := make([]float64, len(w)+1)
	for i, x := range w {
		cum[i+1] = cum[i] + x
	}
	return cum
}
