package jurisdiction

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
)

// districtFactsCSV holds one row per district: LGD code, short code, names,
// HQ and police hierarchy. Numeric facts were derived from the project's
// shared district table; the Hindi names and short codes were written here.
//
//go:embed district_facts.csv
var districtFactsCSV []byte

// DistrictFact is what Vikalp knows about a district apart from its boundary.
type DistrictFact struct {
	ID              int       // LGD district code
	Code            string    // three-letter code used in unit codes, e.g. "LKO"
	NameEN          string    // English name, e.g. "Lucknow"
	NameHI          string    // Devanagari name, e.g. "लखनऊ"
	Slug            string    // URL slug, e.g. "lucknow"
	HQTown          string    // headquarters town
	HQ              orb.Point // HQ location (lon/lat)
	HQFromCentroid  bool      // HQ is the district's interior point, not the town
	PoliceRange     string    // police range, e.g. "Lucknow"
	PoliceZone      string    // ADG zone, e.g. "Lucknow"
	Commissionerate string    // police commissionerate, "" when none
	BordersNepal    bool      // the district touches the India–Nepal border
}

var loadFacts = sync.OnceValues(func() ([]DistrictFact, error) {
	return parseFacts(districtFactsCSV)
})

// DistrictFacts returns the embedded facts of all 75 districts, ordered by
// LGD code. The slice is shared: do not modify it.
func DistrictFacts() ([]DistrictFact, error) {
	return loadFacts()
}

// factsByID returns the facts indexed by LGD code.
func factsByID() (map[int]DistrictFact, error) {
	facts, err := DistrictFacts()
	if err != nil {
		return nil, err
	}
	m := make(map[int]DistrictFact, len(facts))
	for _, f := range facts {
		m[f.ID] = f
	}
	return m, nil
}

func parseFacts(data []byte) ([]DistrictFact, error) {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read district facts: %w", err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("read district facts: no rows")
	}
	facts := make([]DistrictFact, 0, len(recs)-1)
	for i, r := range recs[1:] {
		f, err := parseFact(r)
		if err != nil {
			return nil, fmt.Errorf("district facts row %d: %w", i+2, err)
		}
		facts = append(facts, f)
	}
	return facts, nil
}

// parseFact reads lgd_code, code, name_en, name_hi, slug, hq_town, hq_lat,
// hq_lon, hq_from_centroid, police_range, police_zone, commissionerate,
// borders_nepal.
func parseFact(r []string) (DistrictFact, error) {
	if len(r) != 13 {
		return DistrictFact{}, fmt.Errorf("want 13 fields, got %d", len(r))
	}
	id, err1 := strconv.Atoi(r[0])
	lat, err2 := strconv.ParseFloat(r[6], 64)
	lon, err3 := strconv.ParseFloat(r[7], 64)
	centroid, err4 := strconv.ParseBool(r[8])
	nepal, err5 := strconv.ParseBool(r[12])
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return DistrictFact{}, err
		}
	}
	return DistrictFact{
		ID: id, Code: r[1], NameEN: r[2], NameHI: r[3], Slug: r[4], HQTown: r[5],
		HQ: orb.Point{lon, lat}, HQFromCentroid: centroid,
		PoliceRange: r[9], PoliceZone: r[10], Commissionerate: r[11], BordersNepal: nepal,
	}, nil
}
