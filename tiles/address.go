package tiles

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp"
)

// MaxZoom is the deepest zoom level a tile address may have.
const MaxZoom = 22

// Extent is the tile coordinate space of every layer (MVT default); the
// tile statements keep a 64-unit buffer around it so symbols and strokes
// near an edge are not cut off.
const Extent = 4096

// Address is a tile in the XYZ (Google/OSM) scheme: zoom Z, column X from
// the antimeridian eastwards, row Y from the north edge southwards.
type Address struct {
	Z, X, Y int
}

// NewAddress validates z, x and y: 0 ≤ z ≤ MaxZoom and 0 ≤ x, y < 2^z. A bad
// address is a user-safe vikalp.ErrInvalid.
func NewAddress(z, x, y int) (Address, error) {
	if z < 0 || z > MaxZoom {
		return Address{}, vikalp.InvalidField("z", "bad_zoom", fmt.Sprintf("zoom must be between 0 and %d", MaxZoom))
	}
	n := 1 << z
	if x < 0 || x >= n || y < 0 || y >= n {
		return Address{}, vikalp.InvalidField("xy", "bad_tile",
			fmt.Sprintf("at zoom %d, x and y must be between 0 and %d", z, n-1))
	}
	return Address{Z: z, X: x, Y: y}, nil
}

// ParseAddress parses and validates the decimal path segments of a tile URL.
func ParseAddress(z, x, y string) (Address, error) {
	var v [3]int
	for i, s := range []string{z, x, y} {
		n, err := strconv.Atoi(s)
		if err != nil || len(s) > 8 {
			return Address{}, vikalp.InvalidField("tile", "bad_tile", "tile address must be /{z}/{x}/{y} in whole numbers")
		}
		v[i] = n
	}
	return NewAddress(v[0], v[1], v[2])
}

// String returns "z/x/y".
func (a Address) String() string {
	return strconv.Itoa(a.Z) + "/" + strconv.Itoa(a.X) + "/" + strconv.Itoa(a.Y)
}

// TileOf returns the tile at zoom z containing lat, lon (Web Mercator),
// clamping latitudes beyond ±85.0511° to the edge rows.
func TileOf(lat, lon float64, z int) Address {
	x, y := mercatorFraction(lat, lon)
	n := float64(int(1) << z)
	return Address{Z: z, X: clampTile(int(math.Floor(x*n)), z), Y: clampTile(int(math.Floor(y*n)), z)}
}

// Pixel returns where lat, lon falls inside tile a, in tile coordinates
// (0…Extent, y down), as ST_AsMVTGeom places it before rounding.
func (a Address) Pixel(lat, lon float64) (float64, float64) {
	x, y := mercatorFraction(lat, lon)
	n := float64(int(1) << a.Z)
	return (x*n - float64(a.X)) * Extent, (y*n - float64(a.Y)) * Extent
}

// Bound returns the tile's extent in lon/lat.
func (a Address) Bound() orb.Bound {
	n := float64(int(1) << a.Z)
	lon := func(x int) float64 { return float64(x)/n*360 - 180 }
	lat := func(y int) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*float64(y)/n))) * 180 / math.Pi }
	return orb.Bound{Min: orb.Point{lon(a.X), lat(a.Y + 1)}, Max: orb.Point{lon(a.X + 1), lat(a.Y)}}
}

// mercatorFraction returns lat, lon as fractions of the Web Mercator square
// (0,0 north-west, 1,1 south-east).
func mercatorFraction(lat, lon float64) (float64, float64) {
	lat = math.Max(-85.05112878, math.Min(85.05112878, lat))
	s := math.Sin(lat * math.Pi / 180)
	return (lon + 180) / 360, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

func clampTile(v, z int) int {
	return max(0, min(v, (1<<z)-1))
}
