package jurisdiction

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp/internal/pg"
)

// pointFeature is a validated Point feature with the fields every unit
// import shares.
type pointFeature struct {
	index      int
	f          *geojson.Feature
	code       string
	nameEN     string
	nameHI     string
	at         orb.Point
	districtID int // from lgd_code, or found by location; 0 until resolved
}

// unitFeature validates what stations, PCR units and AHTUs share: a Point
// inside Uttar Pradesh, a code and an English name.
func unitFeature(f indexedFeature) (pointFeature, string) {
	pf := pointFeature{index: f.index, f: f.f}
	p, ok := f.f.Geometry.(orb.Point)
	switch {
	case f.f.Geometry == nil:
		return pf, "missing geometry"
	case !ok:
		return pf, "geometry is a " + f.f.Geometry.GeoJSONType() + ", want Point"
	}
	if reason := checkBound(p); reason != "" {
		return pf, reason
	}
	pf.at = p
	pf.code = propString(f.f.Properties, "code")
	pf.nameEN = propString(f.f.Properties, "name_en", "name")
	pf.nameHI = propString(f.f.Properties, "name_hi")
	switch {
	case pf.code == "":
		return pf, "missing code"
	case pf.nameEN == "":
		return pf, "missing name_en"
	}
	return pf, ""
}

// resolveDistricts sets each feature's district from its lgd_code (or
// district_lgd_code) property, which must name a stored district, or else
// from its location (one round trip for all). Features that end up in no
// district are rejected.
func resolveDistricts(ctx context.Context, tx pgx.Tx, feats []pointFeature) ([]pointFeature, []Rejection, error) {
	store := NewDistrictStore(tx)
	known, err := store.DistrictIDs(ctx)
	if err != nil {
		return nil, nil, err
	}
	var rejects []Rejection
	var unplaced []int
	kept := feats[:0]
	for _, pf := range feats {
		id, present, ok := propInt(pf.f.Properties, "lgd_code")
		if !present {
			id, present, ok = propInt(pf.f.Properties, "district_lgd_code")
		}
		switch {
		case present && !ok:
			rejects = append(rejects, pf.reject("lgd_code must be a positive integer"))
			continue
		case present && !known[id]:
			rejects = append(rejects, pf.reject(fmt.Sprintf("unknown district lgd_code %d", id)))
			continue
		case !present:
			unplaced = append(unplaced, len(kept))
		}
		pf.districtID = id
		kept = append(kept, pf)
	}
	return placeByLocation(ctx, store, kept, unplaced, rejects)
}

// placeByLocation finds the districts of kept[unplaced...] by point in
// polygon and drops those in none.
func placeByLocation(ctx context.Context, store *DistrictStore, kept []pointFeature, unplaced []int, rejects []Rejection) ([]pointFeature, []Rejection, error) {
	if len(unplaced) == 0 {
		return kept, rejects, nil
	}
	pts := make([]orb.Point, len(unplaced))
	for i, k := range unplaced {
		pts[i] = kept[k].at
	}
	ids, err := store.DistrictIDsAt(ctx, pts)
	if err != nil {
		return nil, nil, err
	}
	for i, k := range unplaced {
		kept[k].districtID = ids[i]
	}
	out := kept[:0]
	for _, pf := range kept {
		if pf.districtID == 0 {
			rejects = append(rejects, pf.reject("location is in no district and has no lgd_code"))
			continue
		}
		out = append(out, pf)
	}
	return out, rejects, nil
}

func (pf pointFeature) reject(reason string) Rejection {
	id := pf.code
	if id == "" {
		id = featureID(pf.f, "code", "id")
	}
	return Rejection{Index: pf.index, ID: id, Reason: reason}
}

// unitFeatures validates every feature with unitFeature and rejects codes
// seen in an earlier feature.
func unitFeatures(feats []indexedFeature) ([]pointFeature, []Rejection) {
	var out []pointFeature
	var rejects []Rejection
	seen := map[string]int{}
	for _, f := range feats {
		pf, reason := unitFeature(f)
		if prev, dup := seen[pf.code]; reason == "" && dup {
			reason = fmt.Sprintf("duplicate code %q (also feature %d)", pf.code, prev)
		}
		if reason != "" {
			rejects = append(rejects, pf.reject(reason))
			continue
		}
		seen[pf.code] = pf.index
		out = append(out, pf)
	}
	return out, rejects
}

