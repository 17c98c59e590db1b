package tiles

import (
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
)

// TileJSON is a TileJSON 3.0.0 document describing one layer, as MapLibre GL
// JS and other MVT clients read it.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes a layer inside the tiles: its id (the MVT layer
// name), zoom range and feature attributes.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TileJSON describes layer name for p, with tileURL (a template containing
// {z}, {x} and {y}) as its only tile source. It refuses exactly the callers
// Tile refuses, so a document never advertises tiles its reader cannot get.
func (s *Service) TileJSON(p auth.Principal, name, tileURL string) (TileJSON, error) {
	l, err := layerFor(name)
	if err != nil {
		return TileJSON{}, err
	}
	if _, err := s.viewOf(p, l); err != nil {
		return TileJSON{}, err
	}
	fields := make(map[string]string, len(l.Fields))
	for _, f := range l.Fields {
		fields[f.Name] = f.Description
	}
	b := geo.UPBound
	return TileJSON{
		TileJSON:    "3.0.0",
		Name:        l.Name,
		Description: l.Description,
		Scheme:      "xyz",
		Tiles:       []string{tileURL},
		MinZoom:     l.MinZoom,
		MaxZoom:     l.MaxZoom,
		Bounds:      [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		// Lucknow, the state capital, at a zoom showing most of the state.
		Center:       [3]float64{80.9462, 26.8467, float64(max(l.MinZoom, 6))},
		VectorLayers: vectorLayers(l, fields),
	}, nil
}

// vectorLayers lists the MVT layers of l's tiles: its Parts, or one layer
// named after it with fields.
func vectorLayers(l Layer, fields map[string]string) []VectorLayer {
	if len(l.Parts) == 0 {
		return []VectorLayer{{ID: l.Name, Description: l.Description, MinZoom: l.MinZoom,
			MaxZoom: l.MaxZoom, Fields: fields}}
	}
	out := make([]VectorLayer, len(l.Parts))
	for i, p := range l.Parts {
		f := make(map[string]string, len(p.Fields))
		for _, pf := range p.Fields {
			f[pf.Name] = pf.Description
		}
		out[i] = VectorLayer{ID: p.Name, Description: p.Description, MinZoom: max(p.MinZoom, l.MinZoom),
			MaxZoom: l.MaxZoom, Fields: f}
	}
	return out
}
