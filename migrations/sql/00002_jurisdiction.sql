-- +goose Up
-- Jurisdictions (owner: package jurisdiction). Every geometry is SRID 4326
-- (WGS 84 lon/lat); routing uses ST_Intersects and KNN (<->) on the GIST
-- indexes below.

-- districts: the 75 districts of Uttar Pradesh, keyed by LGD code.
CREATE TABLE districts (
    id              integer PRIMARY KEY CHECK (id > 0),   -- LGD district code
    name_en         text NOT NULL CHECK (name_en <> ''),
    name_hi         text NOT NULL DEFAULT '',              -- Devanagari; '' when unknown
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    police_range    text NOT NULL DEFAULT '',
    police_zone     text NOT NULL DEFAULT '',
    commissionerate text,
    borders_nepal   boolean NOT NULL DEFAULT false,
    -- approximate marks generated demo shapes (Voronoi cells around HQs), never
    -- to be mistaken for surveyed boundaries.
    approximate     boolean NOT NULL DEFAULT false,
    geom            geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    hq              geometry(Point, 4326),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX districts_geom_idx ON districts USING gist (geom);

-- police_stations: thanas. area is the station's jurisdiction polygon when
-- known; otherwise routing falls back to the nearest station in the district.
CREATE TABLE police_stations (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code <> ''),
    name_en     text NOT NULL CHECK (name_en <> ''),
    name_hi     text NOT NULL DEFAULT '',
    district_id integer NOT NULL REFERENCES districts (id),
    geom        geometry(Point, 4326) NOT NULL,
    area        geometry(MultiPolygon, 4326),
    is_default  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX police_stations_geom_idx ON police_stations USING gist (geom);
CREATE INDEX police_stations_area_idx ON police_stations USING gist (area);
CREATE INDEX police_stations_district_idx ON police_stations (district_id);
-- At most one default station (the one that takes complaints naming only the
-- district) per district.
CREATE UNIQUE INDEX police_stations_one_default_idx ON police_stations (district_id) WHERE is_default;

-- ahtu_units: the state's 35 Anti-Human Trafficking Units.
CREATE TABLE ahtu_units (
    id         integer PRIMARY KEY CHECK (id BETWEEN 1 AND 35),
    code       text NOT NULL UNIQUE CHECK (code <> ''),
    name_en    text NOT NULL CHECK (name_en <> ''),
    name_hi    text NOT NULL DEFAULT '',
    hq         geometry(Point, 4326) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ahtu_units_hq_idx ON ahtu_units USING gist (hq);

-- ahtu_districts: each district is covered by exactly one AHTU (the primary
-- key makes "at most one"; import and seed make it "exactly one").
CREATE TABLE ahtu_districts (
    district_id integer PRIMARY KEY REFERENCES districts (id),
    ahtu_id     integer NOT NULL REFERENCES ahtu_units (id)
);
CREATE INDEX ahtu_districts_ahtu_idx ON ahtu_districts (ahtu_id);

-- pcr_units: police control room (UP 112) units; zone is the area the unit
-- answers for when known, otherwise alerts go to the nearest unit.
CREATE TABLE pcr_units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code <> ''),
    name_en     text NOT NULL CHECK (name_en <> ''),
    name_hi     text NOT NULL DEFAULT '',
    district_id integer NOT NULL REFERENCES districts (id),
    geom        geometry(Point, 4326) NOT NULL,
    zone        geometry(MultiPolygon, 4326),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pcr_units_geom_idx ON pcr_units USING gist (geom);
CREATE INDEX pcr_units_zone_idx ON pcr_units USING gist (zone);
CREATE INDEX pcr_units_district_idx ON pcr_units (district_id);

-- +goose Down
DROP TABLE IF EXISTS pcr_units;
DROP TABLE IF EXISTS ahtu_districts;
DROP TABLE IF EXISTS ahtu_units;
DROP TABLE IF EXISTS police_stations;
DROP TABLE IF EXISTS districts;
