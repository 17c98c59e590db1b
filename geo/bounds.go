package geo

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp"
)

// UPBound is the bounding box of Uttar Pradesh (the union of its 75 district
// polygons), as [min lon, min lat] to [max lon, max lat].
var UPBound = orb.Bound{
	Min: orb.Point{77.093995, 23.868536},
	Max: orb.Point{84.636766, 30.405959},
}

// UPBufferDegrees is how far beyond UPBound a location may fall and still be
// accepted: about 10 km, so a border village or a GPS fix a little off is not
// turned away. The exact district is decided by PostGIS afterwards.
const UPBufferDegrees = 0.1

// UPBufferedBound is UPBound grown by UPBufferDegrees on every side.
var UPBufferedBound = UPBound.Pad(UPBufferDegrees)

// InUP reports whether lat, lon lies inside the buffered bounding box of
// Uttar Pradesh. It is a cheap first filter, not a point-in-polygon test: some
// of Delhi, Uttarakhand, Bihar and Madhya Pradesh lie inside the box.
func InUP(lat, lon float64) bool {
	return UPBufferedBound.Contains(orb.Point{lon, lat})
}

// CheckCoordinates returns a user-safe vikalp.ErrInvalid when lat or lon is
// not a finite number in its valid range.
func CheckCoordinates(lat, lon float64) error {
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return vikalp.InvalidField("latitude", "out_of_range", "latitude must be between -90 and 90")
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return vikalp.InvalidField("longitude", "out_of_range", "longitude must be between -180 and 180")
	}
	return nil
}

// ErrOutsideUP returns the user-safe error for a location outside Uttar
// Pradesh. Package jurisdiction returns the same error when a point inside the
// bounding box is still too far from every district.
func ErrOutsideUP() error {
	return vikalp.InvalidField("location", "outside_up", "this location is outside Uttar Pradesh")
}

// CheckInUP validates lat, lon with CheckCoordinates and then rejects a point
// outside the buffered bounding box of Uttar Pradesh.
func CheckInUP(lat, lon float64) error {
	if err := CheckCoordinates(lat, lon); err != nil {
		return err
	}
	if !InUP(lat, lon) {
		return ErrOutsideUP()
	}
	return nil
}
