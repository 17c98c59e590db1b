package forecast

import (
	"fmt"

	"github.com/vikalp/vikalp"
)

// Config sets the windows, resolution and hotspot shares of backtests,
// comparisons and the choice of model. Start from DefaultConfig: every field
// is checked by Validate, and a zero is an error, not a default, so a mistyped
// flag can never silently run something else.
type Config struct {
	Resolution int       // H3 resolution scored, 5–9 (default 8)
	TrainDays  int       // naive's window, and the training half of the study area (default 90)
	TestDays   int       // test window and forecast horizon (default 30)
	TopShare   float64   // hotspots of Backtest and Compare: this share of study cells, in (0, 1] (default 0.01)
	Shares     []float64 // hotspot shares Choose scores models on, each in (0, 1] (default 0.01 and 0.05)
	Folds      int       // rolling folds Choose scores models on (default 6)
}

// DefaultConfig returns the defaults: r8, 90 training and 30 test days, the
// top 1 % of cells for a backtest, and six 30-day folds at the top 1 % and
// 5 % to choose the model.
func DefaultConfig() Config {
	return Config{Resolution: 8, TrainDays: 90, TestDays: 30, TopShare: 0.01,
		Shares: []float64{0.01, 0.05}, Folds: 6}
}

// maxDays bounds every window, so day arithmetic cannot overflow.
const maxDays = 3650

// Validate reports the first invalid field as a user-safe vikalp.ErrInvalid.
func (c Config) Validate() error {
	if err := checkResolution(c.Resolution); err != nil {
		return err
	}
	if err := checkDays("train_days", c.TrainDays); err != nil {
		return err
	}
	if err := checkDays("test_days", c.TestDays); err != nil {
		return err
	}
	if err := checkShare("top_share", c.TopShare); err != nil {
		return err
	}
	if len(c.Shares) == 0 {
		return vikalp.InvalidField("shares", "missing", "at least one hotspot share is needed")
	}
	for _, s := range c.Shares {
		if err := checkShare("shares", s); err != nil {
			return err
		}
	}
	if c.Folds <= 0 || c.Folds > 120 {
		return vikalp.InvalidField("folds", "out_of_range",
			fmt.Sprintf("folds must be between 1 and 120, got %d", c.Folds))
	}
	return nil
}

func checkResolution(res int) error {
	if res < 5 || res > 9 {
		return vikalp.InvalidField("resolution", "out_of_range",
			fmt.Sprintf("resolution must be between 5 and 9, got %d", res))
	}
	return nil
}

func checkDays(field string, days int) error {
	if days <= 0 || days > maxDays {
		return vikalp.InvalidField(field, "out_of_range",
			fmt.Sprintf("%s must be between 1 and %d days, got %d", field, maxDays, days))
	}
	return nil
}

func checkShare(field string, share float64) error {
	if !(share > 0 && share <= 1) {
		return vikalp.InvalidField(field, "out_of_range",
			fmt.Sprintf("%s must be greater than 0 and at most 1, got %v", field, share))
	}
	return nil
}

func invalidModel(name string) error {
	return vikalp.InvalidField("model", "unknown_model", fmt.Sprintf(
		"unknown model %q: want naive-<n>d, count-<n>d, decayed-<n>d (either optionally +kde-<m>m), prospective or sepp-<n>d", name))
}

// candidateBandwidth is the quartic kernel bandwidth (metres) of the
// smoothed candidates: just past the first ring of resolution-9 cells
// (centres ≈ 350 m apart), so a cell borrows from its immediate neighbours
// and no further. Wider kernels blur a hotspot into its surroundings.
const candidateBandwidth = 400

// Candidates returns the models Compare and Choose run, naive first: the
// count over LongLookbackDays and the counts decayed with half-lives of a
// quarter, half and whole year, each smoothed at candidateBandwidth;
// prospective hotspotting; the self-exciting process over LongLookbackDays.
//
// The set is small on purpose. Choose judges on a handful of monthly folds,
// and every extra candidate is one more chance to pick a model that was
// lucky in those folds: a first grid of 31 models (half-lives from two weeks,
// bandwidths to 1 km, short windows) chose worse on the shared incident data
// than this one (docs/ANALYTICS.md, "Forecasts"), although its best members
// were as good. The members span the time scales that matter on real data,
// recent months to two years, at one principled smoothing.
func Candidates(c Config) []Model {
	ms := []Model{Naive(c.TrainDays), Count(LongLookbackDays, candidateBandwidth)}
	for _, hl := range []int{90, 180, 365} {
		ms = append(ms, Decayed(hl, candidateBandwidth))
	}
	return append(ms, Prospective(), SelfExciting(LongLookbackDays))
}
