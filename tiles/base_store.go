package tiles

import "context"

// baseTileSQL renders the base tile: one ST_AsMVT per part, concatenated
// (an MVT is a sequence of layers, so the bytes of several one-layer tiles
// joined are one tile with all of them). $1–$3 are z, x, y; $4 is
// BaseStationZoom. Polygons are clipped from the districts' EPSG:3857
// copies (00009_tiles.sql); points with a 4326 GIST index are found with
// the buffered envelope transformed to 4326 once, as the point layers do.
// A district's label point is ST_PointOnSurface (always inside it), emitted
// only by the tile containing it, so a label is never drawn twice. The
// border prefers the variant that follows the district edges exactly
// (up_districts_edge; shared/data/SOURCES.md). Railway names stored in
// capitals ("GORAKHPUR JN") are title-cased; a missing Hindi name repeats
// the English one.
const baseTileSQL = `
WITH e AS (
	SELECT ST_TileEnvelope($1, $2, $3) AS env,
		ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326) AS env4326
)
SELECT
	COALESCE((SELECT ST_AsMVT(m, 'districts', 4096, 'geom', 'id') FROM (
		SELECT ST_AsMVTGeom(d.geom_3857, e.env, 4096, 64, true) AS geom,
			d.id, d.name_en, COALESCE(NULLIF(d.name_hi, ''), d.name_en) AS name_hi, d.slug
		FROM districts d, e WHERE d.geom_3857 && e.env ORDER BY d.id) m), ''::bytea)
	|| COALESCE((SELECT ST_AsMVT(m, 'border', 4096, 'geom') FROM (
		SELECT ST_AsMVTGeom(ST_Transform(b.geom, 3857), e.env, 4096, 64, true) AS geom,
			'India–Nepal border' AS name_en, 'भारत–नेपाल सीमा' AS name_hi
		FROM border_lines b, e
		WHERE b.geom && e.env4326 AND b.id = (SELECT bb.id FROM border_lines bb
			ORDER BY bb.variant <> 'up_districts_edge', bb.id LIMIT 1)) m), ''::bytea)
	|| COALESCE((SELECT ST_AsMVT(m, 'district_labels', 4096, 'geom', 'id') FROM (
		SELECT ST_AsMVTGeom(l.pt, e.env, 4096, 0, false) AS geom,
			l.id, l.name_en, COALESCE(NULLIF(l.name_hi, ''), l.name_en) AS name_hi
		FROM e, districts d0 CROSS JOIN LATERAL (
			SELECT d0.id, d0.name_en, d0.name_hi, ST_PointOnSurface(d0.geom_3857) AS pt) l
		WHERE d0.geom_3857 && e.env AND ST_Intersects(l.pt, e.env)
			AND NOT (ST_X(l.pt) = ST_XMax(e.env) OR ST_Y(l.pt) = ST_YMin(e.env))
		ORDER BY l.id) m), ''::bytea)
	|| COALESCE((SELECT ST_AsMVT(m, 'district_hq', 4096, 'geom', 'id') FROM (
		SELECT ST_AsMVTGeom(ST_Transform(d.hq, 3857), e.env, 4096, 64, true) AS geom,
			d.id, d.name_en, COALESCE(NULLIF(d.name_hi, ''), d.name_en) AS name_hi
		FROM districts d, e WHERE $1 >= 6 AND d.hq && e.env4326 ORDER BY d.id) m), ''::bytea)
	|| COALESCE((SELECT ST_AsMVT(m, 'police_stations', 4096, 'geom', 'id') FROM (
		SELECT ST_AsMVTGeom(s.geom_3857, e.env, 4096, 64, true) AS geom,
			s.id, s.name_en, COALESCE(NULLIF(s.name_hi, ''), s.name_en) AS name_hi
		FROM police_stations s, e WHERE $1 >= $4 AND s.geom && e.env4326 ORDER BY s.id) m), ''::bytea)
	|| COALESCE((SELECT ST_AsMVT(m, 'railway_stations', 4096, 'geom', 'id') FROM (
		SELECT ST_AsMVTGeom(ST_Transform(t.geom, 3857), e.env, 4096, 64, true) AS geom, t.id, t.code,
			r.name_en, COALESCE(NULLIF(t.name_hi, ''), r.name_en) AS name_hi
		FROM transit_places t CROSS JOIN e
		CROSS JOIN LATERAL (SELECT CASE WHEN t.name_en = upper(t.name_en) THEN initcap(t.name_en)
			ELSE t.name_en END AS name_en) r
		WHERE $1 >= $4 AND t.kind = 'railway_station' AND t.geom && e.env4326 ORDER BY t.id) m), ''::bytea)
FROM e`

// Base renders the base layer: districts, their label points and
// headquarters, the Nepal border, and from BaseStationZoom police and
// railway stations.
func (s *TileStore) Base(ctx context.Context, q Query) ([]byte, error) {
	a := q.Address
	return s.render(ctx, LayerBase, baseTileSQL, a.Z, a.X, a.Y, BaseStationZoom)
}
