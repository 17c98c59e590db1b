// Package analytics finds hotspots in Vikalp's reports and complaints
// (ARCHITECTURE §7): statistics and the hotspot pipeline. Trafficking leads
// live in package leads, which records its runs through AnalysisRunStore and
// follows each periodic analysis (AnalyzeWorker.Then).
//
// Hotspot statistics are pure functions with no database: Getis–Ord Gi*
// (GiStar, HotSpots) over binary weights (Weights: GeoDa .gal files, H3
// k-rings, distance bands), Benjamini–Hochberg FDR correction, the
// Mann–Kendall trend test, the ArcGIS emerging hot spot categories
// (ClassifyEmerging), the quartic-kernel density surface (KDE) and the PAI and
// RRI backtest indices. They are tested against published values.
//
// The hotspot pipeline (Pipeline, HexStatStore) reads severity-weighted
// report and complaint counts per H3 cell, runs Gi* per window and
// resolution, computes each window's quartic kernel density surface over the
// r9 cell centres, and swaps hex_stats, density_cells and density_grids in
// one transaction per run, recording the run in analysis_runs.
//
// Invariants:
//   - Owns tables hex_stats and analysis_runs (migrations/sql/00006_analytics.sql)
//     and density_cells and density_grids (00023_density.sql).
//   - Density grids are EPSG:3857, aligned to multiples of the cell size
//     (cell (x, y) spans [x·s, (x+1)·s) × [y·s, (y+1)·s)); densities are
//     weighted records per km², one row per grid cell and district.
//   - Cells are H3 indexes as int64 at resolutions 5–9; analysis defaults to
//     r8 with k = 1. Gi* weights include the focal cell.
//   - hex_stats holds no geometry (migration 00051): tiles, the API and
//     exports draw a cell from its H3 index (geo.HexPolygon).
//   - Rejected reports never count. Hotspot alerts carry cells, bins and ids,
//     never text or exact points.
//   - Readers see either the previous run or the new one, never a mix.
package analytics
