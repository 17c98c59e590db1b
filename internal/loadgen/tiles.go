package loadgen

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TileTargets returns, for each zoom, the (2·radius+1)² tiles of the square
// centred on the tile containing lat, lon, as URLs from template (which must
// hold {z}, {x} and {y}, e.g. http://host/tiles/hotspots/{z}/{x}/{y}.mvt or
// …/{z}/{x}/{y}.pbf for another server). Tiles are grouped "z<zoom>"; the
// list is the same on every call, so runs are comparable. Tiles beyond the
// edge of the world are left out.
func TileTargets(template string, lat, lon float64, zooms []int, radius int) ([]Target, error) {
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(template, p) {
			return nil, fmt.Errorf("template %q lacks %s", template, p)
		}
	}
	if lat < -85.0511 || lat > 85.0511 || lon < -180 || lon > 180 {
		return nil, errors.New("center must be a latitude within ±85.05 and a longitude within ±180")
	}
	if radius < 0 {
		return nil, errors.New("radius must not be negative")
	}
	var out []Target
	for _, z := range zooms {
		if z < 0 || z > 30 {
			return nil, fmt.Errorf("zoom %d out of range", z)
		}
		cx, cy := tileOf(lat, lon, z)
		n := 1 << z
		for dy := -radius; dy <= radius; dy++ {
			for dx := -radius; dx <= radius; dx++ {
				x, y := cx+dx, cy+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				url := strings.NewReplacer("{z}", strconv.Itoa(z), "{x}", strconv.Itoa(x), "{y}", strconv.Itoa(y)).Replace(template)
				out = append(out, Target{Group: "z" + strconv.Itoa(z), URL: url})
			}
		}
	}
	return out, nil
}

// tileOf is the XYZ tile at zoom z containing lat, lon (Web Mercator).
func tileOf(lat, lon float64, z int) (int, int) {
	n := float64(int(1) << z)
	s := math.Sin(lat * math.Pi / 180)
	x := (lon + 180) / 360 * n
	y := (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n
	return int(math.Floor(x)), int(math.Floor(y))
}

// ParseZooms parses "8-14" or "8,10,12" (or a mix) into zoom levels.
func ParseZooms(s string) ([]int, error) {
	var zooms []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("bad zoom %q", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad zoom range %q", part)
			}
		}
		for z := a; z <= b; z++ {
			zooms = append(zooms, z)
		}
	}
	return zooms, nil
}
