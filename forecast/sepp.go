package forecast

import (
	"fmt"
	"math"
)

// seppIterations is the number of EM steps per fit: enough to recover the
// parameters of the simulated process in the tests, and for θ to reach
// about 0 (no triggering) on the shared incident data at r8.
const seppIterations = 30

// sepp is a self-exciting point process per cell (Mohler et al. 2011, in the
// cell-level form of Mohler 2014): cell c's intensity on day t is
//
//	λ_c(t) = μ_c + Σ_{events i in c before t} θ·ω·e^(−ω(t − t_i))
//
// a constant background rate μ_c plus exponentially decaying triggering
// shared by all cells, fitted by expectation–maximisation on daily counts.
type sepp struct{ days int }

// SelfExciting returns the self-exciting point process model fitted on the
// last lookbackDays (Mohler et al. 2011; Mohler 2014). Its score is the
// expected number of events per cell over the forecast horizon: background
// plus what the recent events are still expected to trigger. Named
// "sepp-730d".
func SelfExciting(lookbackDays int) Model { return sepp{lookbackDays} }

func (m sepp) Name() string      { return fmt.Sprintf("sepp-%dd", m.days) }
func (m sepp) LookbackDays() int { return m.days }
func (m sepp) kernel() kernel    { return kernel{} }

func (m sepp) score(p *past) []float64 {
	f := newSEPPFit(p, m.days)
	f.fit()
	out := p.scratch()
	H := float64(p.horizon)
	for i, c := range f.cells {
		s := f.mu[i] * H
		for e := c.a; e < c.b; e++ {
			age := float64(f.cut-f.day[e]) - 0.5
			s += f.w[e] * f.theta * (math.Exp(-f.omega*age) - math.Exp(-f.omega*(age+H)))
		}
		out[c.cell] = s
	}
	return out
}

// seppFit holds the EM state: per-cell backgrounds and the shared θ, ω.
type seppFit struct {
	cut          int32
	day          []int32
	w            []float64
	cells        []seppCell
	mu           []float64
	theta, omega float64
	span         float64 // days observed
	lookback     int
}

type seppCell struct {
	cell int32 // layer index
	a, b int   // its entries in the window
}

func newSEPPFit(p *past, lookback int) *seppFit {
	f := &seppFit{cut: p.cut, day: p.l.day, w: p.l.w, theta: 0.2, omega: 0.1, lookback: lookback}
	from := p.cut - int32(lookback)
	// Before the history's first event nothing was observed, so the rate
	// is per observed day, not per lookback day.
	f.span = float64(p.cut - max(from, p.h.first))
	for i := 0; i < p.l.nBase; i++ {
		a, b := inWindow(p.l.day, p.l.start[i], p.l.start[i+1], from, p.cut)
		if a == b {
			continue
		}
		f.cells = append(f.cells, seppCell{int32(i), a, b})
		var n float64
		for e := a; e < b; e++ {
			n += f.w[e]
		}
		f.mu = append(f.mu, 0.5*n/f.span)
	}
	return f
}

// fit runs the EM iterations. Events on one day are taken at mid-day and
// only earlier days trigger them, so the decay between two events is a
// whole number of days and comes from a table.
func (f *seppFit) fit() {
	if len(f.cells) == 0 || f.span <= 0 {
		return
	}
	decay := make([]float64, f.lookback+2)
	for it := 0; it < seppIterations; it++ {
		for d := range decay {
			decay[d] = math.Exp(-f.omega * float64(d))
		}
		half := math.Exp(0.5 * f.omega)
		var trig, trigDelay, compensator float64
		for i, c := range f.cells {
			var bg float64
			var A, B float64 // Σ n·e^(−ωΔ) and Σ n·Δ·e^(−ωΔ) over earlier days
			prev := int32(-1 << 30)
			for e := c.a; e < c.b; e++ {
				if e > c.a {
					gap := f.day[e] - prev
					B = (B + float64(gap)*A) * decay[gap]
					A *= decay[gap]
				}
				tr := f.theta * f.omega * A
				lam := f.mu[i] + tr
				n := f.w[e]
				bg += n * f.mu[i] / lam
				trig += n * tr / lam
				trigDelay += n * f.theta * f.omega * B / lam
				A += n
				prev = f.day[e]
				compensator += n * (1 - decay[f.cut-f.day[e]]*half)
			}
			f.mu[i] = bg / f.span
		}
		f.theta = clamp(trig/compensator, 0, 0.95)
		if trigDelay > 0 {
			f.omega = clamp(trig/trigDelay, 1/float64(f.lookback), 2)
		}
	}
}

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }
