package jurisdiction

import "github.com/paulmach/orb"

// NearDistrictMeters is how far outside every district polygon a point may
// lie and still be routed to the nearest district: boundaries are generalised
// and GPS fixes wander, but a point farther out is not in Uttar Pradesh.
const NearDistrictMeters = 5000

// DistrictSummary is a district as a picker lists it.
type DistrictSummary struct {
	ID     int    `db:"id"`      // LGD district code
	NameEN string `db:"name_en"` // English name
	NameHI string `db:"name_hi"` // Devanagari name, "" when unknown
	Slug   string `db:"slug"`    // URL slug
	// HQLat, HQLon locate the district headquarters (an interior point
	// when unknown): a public place a form may put a pin at.
	HQLat float64 `db:"hq_lat"`
	HQLon float64 `db:"hq_lon"`
}

// District is one of the 75 districts of Uttar Pradesh, without its boundary
// (see DistrictStore.DistrictGeometry).
type District struct {
	ID              int       // LGD district code
	NameEN          string    // English name
	NameHI          string    // Devanagari name, "" when unknown
	Slug            string    // URL slug
	PoliceRange     string    // police range
	PoliceZone      string    // ADG police zone
	Commissionerate string    // police commissionerate, "" when none
	BordersNepal    bool      // touches the India–Nepal border
	Approximate     bool      // boundary is a generated demo shape
	HQ              orb.Point // headquarters (an interior point when unknown)
}

// DistrictInput is one district to create or update by LGD code. Fields
// mean what they mean in District.
type DistrictInput struct {
	ID              int          // LGD district code, the upsert key
	NameEN          string       // English name
	NameHI          string       // Devanagari name, "" when unknown
	Slug            string       // URL slug, unique
	PoliceRange     string       // police range
	PoliceZone      string       // ADG police zone
	Commissionerate string       // "" stores NULL
	BordersNepal    bool         // touches the India–Nepal border
	Geom            orb.Geometry // Polygon or MultiPolygon; made valid and promoted to MultiPolygon
	HQ              *orb.Point   // nil, or a point outside Geom, becomes an interior point
}

// Counts says what an idempotent write did: rows created, rows changed and
// rows that already matched.
type Counts struct {
	Inserted  int // new rows
	Updated   int // existing rows that changed
	Unchanged int // existing rows that already matched
}

// Changed reports whether any row was inserted or updated.
func (c Counts) Changed() bool { return c.Inserted+c.Updated > 0 }

// countUpserts folds the RETURNING flags of an upsert of n rows into c: each returned
// row was inserted (true) or updated (false); the rest were unchanged.
func countUpserts(n int, inserted []bool) Counts {
	c := Counts{Unchanged: n - len(inserted)}
	for _, ins := range inserted {
		if ins {
			c.Inserted++
		} else {
			c.Updated++
		}
	}
	return c
}
