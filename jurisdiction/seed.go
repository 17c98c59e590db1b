package jurisdiction

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
)

// SeedResult says what SeedDemo did. Seeding twice reports nothing inserted
// or updated the second time.
type SeedResult struct {
	Districts            ImportReport // districts imported or generated
	ApproximateDistricts bool         // no boundary file: districts are generated demo shapes
	Stations             Counts       // police stations
	StationAreas         int          // station areas (re)computed
	AHTUs                Counts       // anti-trafficking units
	AHTUDistricts        Counts       // district-to-AHTU assignments
	PCRUnits             Counts       // control room units
	PCRZones             int          // PCR zones (re)computed
}

// SeedDemo fills the jurisdiction tables with a living demo in one
// transaction. Districts come from districtsFile (GeoJSON, as for
// ImportDistricts) when it exists; otherwise approximate districts are
// generated from the embedded facts (Voronoi cells around the HQs, flagged
// approximate) without touching districts already stored. Then it creates
// a default Mahila Thana at every district HQ plus more thanas in the big
// cities, the 35 AHTUs covering every district once, and a PCR unit per
// district plus four more in Lucknow. It is idempotent.
func SeedDemo(ctx context.Context, db pg.DBTX, districtsFile string, logger *slog.Logger) (SeedResult, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var res SeedResult
	facts, err := DistrictFacts()
	if err != nil {
		return res, err
	}
	err = pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		if err := seedDistricts(ctx, tx, districtsFile, facts, &res); err != nil {
			return err
		}
		return seedUnits(ctx, tx, facts, &res)
	})
	if err != nil {
		return res, fmt.Errorf("seed demo jurisdictions: %w", err)
	}
	logger.Info("Demo jurisdictions seeded",
		"approximate_districts", res.ApproximateDistricts,
		"districts_changed", res.Districts.Inserted+res.Districts.Updated,
		"stations_changed", res.Stations.Inserted+res.Stations.Updated,
		"pcr_units_changed", res.PCRUnits.Inserted+res.PCRUnits.Updated)
	return res, nil
}

// seedDistricts imports the boundary file, or generates approximate
// districts when there is none.
func seedDistricts(ctx context.Context, tx pgx.Tx, file string, facts []DistrictFact, res *SeedResult) error {
	f, err := os.Open(file)
	if file == "" || errors.Is(err, fs.ErrNotExist) {
		res.ApproximateDistricts = true
		res.Districts = ImportReport{Kind: "approximate districts", Features: len(facts)}
		res.Districts.Counts, err = NewDistrictStore(tx).InsertApproximateDistricts(ctx, facts, geo.UPBound)
		return err
	}
	if err != nil {
		return fmt.Errorf("open districts file: %w", err)
	}
	defer f.Close()
	res.Districts, err = ImportDistricts(ctx, tx, f, ImportOptions{})
	return err
}

// seedUnits creates the demo stations, AHTUs and PCR units of every stored
// district.
func seedUnits(ctx context.Context, tx pgx.Tx, facts []DistrictFact, res *SeedResult) error {
	known, err := NewDistrictStore(tx).DistrictIDs(ctx)
	if err != nil {
		return err
	}
	stations, pcrs := demoStationInputs(facts, known), demoPCRInputs(facts, known)
	ss, ps := NewStationStore(tx), NewPCRStore(tx)
	if res.Stations, err = ss.UpsertStations(ctx, stations); err != nil {
		return err
	}
	if res.StationAreas, err = ss.SetVoronoiAreas(ctx, unitDistricts(demoStations)); err != nil {
		return err
	}
	ahtus, err := demoAHTUInputs(facts, known)
	if err != nil {
		return err
	}
	if res.AHTUs, res.AHTUDistricts, err = NewAHTUStore(tx).UpsertAHTUs(ctx, ahtus); err != nil {
		return err
	}
	if res.PCRUnits, err = ps.UpsertPCRUnits(ctx, pcrs); err != nil {
		return err
	}
	res.PCRZones, err = ps.SetVoronoiZones(ctx, unitDistricts(demoPCRUnits))
	return err
}

// demoStationInputs is a default Mahila Thana at each district's HQ plus
// the extra city thanas.
func demoStationInputs(facts []DistrictFact, known map[int]bool) []StationInput {
	var out []StationInput
	for _, f := range facts {
		if known[f.ID] {
			out = append(out, StationInput{Code: f.Code + "-MT", NameEN: "Mahila Thana " + f.NameEN,
				NameHI: "महिला थाना " + f.NameHI, DistrictID: f.ID, Location: f.HQ, IsDefault: true})
		}
	}
	for _, u := range demoStations {
		if known[u.districtID] {
			out = append(out, StationInput{Code: u.code, NameEN: u.nameEN, NameHI: u.nameHI,
				DistrictID: u.districtID, Location: pointOf(u)})
		}
	}
	return out
}

// demoPCRInputs is a PCR unit at each district's HQ plus Lucknow's extras.
func demoPCRInputs(facts []DistrictFact, known map[int]bool) []PCRUnitInput {
	var out []PCRUnitInput
	for _, f := range facts {
		if known[f.ID] {
			out = append(out, PCRUnitInput{Code: f.Code + "-PCR", NameEN: "PCR " + f.NameEN,
				NameHI: "पीसीआर " + f.NameHI, DistrictID: f.ID, Location: f.HQ})
		}
	}
	for _, u := range demoPCRUnits {
		if known[u.districtID] {
			out = append(out, PCRUnitInput{Code: u.code, NameEN: u.nameEN, NameHI: u.nameHI,
				DistrictID: u.districtID, Location: pointOf(u)})
		}
	}
	return out
}

// demoAHTUInputs builds the 35 units of demoAHTUs, each at its first
// district's HQ and named after it, covering the stored districts.
func demoAHTUInputs(facts []DistrictFact, known map[int]bool) ([]AHTUInput, error) {
	byID := make(map[int]DistrictFact, len(facts))
	for _, f := range facts {
		byID[f.ID] = f
	}
	out := make([]AHTUInput, 0, AHTUCount)
	for i, districts := range demoAHTUs {
		hq, ok := byID[districts[0]]
		if !ok {
			return nil, fmt.Errorf("demo ahtu %d: no facts for district %d", i+1, districts[0])
		}
		in := AHTUInput{ID: i + 1, Code: "AHTU-" + hq.Code, NameEN: "AHTU " + hq.NameEN,
			NameHI: "एंटी ह्यूमन ट्रैफिकिंग यूनिट " + hq.NameHI, HQ: hq.HQ}
		for _, d := range districts {
			if known[d] {
				in.DistrictIDs = append(in.DistrictIDs, d)
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// unitDistricts lists the distinct districts of units.
func unitDistricts(units []demoUnit) []int {
	var ids []int
	for _, u := range units {
		if !slices.Contains(ids, u.districtID) {
			ids = append(ids, u.districtID)
		}
	}
	return ids
}
