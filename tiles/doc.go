// Package tiles serves Vikalp's map as Mapbox Vector Tiles (MVT 2.1) and
// describes each layer with a TileJSON 3.0 document, in the manner of
// pg_tileserv: every tile is one SQL statement, ST_TileEnvelope →
// ST_AsMVTGeom → ST_AsMVT, run only after the z/x/y address is validated,
// with every value a bound parameter. The hotspots and heat layers and the
// report points are the exception in one respect: their statements return
// the hexagons, squares or points and Go clips and encodes them (mvt.go),
// to the same features PostGIS wrote.
//
// Invariants:
//
//   - Tiles read other packages' tables: hex_stats, density_grids,
//     density_cells and leads (analytics),
//     reports and tips (ingest), complaints (cases) and the jurisdiction
//     tables. The tables it owns and writes are tile_report_cells, a
//     rollup of reports per H3 cell (r5, r7, r8) for the low-zoom report
//     clusters, and tile_report_dirty, the r5 cells whose reports changed
//     since (marked by triggers on reports, migration 00052); RefreshLoop
//     regroups the marked cells. Migration 00009_tiles.sql also adds
//     EPSG:3857 copies of the jurisdiction geometries and indexes for tile
//     queries.
//   - Layers are an allow-list (Layers); a name outside it is not found.
//   - Tile coordinates are EPSG:3857 (Web Mercator) with extent 4096 and a
//     64-unit buffer. Stored geometry is SRID 4326; tables with a 3857 copy
//     (districts.geom_3857 …) are clipped without a per-row ST_Transform,
//     hotspot hexagons are drawn from their H3 ids (hexagon.go), and point
//     layers filter on their 4326 GIST index with the envelope transformed
//     once, transforming only the features a tile emits.
//   - H3: hotspots show the resolution ARCHITECTURE §6 picks for the zoom
//     (geo.ResolutionForZoom); public callers get only cells with at least
//     k distinct reports and nothing finer than r8 (geo.ResPublicFinest).
//     Point layers aggregate by the stored h3_r5/r7/r8/r9 columns below
//     PointZoom, so a tile never carries tens of thousands of features.
//   - The base layer (base.go) is one tile of several MVT layers (BaseParts)
//     drawn from districts, police_stations, transit_places and
//     border_lines: the default base map, public and cached.
//   - Access: jurisdiction layers are public; hotspots are public with a
//     staff view limited to the caller's jurisdiction; reports, complaints,
//     tips, leads and heat (the kernel density surface, drawn with no k
//     threshold) need a role and show only the caller's scope. Public
//     tiles may be cached in process (keyed on the latest hotspot
//     analysis_runs id) and by shared HTTP caches; scoped tiles never are.
package tiles
