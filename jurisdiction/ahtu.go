package jurisdiction

import "github.com/paulmach/orb"

// AHTUCount is the number of Anti-Human Trafficking Units in Uttar Pradesh;
// unit ids run from 1 to AHTUCount.
const AHTUCount = 35

// AHTU is an Anti-Human Trafficking Unit.
type AHTU struct {
	ID     int       // 1..AHTUCount
	Code   string    // stable external code, e.g. "AHTU-LKO"
	NameEN string    // English name
	NameHI string    // Devanagari name, "" when unknown
	HQ     orb.Point // headquarters (lon/lat)
}

// AHTUInput is one unit to create or update by id, with the districts it
// covers.
type AHTUInput struct {
	ID          int       // 1..AHTUCount, the upsert key
	Code        string    // unique code
	NameEN      string    // English name
	NameHI      string    // Devanagari name, may be ""
	HQ          orb.Point // lon/lat
	DistrictIDs []int     // LGD codes; each district belongs to exactly one unit
}
