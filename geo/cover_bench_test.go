package geo_test

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/vikalp/vikalp/geo"
)

// BenchmarkCellsCovering times the cells covering one tile over Lucknow at
// each zoom a hotspot tile is drawn at, with that zoom's resolution.
func BenchmarkCellsCovering(b *testing.B) {
	lucknow := orb.Point{80.95, 26.85}
	for z := 8; z <= 14; z++ {
		t := maptile.At(lucknow, maptile.Zoom(z))
		bound, res := t.Bound(), geo.ResolutionForZoom(z)
		b.Run(fmt.Sprintf("z%d-r%d", z, res), func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = len(geo.CellsCovering(bound, res))
			}
			b.ReportMetric(float64(n), "cells")
		})
	}
}