// importUnits is the shared shape of the point imports: read, validate
// without the database, then validate against it and write in one
// transaction. write returns the features it rejected itself.
func importUnits(ctx context.Context, db pg.DBTX, r io.Reader, opts ImportOptions, rep *ImportReport,
	write func(tx pgx.Tx, feats []pointFeature) ([]Rejection, error)) error {
	feats, rejects, total, err := readFeatures(r)
	if err != nil {
		return err
	}
	rep.Features, rep.Rejected = total, rejects
	units, rejects := unitFeatures(feats)
	rep.Rejected = append(rep.Rejected, rejects...)
	if err := rep.finish(opts, len(units)); err != nil {
		return err
	}
	return pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		rejects, err := write(tx, units)
		if err != nil {
			return err
		}
		rep.Rejected = append(rep.Rejected, rejects...)
		// Rejections found inside the transaction still honour Strict, and
		// the deferred rollback undoes any write.
		return rep.finish(opts, len(units)-len(rejects))
	})
}

// ImportStations loads police stations from GeoJSON Point features in one
// transaction. Properties: code and name_en (or name) required; name_hi;
// lgd_code (else the district is found by location); is_default (the
// district's station for complaints naming only the district; it takes the
// flag from any previous default). Codes are the upsert key.
func ImportStations(ctx context.Context, db pg.DBTX, r io.Reader, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Kind: "stations"}
	err := importUnits(ctx, db, r, opts, &rep, func(tx pgx.Tx, feats []pointFeature) ([]Rejection, error) {
		feats, rejects, err := resolveDistricts(ctx, tx, feats)
		if err != nil {
			return nil, err
		}
		inputs, more := stationInputs(feats)
		if len(inputs) > 0 {
			rep.Counts, err = NewStationStore(tx).UpsertStations(ctx, inputs)
		}
		return append(rejects, more...), err
	})
	if err != nil {
		return rep, fmt.Errorf("import stations: %w", err)
	}
	return rep, nil
}

// stationInputs reads is_default and rejects a second default station for
// the same district.
func stationInputs(feats []pointFeature) ([]StationInput, []Rejection) {
	var inputs []StationInput
	var rejects []Rejection
	defaults := map[int]string{}
	for _, pf := range feats {
		def, ok := pf.f.Properties["is_default"].(bool)
		if v, present := pf.f.Properties["is_default"]; present && v != nil && !ok {
			rejects = append(rejects, pf.reject("is_default must be true or false"))
			continue
		}
		if prev, dup := defaults[pf.districtID]; def && dup {
			rejects = append(rejects, pf.reject(fmt.Sprintf("district %d already has default station %q in this file", pf.districtID, prev)))
			continue
		}
		if def {
			defaults[pf.districtID] = pf.code
		}
		inputs = append(inputs, StationInput{Code: pf.code, NameEN: pf.nameEN, NameHI: pf.nameHI,
			DistrictID: pf.districtID, Location: pf.at, IsDefault: def})
	}
	return inputs, rejects
}

// ImportPCRUnits loads PCR units from GeoJSON Point features in one
// transaction. Properties: code and name_en (or name) required; name_hi;
// lgd_code (else the district is found by location). Codes are the upsert
// key.
func ImportPCRUnits(ctx context.Context, db pg.DBTX, r io.Reader, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Kind: "pcr units"}
	err := importUnits(ctx, db, r, opts, &rep, func(tx pgx.Tx, feats []pointFeature) ([]Rejection, error) {
		feats, rejects, err := resolveDistricts(ctx, tx, feats)
		if err != nil || len(feats) == 0 {
			return rejects, err
		}
		inputs := make([]PCRUnitInput, len(feats))
		for i, pf := range feats {
			inputs[i] = PCRUnitInput{Code: pf.code, NameEN: pf.nameEN, NameHI: pf.nameHI,
				DistrictID: pf.districtID, Location: pf.at}
		}
		rep.Counts, err = NewPCRStore(tx).UpsertPCRUnits(ctx, inputs)
		return rejects, err
	})
	if err != nil {
		return rep, fmt.Errorf("import pcr units: %w", err)
	}
	return rep, nil
}

