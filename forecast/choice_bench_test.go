package forecast

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
)

var (
	syntheticOnce   sync.Once
	syntheticEvents []Event
	syntheticAsOf   = time.Date(2026, 1, 1, 0, 0, 0, 0, vikalp.IST)
)

// synthetic returns n events over the year before syntheticAsOf, spread
// like reports across UP: 15 % anywhere in the state, the rest in 75 towns,
// each a wide urban cloud around a dozen persistent hotspots, a third of
// them flaring up for a few weeks only.
func synthetic(n int) []Event {
	r := rand.New(rand.NewPCG(1, 2))
	type spot struct {
		lat, lng, sd float64
		from, to     float64 // active days
	}
	var spots []spot
	for range 75 {
		lat, lng := 24.5+r.Float64()*5, 77.5+r.Float64()*6.5
		spots = append(spots, spot{lat, lng, 0.05, 0, 365})
		for range 12 {
			s := spot{lat + r.NormFloat64()*0.04, lng + r.NormFloat64()*0.04, 0.003, 0, 365}
			if r.IntN(3) == 0 {
				s.from = r.Float64() * 330
				s.to = s.from + 14 + r.Float64()*30
			}
			spots = append(spots, s)
		}
	}
	events := make([]Event, n)
	for i := range events {
		var lat, lng, d float64
		if r.IntN(100) < 15 {
			lat, lng, d = 24+r.Float64()*6, 77.2+r.Float64()*7.2, r.Float64()*365
		} else {
			s := spots[r.IntN(len(spots))]
			d = s.from + r.Float64()*(s.to-s.from)
			lat = s.lat + r.NormFloat64()*s.sd
			lng = s.lng + r.NormFloat64()*s.sd/math.Cos(lat*math.Pi/180)
		}
		events[i] = Event{
			Cell: int64(h3.LatLngToCell(h3.NewLatLng(lat, lng), geo.ResStorage)),
			At:   syntheticAsOf.Add(-time.Duration((365 - d) * float64(day))),
		}
	}
	return events
}

// BenchmarkChoose1M is Choose's budget: one million events over a year at
// r9, from raw events to the chosen model (history, r8 layer, kernels, every
// candidate over every fold). The budget is well under 10 s on one core.
func BenchmarkChoose1M(b *testing.B) {
	syntheticOnce.Do(func() { syntheticEvents = synthetic(1_000_000) })
	cfg := DefaultConfig()
	b.ResetTimer()
	for b.Loop() {
		ch, err := Choose(syntheticEvents, syntheticAsOf, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(ch.Score, "score")
	}
}
