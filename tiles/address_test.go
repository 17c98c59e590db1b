package tiles_test

import (
	"errors"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/tiles"
)

func TestParseAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		z, x, y string
		ok      bool
	}{
		{"0", "0", "0", true},
		{"14", "11878", "7036", true},
		{"22", "4194303", "4194303", true},
		{"23", "0", "0", false},
		{"-1", "0", "0", false},
		{"1", "2", "0", false},
		{"1", "0", "-1", false},
		{"3", "x", "1", false},
		{"3", "1", "1.5", false},
		{"3", "1", "", false},
		{"99999999999", "1", "1", false},
	} {
		_, err := tiles.ParseAddress(tc.z, tc.x, tc.y)
		if tc.ok && err != nil || !tc.ok && !errors.Is(err, vikalp.ErrInvalid) {
			t.Errorf("%s/%s/%s: %v", tc.z, tc.x, tc.y, err)
		}
	}
}

func TestTileOfAndPixel(t *testing.T) {
	t.Parallel()
	// Lucknow at z14 (checked against the slippy-map formula by hand).
	a := tiles.TileOf(26.8467, 80.9462, 14)
	if a != (tiles.Address{Z: 14, X: 11875, Y: 6922}) {
		t.Errorf("TileOf = %v", a)
	}
	x, y := a.Pixel(26.8467, 80.9462)
	if x < 0 || x >= tiles.Extent || y < 0 || y >= tiles.Extent {
		t.Errorf("pixel (%v, %v) outside its own tile", x, y)
	}
	if got := tiles.TileOf(0, 0, 1); got != (tiles.Address{Z: 1, X: 1, Y: 1}) {
		t.Errorf("TileOf(0,0,1) = %v", got)
	}
}
