package analytics

import (
	"math"
	"testing"
)

func TestQuarticKernel(t *testing.T) {
	t.Parallel()
	h := 100.0
	if got, want := QuarticKernel(0, h), 3/(math.Pi*h*h); math.Abs(got-want) > 1e-15 {
		t.Errorf("K(0) = %v, want %v", got, want)
	}
	if got, want := QuarticKernel(50, h), 3/(math.Pi*h*h)*0.5625; math.Abs(got-want) > 1e-15 {
		t.Errorf("K(h/2) = %v, want %v", got, want)
	}
	if QuarticKernel(h, h) != 0 || QuarticKernel(2*h, h) != 0 {
		t.Error("K is not zero at and beyond h")
	}
}

func TestKDE(t *testing.T) {
	t.Parallel()
	g := Grid{X0: 0, Y0: 0, Cell: 5, NX: 200, NY: 200} // 1 km square
	pts := []WeightedPoint{{X: 300, Y: 300, W: 2}, {X: 700, Y: 650, W: 1}, {X: 702, Y: 648, W: 1}}
	dens, err := KDE(pts, g, 120)
	if err != nil {
		t.Fatal(err)
	}
	// The kernel integrates to 1, so the surface integrates to Σw = 4.
	var total float64
	for _, v := range dens {
		total += v * g.Cell * g.Cell
	}
	if math.Abs(total-4) > 0.01 {
		t.Errorf("integral = %v, want 4", total)
	}
	// Peak next to the weight-2 point, nothing far from every point.
	if dens[60*g.NX+60] <= dens[130*g.NX+140] || dens[10*g.NX+190] != 0 {
		t.Error("surface shape is wrong")
	}
	if _, err := KDE(pts, Grid{}, 1); err == nil {
		t.Error("empty grid: want error")
	}
}
