package jurisdiction

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
)

// maxImportBytes bounds a GeoJSON import file (the 75 districts take ~1 MB).
const maxImportBytes = 64 << 20

// ImportOptions tunes an import.
type ImportOptions struct {
	// Strict makes any rejected feature abort the whole import, writing
	// nothing. By default valid features are written and rejects reported.
	Strict bool
}

// ImportReport says what an import did. Importing the same file twice
// reports every valid feature as unchanged the second time.
type ImportReport struct {
	Kind      string      // "districts", "stations", "ahtus" or "pcr units"
	Features  int         // features in the file
	Counts                // rows inserted, updated and unchanged
	Rejected  []Rejection // features not imported, in file order
	Assigned  Counts      // AHTU imports only: district-to-unit assignments
	Uncovered []int       // AHTU imports only: districts no unit covers afterwards
}

// Rejection is one feature an import refused, with a reason a data editor
// can act on.
type Rejection struct {
	Index  int    // position in the file's features array, from 0
	ID     string // the feature's lgd_code, code or id when known
	Reason string // e.g. "missing lgd_code"
}

// String formats the rejection for a report line.
func (r Rejection) String() string {
	if r.ID != "" {
		return fmt.Sprintf("feature %d (%s): %s", r.Index, r.ID, r.Reason)
	}
	return fmt.Sprintf("feature %d: %s", r.Index, r.Reason)
}

// indexedFeature is a feature that parsed, with its position in the file.
type indexedFeature struct {
	index int
	f     *geojson.Feature
}

// readFeatures reads a GeoJSON FeatureCollection, parsing each feature on
// its own so one malformed feature is a rejection, not a failed import.
func readFeatures(r io.Reader) ([]indexedFeature, []Rejection, int, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("read geojson: %w", err)
	}
	if len(data) > maxImportBytes {
		return nil, nil, 0, vikalp.Invalidf("the file is larger than %d MiB", maxImportBytes>>20)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil || fc.Type != "FeatureCollection" {
		return nil, nil, 0, vikalp.Invalidf("the file is not a GeoJSON FeatureCollection")
	}
	var feats []indexedFeature
	var rejects []Rejection
	for i, raw := range fc.Features {
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			rejects = append(rejects, Rejection{Index: i, Reason: "not a valid GeoJSON feature: " + err.Error()})
			continue
		}
		feats = append(feats, indexedFeature{index: i, f: f})
	}
	return feats, rejects, len(fc.Features), nil
}

// finish sorts the rejections and applies the Strict option before anything
// is written.
func (rep *ImportReport) finish(opts ImportOptions, accepted int) error {
	slices.SortFunc(rep.Rejected, func(a, b Rejection) int { return a.Index - b.Index })
	if opts.Strict && len(rep.Rejected) > 0 {
		return vikalp.Invalidf("%d of %d features rejected; no %s imported (strict)",
			len(rep.Rejected), rep.Features, rep.Kind)
	}
	if accepted == 0 {
		return vikalp.Invalidf("no valid features to import as %s", rep.Kind)
	}
	return nil
}

// propInt reads a positive integer property, given as a JSON number or a
// string of digits. present is false when the key is absent or null.
func propInt(p geojson.Properties, key string) (n int, present, ok bool) {
	v, found := p[key]
	if !found || v == nil {
		return 0, false, false
	}
	n, ok = positiveInt(v)
	return n, true, ok
}

// positiveInt reads a positive integer from a decoded JSON value.
func positiveInt(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x > 0 && x == math.Trunc(x) && x < math.MaxInt32 {
			return int(x), true
		}
	case string:
		if i, err := strconv.Atoi(strings.TrimSpace(x)); err == nil && i > 0 {
			return i, true
		}
	}
	return 0, false
}

// propString reads a string property, trimmed; the first present key wins.
func propString(p geojson.Properties, keys ...string) string {
	for _, k := range keys {
		if s, ok := p[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// propBool reads a boolean property; absent or null is def.
func propBool(p geojson.Properties, key string, def bool) (b, ok bool) {
	v, found := p[key]
	if !found || v == nil {
		return def, true
	}
	b, ok = v.(bool)
	return b, ok
}

// featureID names a feature in a rejection: the first present key's value,
// else the GeoJSON id.
func featureID(f *geojson.Feature, keys ...string) string {
	for _, k := range keys {
		if v, ok := f.Properties[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
	}
	if f.ID != nil {
		return fmt.Sprint(f.ID)
	}
	return ""
}

// checkBound rejects geometry with any coordinate outside the buffered UP
// box or not finite.
func checkBound(g orb.Geometry) string {
	b := g.Bound()
	for _, v := range []float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "coordinates are not finite numbers"
		}
	}
	if !geo.UPBufferedBound.Contains(b.Min) || !geo.UPBufferedBound.Contains(b.Max) {
		return "coordinates outside Uttar Pradesh"
	}
	return ""
}
