package tiles

import (
	"context"
	"time"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
)

// Layer names: the allow-list of /tiles/{layer}/… paths.
const (
	LayerHotspots       = "hotspots"
	LayerHeat           = "heat"
	LayerReports        = "reports"
	LayerComplaints     = "complaints"
	LayerTips           = "tips"
	LayerLeads          = "leads"
	LayerDistricts      = "districts"
	LayerPoliceStations = "police_stations"
	LayerPCRUnits       = "pcr_units"
	LayerAHTUUnits      = "ahtu_units"
)

// PointZoom is the zoom from which the reports, complaints and tips layers
// draw individual points; below it they draw one point per H3 cluster with
// a count (ClusterResolution).
const PointZoom = 14

// Access says who may fetch a layer and what they see.
type Access int

const (
	// AccessPublic layers look the same to everyone.
	AccessPublic Access = iota + 1
	// AccessPublicDetail layers show everyone a privacy-filtered public view
	// and staff holding one of the layer's Roles a full view of their scope.
	AccessPublicDetail
	// AccessStaff layers need one of the layer's Roles (anonymous callers
	// get 401, other roles 404) and show only the caller's scope.
	AccessStaff
)

// Field is one attribute of a layer's features, as TileJSON lists it.
type Field struct {
	Name        string
	Description string
}

// Layer is one entry of the layer allow-list.
type Layer struct {
	Name        string
	Description string
	MinZoom     int
	MaxZoom     int
	Fields      []Field
	Access      Access
	// Roles may see the layer (AccessStaff) or its staff view
	// (AccessPublicDetail).
	Roles []auth.Role
	// Windowed layers take a ?window= time window (Windows).
	Windowed bool
	// MaxAge is how long HTTP caches may keep a public tile.
	MaxAge time.Duration
	// Analysis layers draw analytics results: cached tiles are keyed on the
	// newest hotspot analysis run, so a new run replaces them.
	Analysis bool
	// tile renders one tile with the store.
	tile func(s *TileStore, ctx context.Context, q Query) ([]byte, error)
	// resolution returns the H3 resolution a tile at zoom z is drawn at (0:
	// individual points), before any public cap.
	resolution func(z int) int
	// Parts are the MVT layers of a tile that carries several (the base
	// map); a layer without Parts is one MVT layer named after it.
	Parts []Part
}

// Query is one tile as the store renders it.
type Query struct {
	Address Address
	// Window is the hotspot window ("30d").
	Window string
	// Res is the H3 resolution drawn (hotspots, clusters); 0 draws points.
	Res int
	// MinDistinct hides hotspot cells with fewer distinct reports.
	MinDistinct int
	Scope       Scope
}

// Windows are the hotspot windows the analytics pipeline writes, and
// DefaultWindow the one shown when a request names none.
var Windows = []string{"7d", "30d", "90d", "365d"}

// DefaultWindow is the hotspot window a request without ?window= gets.
const DefaultWindow = "30d"

// ClusterResolution returns the stored H3 column a point layer groups by at
// zoom z (5 up to z8: there is no r6 column, and r7 would put thousands of
// clusters in a z7 tile; 7 for z9–10; 8 for z11–12; 9 for z13), or 0 from
// PointZoom on, where points are drawn individually.
func ClusterResolution(z int) int {
	switch {
	case z >= PointZoom:
		return 0
	case z <= 8:
		return 5
	case z <= 10:
		return 7
	case z <= 12:
		return 8
	default:
		return 9
	}
}

// staffRoles are the roles with a jurisdiction; every one gets the staff
// view of hotspots, limited to its scope.
var staffRoles = auth.Roles()

var clusterFields = []Field{
	{"count", "Number: reports in the cluster (1 for a single point)"},
}

