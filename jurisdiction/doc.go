// Package jurisdiction owns Uttar Pradesh's police geography and routes a
// location (or a district) to the units that must act on it.
//
// Tables owned (written only here, by `vikalp import` and `vikalp seed`):
//   - districts: the 75 districts keyed by LGD code, MultiPolygon geometry,
//     English and Devanagari names, police range and zone, HQ point.
//   - police_stations: thanas with a point, an optional jurisdiction polygon
//     (area) and at most one default station per district.
//   - ahtu_units and ahtu_districts: the 35 Anti-Human Trafficking Units and
//     the one unit covering each district.
//   - pcr_units: police control room units with a point and optional zone.
//   - route_cells and route_cells_state: the bulk import's routing by H3
//     cell (RouteCellResolution, r8), derived from the tables above by
//     RebuildRouteCells (route_cells.go).
//
// Invariants:
//   - Every geometry is SRID 4326 (lon/lat) and crosses pgx as WKB.
//   - Routing is index-backed PostGIS: ST_Intersects against GIST-indexed
//     polygons first, then KNN (<->) on GIST-indexed points. A point outside
//     every district but within NearDistrictMeters of one belongs to the
//     nearest; anything else is "outside Uttar Pradesh" (a user-safe
//     vikalp.ErrInvalid).
//   - route_cells holds a cell only if every point whose h3_r8 is that
//     cell routes to the same district, station, PCR unit and AHTU under
//     the bulk import's exact rules. It is never stale: statement-level
//     triggers on districts, police_stations, pcr_units and ahtu_districts
//     empty it (and clear route_cells_state.valid) in the writing
//     transaction, whoever writes, when the statement inserted or deleted a
//     row, changed any column of one, or truncated the table. A statement
//     that changes nothing (a repeated seed's upserts) keeps it.
//     `vikalp import` and `vikalp seed --demo` after their change, and a
//     bulk import before its first batch, rebuild it when they find it
//     invalid (EnsureRouteCells). A rebuild holds off jurisdiction writers
//     (SHARE locks) until it commits.
//   - Imports are transactional and idempotent: importing the same file twice
//     changes nothing the second time, and a fatal error leaves no partial
//     import. Invalid features are rejected one by one and reported.
//   - Districts flagged approximate are generated demo shapes (Voronoi cells
//     around district HQs) and must never be presented as real boundaries.
//
// Places are described in words by Describer (describe.go): the nearest
// police station and railway station (transit_places, owned by analytics,
// read here) with geodesic distance and compass direction, and the
// district, in English and Hindi. Descriptions name public places only.
//
// District facts that the boundary files lack (Devanagari names, HQ points,
// short codes) live in the embedded district_facts.csv, joined by LGD code.
package jurisdiction
