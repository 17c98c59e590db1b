package ingest

import (
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/vikalp/vikalp"
)

// maxGeoJSONBytes bounds a GeoJSON import, which is decoded whole.
const maxGeoJSONBytes = 512 << 20

// openGeoJSON decodes a FeatureCollection of Points and prepares
// feature-by-feature parsing; features are numbered from 1.
func (s *importSource) openGeoJSON(r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, maxGeoJSONBytes+1))
	if err != nil {
		return fmt.Errorf("read geojson: %w", err)
	}
	if len(data) > maxGeoJSONBytes {
		return vikalp.InvalidField("file", "too_large", "split GeoJSON files larger than 512 MiB, or use CSV")
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return vikalp.InvalidField("file", "bad_geojson", "the file is not a GeoJSON FeatureCollection")
	}
	i := 0
	s.next = func() (importRow, bool, error) {
		for i < len(fc.Features) {
			i++
			f := fc.Features[i-1]
			pt, ok := f.Geometry.(orb.Point)
			if !ok {
				s.countRow()
				s.reject(i, "geometry must be a Point")
				continue
			}
			if row, ok := s.accept(i, featureFields(f, pt)); ok {
				return row, true, nil
			}
		}
		return importRow{}, false, nil
	}
	return nil
}

// featureFields reads a feature's properties; source_id falls back to the
// feature's id.
func featureFields(f *geojson.Feature, pt orb.Point) rawFields {
	p := f.Properties
	src := p.MustString("source_id", "")
	if src == "" && f.ID != nil {
		src = fmt.Sprint(f.ID)
	}
	text := p.MustString("text", "")
	if text == "" {
		text = p.MustString("description", "")
	}
	return rawFields{time: p.MustString("time", ""), category: p.MustString("category", ""), text: text,
		sourceID: src, lat: strconv.FormatFloat(pt.Lat(), 'f', -1, 64), lon: strconv.FormatFloat(pt.Lon(), 'f', -1, 64)}
}
