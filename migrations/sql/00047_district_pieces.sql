-- +goose Up
-- District boundaries cut into small pieces for nearest-district searches
-- (issue 20).
--
-- A point in no district routes to the nearest district within 5 km
-- (jurisdiction.districtHitSQL, the bulk import's dist_near). Measured
-- against whole districts, every candidate costs a geodesic distance to a
-- polygon of thousands of vertices: ~0.5 ms a point, ~1 % of an import's
-- rows (the synthetic generator's 25 km tail, real positions off the state's
-- edge). ST_Subdivide cuts each district into pieces of at most 64 vertices
-- whose union is the district, so the distance to a district is the least
-- distance to its pieces and the nearest piece names the nearest district:
-- the same answer (0 differences over 11,007 random points within 0.08° of
-- the state, bench cluster) at ~0.03 ms a point.
--
-- Kept in step with districts by a row trigger (an inserted or re-shaped
-- district's pieces are rebuilt; a few ms each) and by its foreign key's
-- cascades.
-- Containment still tests the whole districts: only the nearest-district
-- fallback reads the pieces.
CREATE TABLE district_pieces (
    district_id integer NOT NULL REFERENCES districts (id) ON UPDATE CASCADE ON DELETE CASCADE,
    geom        geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX district_pieces_geom_idx ON district_pieces USING gist (geom);
CREATE INDEX district_pieces_district_idx ON district_pieces (district_id);

-- +goose StatementBegin
CREATE FUNCTION district_pieces_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- A changed id has already cascaded to the old pieces.
        DELETE FROM district_pieces WHERE district_id IN (OLD.id, NEW.id);
    END IF;
    INSERT INTO district_pieces (district_id, geom)
    SELECT NEW.id, p.geom FROM ST_Subdivide(NEW.geom, 64) AS p(geom)
    WHERE NOT ST_IsEmpty(p.geom);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER districts_pieces AFTER INSERT OR UPDATE OF id, geom ON districts
    FOR EACH ROW EXECUTE FUNCTION district_pieces_rebuild();

INSERT INTO district_pieces (district_id, geom)
SELECT d.id, p.geom FROM districts d, ST_Subdivide(d.geom, 64) AS p(geom)
WHERE NOT ST_IsEmpty(p.geom);

-- +goose Down
DROP TRIGGER IF EXISTS districts_pieces ON districts;
DROP FUNCTION IF EXISTS district_pieces_rebuild();
DROP TABLE IF EXISTS district_pieces;
