package leads

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
)

// maxTransitBytes bounds a transit or border GeoJSON file.
const maxTransitBytes = 32 << 20

// TransitImportReport says what a transit or border import did.
type TransitImportReport struct {
	Kind      string   // "transit places" or "border lines"
	Features  int      // features in the file
	Inserted  int      // rows added
	Updated   int      // rows whose name, district or point changed
	Unchanged int      // rows already as in the file
	Rejected  []string // "feature N (CODE): reason", in file order
}

// ImportTransit loads railway stations (and bus stands) from a GeoJSON
// FeatureCollection of Points, such as ../shared/data/up-railway-stations.geojson.
// Each feature needs "code" and "name" (or "name_en"); "name_hi" is
// optional; "kind" is railway_station (default) or bus_stand; "lgd_code"
// names the district, else it is found from the point. Rows are matched by
// (kind, code), so importing the same file again changes nothing.
func ImportTransit(ctx context.Context, db pg.DBTX, r io.Reader) (TransitImportReport, error) {
	rep := TransitImportReport{Kind: "transit places"}
	fc, err := readFeatures(r)
	if err != nil {
		return rep, err
	}
	rep.Features = len(fc.Features)
	var rows []TransitInput
	for i, f := range fc.Features {
		in, reason := transitInput(f)
		if reason != "" {
			rep.Rejected = append(rep.Rejected, fmt.Sprintf("feature %d (%s): %s", i, in.Code, reason))
			continue
		}
		rows = append(rows, in)
	}
	counts, err := NewTransitStore(db).Upsert(ctx, rows)
	rep.Inserted, rep.Updated, rep.Unchanged = counts[0], counts[1], counts[2]
	return rep, err
}

// transitInput validates one feature; reason is "" when it is usable.
func transitInput(f *geojson.Feature) (TransitInput, string) {
	in := TransitInput{Kind: "railway_station", Code: strings.TrimSpace(f.Properties.MustString("code", ""))}
	in.NameEN = strings.TrimSpace(f.Properties.MustString("name_en", f.Properties.MustString("name", "")))
	in.NameHI = strings.TrimSpace(f.Properties.MustString("name_hi", ""))
	if k := f.Properties.MustString("kind", ""); k != "" {
		in.Kind = k
	}
	in.DistrictID = int(f.Properties.MustFloat64("lgd_code", 0))
	pt, ok := f.Geometry.(orb.Point)
	switch {
	case in.Code == "":
		return in, "missing code"
	case in.NameEN == "":
		return in, "missing name"
	case in.Kind != "railway_station" && in.Kind != "bus_stand":
		return in, "kind must be railway_station or bus_stand"
	case !ok:
		return in, "geometry is not a Point"
	}
	if err := geo.CheckInUP(pt.Lat(), pt.Lon()); err != nil {
		return in, "outside Uttar Pradesh"
	}
	in.Lat, in.Lon = pt.Lat(), pt.Lon()
	return in, ""
}

// ImportBorder loads the India–Nepal border lines (LineString or
// MultiLineString features, keyed by their "variant" property, else
// "border-N") from a file such as ../shared/data/up-nepal-border.geojson.
func ImportBorder(ctx context.Context, db pg.DBTX, r io.Reader) (TransitImportReport, error) {
	rep := TransitImportReport{Kind: "border lines"}
	fc, err := readFeatures(r)
	if err != nil {
		return rep, err
	}
	rep.Features = len(fc.Features)
	store := NewTransitStore(db)
	for i, f := range fc.Features {
		variant := f.Properties.MustString("variant", fmt.Sprintf("border-%d", i+1))
		var ml orb.MultiLineString
		switch g := f.Geometry.(type) {
		case orb.LineString:
			ml = orb.MultiLineString{g}
		case orb.MultiLineString:
			ml = g
		default:
			rep.Rejected = append(rep.Rejected, fmt.Sprintf("feature %d (%s): geometry is not a line", i, variant))
			continue
		}
		inserted, err := store.UpsertBorder(ctx, variant, f.Properties.MustString("name", ""), ml)
		if err != nil {
			return rep, err
		}
		if inserted {
			rep.Inserted++
		} else {
			rep.Updated++
		}
	}
	return rep, nil
}

// readFeatures reads a bounded GeoJSON FeatureCollection.
func readFeatures(r io.Reader) (*geojson.FeatureCollection, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTransitBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read geojson: %w", err)
	}
	if len(data) > maxTransitBytes {
		return nil, fmt.Errorf("read geojson: file larger than %d MB", maxTransitBytes>>20)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse geojson: %w", err)
	}
	return fc, nil
}
