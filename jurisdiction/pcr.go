package jurisdiction

import "github.com/paulmach/orb"

// PCRUnit is a police control room (UP 112) unit that receives location
// alerts.
type PCRUnit struct {
	ID         int64     // surrogate key
	Code       string    // stable external code, e.g. "LKO-PCR"
	NameEN     string    // English name
	NameHI     string    // Devanagari name, "" when unknown
	DistrictID int       // LGD code of its district
	Location   orb.Point // the unit's base (lon/lat)
	HasZone    bool      // a zone polygon is stored
}

// PCRUnitInput is one unit to create or update by code.
type PCRUnitInput struct {
	Code       string    // the upsert key
	NameEN     string    // English name
	NameHI     string    // Devanagari name, may be ""
	DistrictID int       // LGD code of an existing district
	Location   orb.Point // lon/lat
}