// ImportAHTUs loads Anti-Human Trafficking Units from GeoJSON Point features
// (the unit's HQ) in one transaction. Properties: id (1–35), code and
// name_en (or name) required; name_hi; districts, an array of the LGD codes
// the unit covers (each district in at most one feature; listing a district
// moves it from its previous unit). The report lists districts no unit
// covers afterwards.
func ImportAHTUs(ctx context.Context, db pg.DBTX, r io.Reader, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Kind: "ahtus"}
	err := importUnits(ctx, db, r, opts, &rep, func(tx pgx.Tx, feats []pointFeature) ([]Rejection, error) {
		known, err := NewDistrictStore(tx).DistrictIDs(ctx)
		if err != nil {
			return nil, err
		}
		inputs, rejects := ahtuInputs(feats, known)
		if len(inputs) == 0 {
			return rejects, nil
		}
		store := NewAHTUStore(tx)
		if rep.Counts, rep.Assigned, err = store.UpsertAHTUs(ctx, inputs); err != nil {
			return nil, err
		}
		rep.Uncovered, err = uncovered(ctx, store, known)
		return rejects, err
	})
	if err != nil {
		return rep, fmt.Errorf("import ahtus: %w", err)
	}
	return rep, nil
}

// ahtuInputs validates ids and district lists, rejecting a repeated id or a
// district already claimed by an earlier feature.
func ahtuInputs(feats []pointFeature, known map[int]bool) ([]AHTUInput, []Rejection) {
	var inputs []AHTUInput
	var rejects []Rejection
	ids, claimed := map[int]int{}, map[int]int{}
	for _, pf := range feats {
		in, reason := ahtuInput(pf, known)
		if prev, dup := ids[in.ID]; reason == "" && dup {
			reason = fmt.Sprintf("duplicate id %d (also feature %d)", in.ID, prev)
		}
		for _, d := range in.DistrictIDs {
			if prev, dup := claimed[d]; reason == "" && dup {
				reason = fmt.Sprintf("district %d is already covered by feature %d", d, prev)
			}
		}
		if reason != "" {
			rejects = append(rejects, pf.reject(reason))
			continue
		}
		ids[in.ID] = pf.index
		for _, d := range in.DistrictIDs {
			claimed[d] = pf.index
		}
		inputs = append(inputs, in)
	}
	return inputs, rejects
}

func ahtuInput(pf pointFeature, known map[int]bool) (AHTUInput, string) {
	id, _, ok := propInt(pf.f.Properties, "id")
	if !ok || id > AHTUCount {
		return AHTUInput{}, fmt.Sprintf("id must be an integer from 1 to %d", AHTUCount)
	}
	list, ok := pf.f.Properties["districts"].([]any)
	if !ok {
		return AHTUInput{}, "districts must be an array of lgd codes"
	}
	in := AHTUInput{ID: id, Code: pf.code, NameEN: pf.nameEN, NameHI: pf.nameHI, HQ: pf.at}
	for _, v := range list {
		d, ok := positiveInt(v)
		if !ok {
			return AHTUInput{}, "districts must be an array of lgd codes"
		}
		if !known[d] {
			return AHTUInput{}, fmt.Sprintf("unknown district lgd_code %d", d)
		}
		if !slices.Contains(in.DistrictIDs, d) {
			in.DistrictIDs = append(in.DistrictIDs, d)
		}
	}
	return in, ""
}

// uncovered lists the stored districts that no unit covers.
func uncovered(ctx context.Context, store *AHTUStore, known map[int]bool) ([]int, error) {
	cov, err := store.Coverage(ctx)
	if err != nil {
		return nil, err
	}
	var out []int
	for id := range known {
		if _, ok := cov[id]; !ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}
