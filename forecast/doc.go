// Package forecast predicts where the next incidents will be, and checks
// the prediction against naive counting on the platform's own history
// (ARCHITECTURE §7, "Significance is not a forecast"). It is pure: no
// database, no clock; callers pass events and dates.
//
// Gi* in package analytics answers "is this neighbourhood significantly
// hot?"; this package answers "which cells will hold the most incidents
// over the next days?". Gi* may filter a forecast, never rank it.
//
// # Use
//
// Build a History from the events once (NewHistory), then:
//   - Choose picks the default model by rolling backtests on the history
//     before a date, and returns the per-model table to show analysts;
//   - Forecast ranks the cells of one model;
//   - Backtest and Compare score one or every model at a date with PAI and
//     RRI, at the same number of hotspot cells as naive.
//
// The package-level Backtest, Compare and Choose do the same from a slice of
// events.
//
// # Invariants
//   - Events are H3 cells at resolution 9 (geo.ResStorage) with a time and a
//     severity weight (0 means 1). Models score cells at resolution 5–9
//     (default 8): an event counts in the parent of its cell. Kernels are
//     evaluated between resolution-9 cell centres, in metres (on the ideal
//     hexagonal lattice at the local centre spacing, ≈ 350 m in UP, within
//     8 % of H3's own centres), then summed into the parent.
//   - Time is cut in whole days from the History's origin; a forecast at date
//     D reads only the days before D, however far back its own lookback
//     reaches, and a test window is [D, D + TestDays).
//   - The study area of a backtest is every cell with an event in the
//     training window [D − TrainDays, D) or the test window; hotspots are the
//     ⌈share × study cells⌉ best-scored cells for every model alike, so
//     their PAIs compare. Hotspot and study areas are H3 cell areas.
//   - An undefined PAI or RRI is NaN with a reason (no study area, no
//     hotspots, no test events; for RRI no training events, or none in the
//     hotspots), never 0, which means "caught nothing". NaN is not JSON:
//     callers map it before encoding.
//   - Config fields are validated (resolution 5–9, days 1–3650, shares in
//     (0, 1]); zeros are errors, not defaults (DefaultConfig gives those).
//     Invalid input is a user-safe vikalp.ErrInvalid.
//   - Ties rank by cell id: every ranking is the same on every run.
//
// # Models
//
// Every model scores each cell with the (weighted) number of incidents it
// expects there, up to a factor common to all cells.
//   - naive-<n>d (Naive): the event count per cell over the training window,
//     ranked by count, ties by cell id. The bar to beat.
//   - count-<n>d (Count): the count over n days (the candidate uses two
//     years, LongLookbackDays).
//   - decayed-<h>d (Decayed): the count over the last two years with each
//     event's weight halving every h days.
//   - +kde-<b>m: either of the above smoothed by the quartic kernel
//     K(d) = (1 − d²/b²)² for d < b (Silverman 1986 eq. 4.5; Chainey &
//     Ratcliffe 2005), normalised so each event spreads exactly its weight.
//   - prospective (Prospective): prospective hotspotting, Bowers, Johnson &
//     Pease (2004), "Prospective hot-spotting: the future of crime mapping?",
//     Brit. J. Criminol. 44(5): each event of the last 8 weeks adds
//     1/(1 + weeks elapsed) × 1/(1 + grid distance) to the cells within
//     400 m.
//   - sepp-<n>d (SelfExciting): a self-exciting point process, Mohler, Short,
//     Brantingham, Schoenberg & Tita (2011), "Self-exciting point process
//     modeling of crime", JASA 106(493), in the cell-level form of Mohler
//     (2014), "Marked point process hotspot maps for homicide and gun crime
//     prediction in Chicago", Int. J. Forecasting 30(3): a background rate
//     per cell plus exponentially decaying triggering, fitted by EM.
//
// Candidates lists the seven models Compare and Choose run (and why so few). The indices are PAI,
// Chainey, Tompson & Uhlig (2008), "The utility of hotspot mapping for
// predicting spatial patterns of crime", Security Journal 21, and RRI,
// Levine (2008), "The 'hottest' part of a hotspot: comments on 'The utility
// of hotspot mapping…'", Security Journal 21.
//
// # Results on real incident data
//
// incidents_test.go runs the rolling backtests on the shared incident files
// (NYC vehicle thefts 2014–2017, Memphis robberies 2019 and 2015 homicides
// in nine cities, each moved into UP) and logs the table (go test -v -run
// TestIncidentBacktests ./forecast/). The default Choose picks beats naive
// on the geometric mean in five of the six (data set, share) cases and meets
// the bar (≥ naive in 80 % of backtests, geometric mean ≥ 1.05) in
// two: NYC at 5 % and the homicides at 1 %. docs/ANALYTICS.md has the table;
// the test asserts what the data supports.
package forecast
