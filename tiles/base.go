package tiles

import "time"

// LayerBase is the default base map: Vikalp's own public geography as one
// tile with several MVT layers (BaseParts), drawn under the hotspot cells
// on every map when no street base map (PMTiles archive) is configured.
const LayerBase = "base"

// Part is one MVT layer inside a multi-layer tile: its name (the
// source-layer a style draws), the zoom it starts at and its fields.
type Part struct {
	Name        string
	Description string
	MinZoom     int
	Fields      []Field
}

// The MVT layers of the base tile. Every name has an English (name_en) and
// a Hindi (name_hi) label; where the data has no Hindi name (most railway
// stations), name_hi repeats the English one, so a Hindi map is never blank.
const (
	BaseDistricts       = "districts"        // district polygons
	BaseDistrictLabels  = "district_labels"  // one point inside each district
	BaseDistrictHQs     = "district_hq"      // district headquarters
	BasePoliceStations  = "police_stations"  // thanas
	BaseRailwayStations = "railway_stations" // from transit_places
	BaseBorder          = "border"           // the India–Nepal border
)

// BaseStationZoom is the zoom from which police and railway stations are
// drawn: below it a tile would carry hundreds of points nobody can read.
const BaseStationZoom = 9

var baseNameFields = []Field{
	{"name_en", "String: name in English"},
	{"name_hi", "String: name in Hindi (the English name when the data has none)"},
}

// BaseParts lists the MVT layers of the base tile, bottom to top.
var BaseParts = []Part{
	{BaseDistricts, "District boundaries (feature id: LGD code)", 0, append(baseNameFields[:2:2],
		Field{"slug", "String: URL slug"})},
	{BaseBorder, "The India–Nepal border along Uttar Pradesh", 0, baseNameFields},
	{BaseDistrictLabels, "A label point inside each district (feature id: LGD code)", 0, baseNameFields},
	{BaseDistrictHQs, "District headquarters (feature id: LGD code): the district's names", 6, baseNameFields},
	{BasePoliceStations, "Police stations (thanas)", BaseStationZoom, baseNameFields},
	{BaseRailwayStations, "Railway stations", BaseStationZoom, append(baseNameFields[:2:2],
		Field{"code", "String: station code"})},
}

// baseLayer is the base entry of the layer allow-list: public, cached in
// process and by HTTP caches for an hour (the tables behind it change only
// on import).
var baseLayer = Layer{
	Name:        LayerBase,
	Description: "Base map from Vikalp's own data: districts, their names and headquarters, police and railway stations, the Nepal border",
	MinZoom:     0, MaxZoom: 14, Access: AccessPublic, MaxAge: time.Hour, tile: (*TileStore).Base,
	Parts: BaseParts,
}
