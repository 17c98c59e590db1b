package analytics

import (
	"math"
	"strings"
	"testing"

	"github.com/uber/h3-go/v4"
)

// TestParseGALColumbus checks the Columbus queen contiguity file (Anselin
// 1988, shipped by libpysal) through a published statistic that depends on
// every neighbour list: Moran's I of CRIME with row-standardised weights is
// 0.500188557 (R spdep moran.test on the Columbus data; PySAL esda prints
// 0.5001885571828611).
func TestParseGALColumbus(t *testing.T) {
	t.Parallel()
	w := readGAL(t, "columbus.gal")
	if w.N() != 49 {
		t.Fatalf("n = %d, want 49", w.N())
	}
	x := valuesByID(t, "columbus_crime.csv", w)
	mean, _ := meanSD(x)
	var num, den float64
	for i := range x {
		for _, j := range w.Neighbors[i] {
			num += (x[i] - mean) * (x[j] - mean) / float64(len(w.Neighbors[i]))
		}
		den += (x[i] - mean) * (x[i] - mean)
	}
	if moran := num / den; math.Abs(moran-0.500188557) > 5e-10 {
		t.Errorf("Moran's I = %.10f, want 0.500188557", moran)
	}
}

func TestParseGAL(t *testing.T) {
	t.Parallel()
	t.Run("GeoDaHeader", func(t *testing.T) {
		w, err := ParseGAL(strings.NewReader("0 3 shp id\na 2\nb c\nb 1\na\nc 2\na c\n"))
		if err != nil {
			t.Fatal(err)
		}
		// The self-neighbour of c is dropped.
		if w.N() != 3 || len(w.Neighbors[0]) != 2 || len(w.Neighbors[2]) != 1 || w.Neighbors[2][0] != 0 {
			t.Errorf("got %+v", w)
		}
	})
	t.Run("Island", func(t *testing.T) {
		w, err := ParseGAL(strings.NewReader("2\n1 0\n2 0\n"))
		if err != nil || len(w.Neighbors[0]) != 0 {
			t.Fatalf("w %+v err %v", w, err)
		}
	})
	for name, src := range map[string]string{
		"Empty":           "",
		"BadHeader":       "x\n",
		"ShortList":       "2\n1 2\n2\n2 1\n",
		"UnknownNeighbor": "2\n1 1\n9\n2 1\n1\n",
		"Truncated":       "3\n1 1\n2\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseGAL(strings.NewReader(src)); err == nil {
				t.Error("want error")
			}
		})
	}
}

func TestH3Weights(t *testing.T) {
	t.Parallel()
	origin := h3.LatLngToCell(h3.NewLatLng(26.85, 80.95), 8) // Lucknow
	disk := h3.GridDisk(origin, 2)
	cells := make([]int64, len(disk))
	for i, c := range disk {
		cells[i] = int64(c)
	}
	w, err := H3Weights(cells, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(disk) != 19 {
		t.Fatalf("disk of 2 has %d cells", len(disk))
	}
	inner, outer := 0, 0
	for i, c := range disk {
		switch d := origin.GridDistance(c); {
		case d <= 1 && len(w.Neighbors[i]) != 6:
			t.Errorf("inner cell %s has %d neighbours, want 6", c, len(w.Neighbors[i]))
		case d <= 1:
			inner++
		default:
			outer++
			if n := len(w.Neighbors[i]); n != 3 && n != 4 {
				t.Errorf("ring-2 cell %s has %d neighbours, want 3 or 4", c, n)
			}
		}
	}
	if inner != 7 || outer != 12 {
		t.Errorf("inner %d outer %d", inner, outer)
	}
	w2, err := H3Weights(cells, 2)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w2.Neighbors[w2.Index()[origin.String()]]); n != 18 {
		t.Errorf("k=2: origin has %d neighbours, want 18", n)
	}
	if _, err := H3Weights([]int64{cells[0], cells[0]}, 1); err == nil {
		t.Error("duplicate cell: want error")
	}
	if _, err := H3Weights([]int64{42}, 1); err == nil {
		t.Error("invalid cell: want error")
	}
}