// layers is the allow-list, in TileJSON and documentation order.
var layers = []Layer{
	{
		Name: LayerHotspots, Description: "H3 hotspot cells with Gi* statistics of approved reports for a time window",
		MinZoom: 4, MaxZoom: 16, Access: AccessPublicDetail, Roles: staffRoles, Windowed: true, Analysis: true,
		MaxAge: time.Minute, tile: (*TileStore).Hotspots, resolution: geo.ResolutionForZoom,
		Fields: []Field{
			{"cell", "String: H3 cell index (hex)"},
			{"count", "Number: approved reports in the cell and window"},
			{"score", "Number: severity-weighted value Gi* ran on"},
			{"z", "Number: Gi* z-score"},
			{"bin", "Number: confidence bin, -3…3 (99/95/90 % cold/hot)"},
			{"class", "String: emerging hot spot class, e.g. new_hot, persistent_cold (absent: none)"},
		},
	},
	{
		// Staff only: the surface is drawn from every approved report, with
		// no k-anonymity threshold, so one report shows as a kernel.
		// Complaints never enter it (docs/PRIVACY.md).
		Name: LayerHeat, Description: "Quartic kernel density of severity-weighted approved reports for a time window",
		MinZoom: 4, MaxZoom: 16, Access: AccessStaff, Roles: staffRoles, Windowed: true, Analysis: true,
		tile: (*TileStore).Heat,
		Fields: []Field{
			{"density", "Number: severity-weighted approved reports per km² (mean over the square)"},
			{"level", "Number: 0–1, the square's peak density over the state's 99th percentile, capped at 1"},
		},
	},
	{
		Name: LayerReports, Description: "Hotspot reports: H3 clusters below zoom 14, points from 14",
		MinZoom: 5, MaxZoom: 18, Access: AccessStaff, tile: (*TileStore).Reports, resolution: ClusterResolution,
		Roles: []auth.Role{auth.RoleModerator, auth.RolePCR, auth.RoleStation, auth.RoleNodal, auth.RoleSP,
			auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAdmin},
		Fields: append(clusterFields[:1:1],
			Field{"category", "String: report category (points only)"},
			Field{"status", "String: pending, approved or rejected (points only)"},
			Field{"month", "String: YYYY-MM of the event, IST (points only)"}),
	},
	{
		Name: LayerComplaints, Description: "Located complaints (confidential ones never): clusters below zoom 14, points from 14",
		MinZoom: 5, MaxZoom: 18, Access: AccessStaff, tile: (*TileStore).Complaints, resolution: ClusterResolution,
		Roles: []auth.Role{auth.RoleStation, auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal},
		Fields: append(clusterFields[:1:1],
			Field{"status", "String: lifecycle status (points only)"},
			Field{"category", "String: complaint category (points only)"},
			Field{"month", "String: YYYY-MM filed, IST (points only)"}),
	},
	{
		Name: LayerTips, Description: "Trafficking tip places: clusters below zoom 14, points from 14",
		MinZoom: 5, MaxZoom: 18, Access: AccessStaff, tile: (*TileStore).Tips, resolution: ClusterResolution,
		Roles: []auth.Role{auth.RoleAHTU, auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAdmin},
		Fields: append(clusterFields[:1:1],
			Field{"tip_id", "Number: the tip (points only)"},
			Field{"month", "String: YYYY-MM seen (or received), IST (points only)"}),
	},
	{
		Name: LayerLeads, Description: "Trafficking leads at their place, strongest first",
		MinZoom: 5, MaxZoom: 18, Access: AccessStaff, tile: (*TileStore).Leads,
		resolution: func(int) int { return 0 },
		Roles:      []auth.Role{auth.RoleAHTU, auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAdmin},
		Fields: []Field{
			{"count", "Number: always 1"},
			{"status", "String: lead status"},
			{"score", "Number: lead score"},
		},
	},
	{
		Name: LayerDistricts, Description: "The 75 districts of Uttar Pradesh",
		MinZoom: 0, MaxZoom: 14, Access: AccessPublic, MaxAge: time.Hour, tile: (*TileStore).Districts,
		Fields: []Field{
			{"name_en", "String: name in English"},
			{"name_hi", "String: name in Hindi"},
			{"slug", "String: URL slug"},
		},
	},
	{
		Name: LayerPoliceStations, Description: "Police stations (thanas)",
		MinZoom: 8, MaxZoom: 16, Access: AccessPublic, MaxAge: time.Hour, tile: (*TileStore).PoliceStations,
		Fields: jurisdictionPointFields,
	},
	{
		Name: LayerPCRUnits, Description: "Police control room (UP 112) units",
		MinZoom: 8, MaxZoom: 16, Access: AccessPublic, MaxAge: time.Hour, tile: (*TileStore).PCRUnits,
		Fields: jurisdictionPointFields,
	},
	{
		Name: LayerAHTUUnits, Description: "Anti-Human Trafficking Units as the union of their districts",
		MinZoom: 0, MaxZoom: 14, Access: AccessPublic, MaxAge: time.Hour, tile: (*TileStore).AHTUUnits,
		Fields: []Field{
			{"code", "String: unit code"},
			{"name_en", "String: name in English"},
			{"name_hi", "String: name in Hindi"},
		},
	},
	baseLayer,
}

var jurisdictionPointFields = []Field{
	{"code", "String: unit code"},
	{"name_en", "String: name in English"},
	{"name_hi", "String: name in Hindi"},
	{"district_id", "Number: LGD district code"},
}

var layerByName = func() map[string]*Layer {
	m := make(map[string]*Layer, len(layers))
	for i := range layers {
		m[layers[i].Name] = &layers[i]
	}
	return m
}()

// Layers returns the allow-list of layers.
func Layers() []Layer {
	return append([]Layer(nil), layers...)
}

// LookupLayer returns the layer called name and whether it exists.
func LookupLayer(name string) (Layer, bool) {
	l, ok := layerByName[name]
	if !ok {
		return Layer{}, false
	}
	return *l, true
}
