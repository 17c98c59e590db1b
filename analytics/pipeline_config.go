package analytics

import (
	"time"

	"github.com/vikalp/vikalp/forecast"
)

// Config sets the hotspot pipeline's parameters. The zero value gives the
// defaults documented on each field (see docs/ANALYTICS.md).
type Config struct {
	// Windows to compute, each ending at the as-of time (DefaultWindows).
	Windows []Window
	// Resolutions to compute, 5–9 (default all five).
	Resolutions []int
	// K is the k-ring distance of the Gi* neighbourhood (default 1).
	K int
	// HalfLife, when set, decays each count by 0.5^(age/HalfLife); 0 means
	// no decay.
	HalfLife time.Duration
	// RawBins bins on the raw p instead of the Benjamini–Hochberg adjusted p
	// (default false: bins are FDR corrected).
	RawBins bool
	// ReportWeights is the severity weight of each report category
	// (DefaultReportWeights). A category with weight 0 or missing does not
	// count. Complaints never enter the pipeline (docs/PRIVACY.md).
	ReportWeights map[string]float64
	// EmergingPeriods periods of EmergingPeriod each (default 12 weeks)
	// form the space-time cube of the emerging hot spot analysis at
	// EmergingResolution (default 8).
	EmergingPeriods    int
	EmergingPeriod     time.Duration
	EmergingResolution int
	// AlertWindow, AlertResolution and AlertMinBin select the cells whose
	// first appearance as significant hot spots raises an alert (default
	// 7d, r8, bin ≥ 2).
	AlertWindow     string
	AlertResolution int
	AlertMinBin     int
	// DensityCell and DensityBandwidth are the grid cell side and the
	// quartic kernel radius of the density surfaces, in EPSG:3857 metres
	// (DefaultDensityCell, DefaultDensityBandwidth).
	DensityCell      float64
	DensityBandwidth float64
	// Forecast sets the priority places' forecast and the rolling
	// backtests that choose its model (forecast.DefaultConfig when its
	// Resolution is 0).
	Forecast forecast.Config
}

// DefaultReportWeights ranks report categories by severity: physical
// contact and stalking 3, verbal harassment and following 2, unsafe places 1–1.5.
var DefaultReportWeights = map[string]float64{
	"groping": 3, "stalking": 3, "indecent_exposure": 3, "staring_following": 2,
	"catcalling_comments": 2, "drunk_gathering": 1.5, "unsafe_transport_stop": 1.5,
	"poorly_lit_area": 1, "other": 1,
}

func (c Config) withDefaults() Config {
	if len(c.Windows) == 0 {
		c.Windows = DefaultWindows
	}
	if len(c.Resolutions) == 0 {
		c.Resolutions = []int{5, 6, 7, 8, 9}
	}
	if c.K <= 0 {
		c.K = 1
	}
	if c.ReportWeights == nil {
		c.ReportWeights = DefaultReportWeights
	}
	if c.EmergingPeriods <= 0 {
		c.EmergingPeriods = 12
	}
	if c.EmergingPeriod <= 0 {
		c.EmergingPeriod = 7 * 24 * time.Hour
	}
	if c.EmergingResolution == 0 {
		c.EmergingResolution = 8
	}
	if c.AlertWindow == "" {
		c.AlertWindow = "7d"
	}
	if c.AlertResolution == 0 {
		c.AlertResolution = 8
	}
	if c.AlertMinBin == 0 {
		c.AlertMinBin = 2
	}
	if c.DensityCell <= 0 {
		c.DensityCell = DefaultDensityCell
	}
	if c.DensityBandwidth <= 0 {
		c.DensityBandwidth = DefaultDensityBandwidth
	}
	return c
}
