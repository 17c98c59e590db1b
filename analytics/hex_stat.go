package analytics

import "time"

// HexStat is one row of hex_stats: the hotspot result of an H3 cell at one
// resolution for one window of the run that wrote it.
type HexStat struct {
	WindowKey    string // "7d", "30d", "90d" or "365d"
	Resolution   int
	Cell         int64
	RunID        int64
	WindowStart  time.Time
	WindowEnd    time.Time
	NReports     int     // approved reports in the cell and window
	NDistinct    int     // approved reports that are distinct (docs/PRIVACY.md)
	Score        float64 // the Gi* input x: severity-weighted, optionally decayed
	GiZ          float64
	GiP          float64
	GiPFDR       float64
	Bin          int           // −3…+3
	Emerging     EmergingClass // EmergingNone when no pattern or not analysed
	EmergingCold bool
	DistrictID   int // the district most of the cell's reports fall in; 0 unknown
}

// Window is a named analysis window ending at the run's as-of time.
type Window struct {
	Key  string // "7d"
	Days int
}

// DefaultWindows are the windows every run computes.
var DefaultWindows = []Window{{"7d", 7}, {"30d", 30}, {"90d", 90}, {"365d", 365}}

// HotspotFilter selects hex_stats rows for the API and exports.
type HotspotFilter struct {
	WindowKey   string // required
	Resolution  int    // required, 5–9
	Class       string // "", "hot", "cold" or an emerging class ("new", …)
	DistrictIDs []int  // nil: any district
	MinDistinct int    // rows with fewer distinct reports are left out
	Limit       int    // 0: no limit
}
