// Package geo holds Vikalp's pure geographic rules: the bounds of Uttar
// Pradesh, coordinate validation, H3 multi-resolution indexing, hexagon
// polygons and the privacy coarsening of public cells. It touches no database.
//
// Invariants:
//   - Coordinates are WGS 84 degrees (SRID 4326); orb geometries are lon/lat.
//   - Every geolocated row stores its H3 cells at resolutions 5, 7, 8 and 9
//     (see Cells) so coarser aggregates are a GROUP BY, never a recomputation.
//     Storage resolution is 9 and hotspot analysis runs at 8.
//   - Public views never show a cell finer than resolution 8 (CoarsenForPublic).
//   - A location outside the buffered bounding box of Uttar Pradesh is rejected
//     with a user-safe vikalp.ErrInvalid (CheckInUP); the exact district test is
//     PostGIS's job in package jurisdiction.
//
// H3 cells cross package boundaries as int64, the type of the BIGINT columns
// that store them.
package geo
