package jurisdiction

import "github.com/paulmach/orb"

// Station is a police station (thana).
type Station struct {
	ID         int64     // surrogate key
	Code       string    // stable external code, e.g. "LKO-HAZ"
	NameEN     string    // English name
	NameHI     string    // Devanagari name, "" when unknown
	DistrictID int       // LGD code of its district
	Location   orb.Point // the station building (lon/lat)
	HasArea    bool      // a jurisdiction polygon is stored
	IsDefault  bool      // takes complaints that name only the district
}

// StationInput is one station to create or update by code.
type StationInput struct {
	Code       string    // the upsert key
	NameEN     string    // English name
	NameHI     string    // Devanagari name, may be ""
	DistrictID int       // LGD code of an existing district
	Location   orb.Point // lon/lat
	IsDefault  bool      // takes the district's default flag
}
