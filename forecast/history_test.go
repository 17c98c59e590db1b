package forecast

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
)

var (
	ist    = vikalp.IST
	origin = time.Date(2026, 1, 1, 0, 0, 0, 0, ist)
)

// lucknow is a resolution-9 cell in Lucknow; cellAt moves from it by whole
// H3 steps (i along one axis, j along another) so tests know the geometry.
var lucknow = h3.LatLngToCell(h3.NewLatLng(26.85, 80.95), geo.ResStorage)

func cellAt(i, j int) int64 {
	ij := h3.CellToLocalIJ(lucknow, lucknow)
	ij.I += i
	ij.J += j
	return int64(h3.LocalIJToCell(lucknow, ij))
}

// dayAt returns noon of day d from origin.
func dayAt(d int) time.Time { return origin.Add(time.Duration(d)*day + 12*time.Hour) }

// events returns n events in cell c on day d.
func events(c int64, d, n int) []Event {
	out := make([]Event, n)
	for i := range out {
		out[i] = Event{Cell: c, At: dayAt(d)}
	}
	return out
}

func mustHistory(t *testing.T, es []Event) *History {
	t.Helper()
	h, err := NewHistory(es, origin)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestNewHistoryRejects(t *testing.T) {
	t.Parallel()
	r8 := int64(h3.Cell(lucknow).Parent(8))
	tests := []struct {
		name string
		e    Event
		want string
	}{
		{"InvalidCell", Event{Cell: 12345, At: origin}, "not a valid H3 cell at resolution 9"},
		{"CoarseCell", Event{Cell: r8, At: origin}, "not a valid H3 cell at resolution 9"},
		{"NoTime", Event{Cell: int64(lucknow)}, "no time"},
		{"NegativeWeight", Event{Cell: int64(lucknow), At: origin, Weight: -1}, "weight must be a finite number ≥ 0"},
		{"NaNWeight", Event{Cell: int64(lucknow), At: origin, Weight: math.NaN()}, "weight must be a finite number ≥ 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewHistory([]Event{{Cell: int64(lucknow), At: origin}, tt.e}, origin)
			if !errors.Is(err, vikalp.ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "event 1") {
				t.Fatalf("err = %v, want ErrInvalid about event 1: %q", err, tt.want)
			}
		})
	}
}

func TestNewHistoryBinsDays(t *testing.T) {
	t.Parallel()
	c := int64(lucknow)
	h := mustHistory(t, []Event{
		{Cell: c, At: origin.Add(-time.Nanosecond)},        // day −1
		{Cell: c, At: origin},                              // day 0
		{Cell: c, At: origin.Add(day - time.Nanosecond)},   // day 0, merged
		{Cell: c, At: origin.Add(day), Weight: 2.5},        // day 1
		{Cell: cellAt(1, 0), At: origin.Add(-3 * day)},     // another cell
		{Cell: c, At: origin.Add(time.Hour), Weight: 0.25}, // day 0 again
	})
	if len(h.cells) != 2 {
		t.Fatalf("cells = %v, want 2", h.cells)
	}
	i := 0
	if h.cells[1] == c {
		i = 1
	}
	var days []int32
	var ws []float64
	for e := h.start[i]; e < h.start[i+1]; e++ {
		days, ws = append(days, h.day[e]), append(ws, h.w[e])
	}
	// A zero weight counts as 1; one day's events add up.
	if want := []int32{-1, 0, 1}; !slices.Equal(days, want) || !slices.Equal(ws, []float64{1, 2.25, 2.5}) {
		t.Errorf("days %v weights %v, want %v and [1 2.25 2.5]", days, ws, want)
	}
	if h.first != -3 {
		t.Errorf("first day = %d, want -3", h.first)
	}
}

func TestDatesMustBeWholeDays(t *testing.T) {
	t.Parallel()
	h := mustHistory(t, events(int64(lucknow), -5, 3))
	_, err := h.Backtest(Naive(90), origin.Add(12*time.Hour), DefaultConfig())
	if !errors.Is(err, vikalp.ErrInvalid) || !strings.Contains(err.Error(), "whole number of days") {
		t.Fatalf("err = %v, want ErrInvalid about whole days", err)
	}
}

// TestHistoryConcurrent runs every entry point at once on one History (the
// race detector checks the shared caches: go test -race).
func TestHistoryConcurrent(t *testing.T) {
	t.Parallel()
	h := mustHistory(t, stableCity(5))
	cfg := DefaultConfig()
	done := make(chan error)
	calls := []func() error{
		func() error { _, err := h.Choose(origin, cfg); return err },
		func() error { _, err := h.Compare(origin, cfg); return err },
		func() error { _, err := h.Forecast(Decayed(30, 600), origin, 8, 30); return err },
		func() error { _, err := h.Backtest(Prospective(), origin.AddDate(0, 0, -30), cfg); return err },
	}
	for _, call := range calls {
		go func() { done <- call() }()
	}
	for range calls {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
