package jurisdiction

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp/internal/pg"
)

// ImportDistricts loads district boundaries from a GeoJSON FeatureCollection
// of Polygon or MultiPolygon features in one transaction. Each feature needs
// an integer lgd_code and a name (district, name_en or name); other facts
// (Hindi name, HQ, police range and zone) come from the feature when present,
// else from the embedded district facts. Invalid geometry is repaired with
// ST_MakeValid. Features with a missing or bad lgd_code or name, non-polygon
// geometry or coordinates outside Uttar Pradesh are rejected and reported.
func ImportDistricts(ctx context.Context, db pg.DBTX, r io.Reader, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Kind: "districts"}
	feats, rejects, total, err := readFeatures(r)
	if err != nil {
		return rep, err
	}
	rep.Features, rep.Rejected = total, rejects
	facts, err := factsByID()
	if err != nil {
		return rep, err
	}
	inputs, rejects := districtInputs(feats, facts)
	rep.Rejected = append(rep.Rejected, rejects...)
	if err := rep.finish(opts, len(inputs)); err != nil {
		return rep, err
	}
	err = pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		rep.Counts, err = NewDistrictStore(tx).UpsertDistricts(ctx, inputs)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("import districts: %w", err)
	}
	return rep, nil
}

// districtInputs validates features and rejects duplicates of an earlier
// feature's lgd_code or slug.
func districtInputs(feats []indexedFeature, facts map[int]DistrictFact) ([]DistrictInput, []Rejection) {
	var inputs []DistrictInput
	var rejects []Rejection
	byID, bySlug := map[int]int{}, map[string]int{}
	for _, f := range feats {
		in, reason := districtInput(f.f, facts)
		if reason == "" {
			if prev, dup := byID[in.ID]; dup {
				reason = fmt.Sprintf("duplicate lgd_code %d (also feature %d)", in.ID, prev)
			} else if prev, dup := bySlug[in.Slug]; dup {
				reason = fmt.Sprintf("duplicate slug %q (also feature %d)", in.Slug, prev)
			}
		}
		if reason != "" {
			rejects = append(rejects, Rejection{Index: f.index, ID: featureID(f.f, "lgd_code", "district"), Reason: reason})
			continue
		}
		byID[in.ID], bySlug[in.Slug] = f.index, f.index
		inputs = append(inputs, in)
	}
	return inputs, rejects
}

// districtInput turns one feature into a DistrictInput, or says why not.
func districtInput(f *geojson.Feature, facts map[int]DistrictFact) (DistrictInput, string) {
	id, present, ok := propInt(f.Properties, "lgd_code")
	switch {
	case !present:
		return DistrictInput{}, "missing lgd_code"
	case !ok:
		return DistrictInput{}, "lgd_code must be a positive integer"
	}
	name := propString(f.Properties, "district", "name_en", "name")
	if name == "" {
		return DistrictInput{}, "missing district name"
	}
	if reason := checkPolygonal(f.Geometry); reason != "" {
		return DistrictInput{}, reason
	}
	fact, known := facts[id]
	in := DistrictInput{
		ID:              id,
		NameEN:          name,
		NameHI:          firstNonEmpty(propString(f.Properties, "name_hi"), fact.NameHI),
		Slug:            districtSlug(propString(f.Properties, "slug"), fact.Slug, name, id),
		PoliceRange:     firstNonEmpty(propString(f.Properties, "police_range"), fact.PoliceRange),
		PoliceZone:      firstNonEmpty(propString(f.Properties, "police_zone"), fact.PoliceZone),
		Commissionerate: firstNonEmpty(propString(f.Properties, "commissionerate"), fact.Commissionerate),
		Geom:            f.Geometry,
	}
	nepal, ok := propBool(f.Properties, "borders_nepal", fact.BordersNepal)
	if !ok {
		return DistrictInput{}, "borders_nepal must be true or false"
	}
	in.BordersNepal = nepal
	if known {
		hq := fact.HQ
		in.HQ = &hq
	}
	return in, ""
}

// checkPolygonal accepts a Polygon or MultiPolygon with closed rings of at
// least four points, all inside Uttar Pradesh.
func checkPolygonal(g orb.Geometry) string {
	var polys orb.MultiPolygon
	switch v := g.(type) {
	case nil:
		return "missing geometry"
	case orb.Polygon:
		polys = orb.MultiPolygon{v}
	case orb.MultiPolygon:
		polys = v
	default:
		return "geometry is a " + g.GeoJSONType() + ", want Polygon or MultiPolygon"
	}
	if len(polys) == 0 {
		return "geometry is empty"
	}
	for _, p := range polys {
		if len(p) == 0 {
			return "geometry has an empty polygon"
		}
		for _, ring := range p {
			if len(ring) < 4 || !ring.Closed() {
				return "polygon ring is not closed or has fewer than 4 points"
			}
		}
	}
	return checkBound(g)
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// districtSlug picks the feature's slug if well-formed, else the known one,
// else one made from the (Latin) name, else one made from the id.
func districtSlug(fromFeature, fromFacts, name string, id int) string {
	if slugRE.MatchString(fromFeature) {
		return fromFeature
	}
	if fromFacts != "" {
		return fromFacts
	}
	var b strings.Builder
	for _, word := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	}) {
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(word)
	}
	if b.Len() == 0 {
		return "district-" + strconv.Itoa(id)
	}
	return b.String()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
