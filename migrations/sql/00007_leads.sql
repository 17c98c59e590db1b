-- +goose Up
-- Trafficking leads (owner: package analytics). Geometry is SRID 4326.
-- The lead pipeline (analytics.LeadService: the tip worker for one tip,
-- Run for a full relink) extracts entities from tips, links tips that share
-- a phone, a vehicle or a name-with-alias (union-find), scores each lead
-- from explainable indicators and routes it to the AHTU covering most of its
-- places. Relinking holds a transaction-scoped advisory lock, so the worker
-- and a full run never interleave. Investigator merges and splits are
-- stored as pinned memberships (lead_members.via = 'pin'): a pinned tip
-- stays in its lead, and the pipeline never joins two groups pinned to
-- different leads, so later runs respect them.

-- transit_places: railway stations (imported from
-- ../shared/data/up-railway-stations.geojson by `vikalp import transit`)
-- and bus stands, used to recognise transit hubs in tips.
CREATE TABLE transit_places (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('railway_station', 'bus_stand')),
    code         text NOT NULL CHECK (code <> ''),
    name_en      text NOT NULL CHECK (name_en <> ''),
    name_hi      text NOT NULL DEFAULT '',
    district_id  integer REFERENCES districts (id),
    geom         geometry(Point, 4326) NOT NULL,
    UNIQUE (kind, code)
);
CREATE INDEX transit_places_geom_idx ON transit_places USING gist (geom);

-- border_lines: the India–Nepal boundary along UP (`vikalp import border`),
-- for the distance-to-border indicator. Without rows the indicator uses
-- districts.borders_nepal alone.
CREATE TABLE border_lines (
    id       serial PRIMARY KEY,
    variant  text NOT NULL UNIQUE CHECK (variant <> ''),
    name     text NOT NULL DEFAULT '',
    geom     geometry(MultiLineString, 4326) NOT NULL
);

-- entities: each normalised value once per kind. Values are as
-- analytics.Entity* documents: phone +91XXXXXXXXXX, vehicle UP32AB1234,
-- alias "name ~ alias", name, transit "station:CODE"/"bus:name", minor.
CREATE TABLE entities (
    id     bigserial PRIMARY KEY,
    kind   text NOT NULL CHECK (kind IN ('phone', 'vehicle', 'alias', 'name', 'transit', 'minor')),
    value  text NOT NULL CHECK (value <> '' AND char_length(value) <= 200),
    UNIQUE (kind, value)
);

-- tip_entities: which entities a tip mentions, with the words it used
-- (mention; staff-only like the tip itself). Rewritten per tip on each
-- extraction, so a better extractor corrects old tips on the next run.
CREATE TABLE tip_entities (
    tip_id     bigint NOT NULL REFERENCES tips (id),
    entity_id  bigint NOT NULL REFERENCES entities (id),
    mention    text NOT NULL DEFAULT '' CHECK (char_length(mention) <= 300),
    PRIMARY KEY (tip_id, entity_id)
);
CREATE INDEX tip_entities_entity_idx ON tip_entities (entity_id);

-- leads: linked tips worked by an AHTU. geom is the centroid of the
-- member tips' places; district_id and ahtu_id the district and AHTU with
-- most of those places (ahtu_id NULL when no AHTU covers them: then only
-- state-level readers see it). explanation is the score, indicator by
-- indicator: [{indicator, value, weight, points, text_en, text_hi}].
-- A lead whose tips all moved to another lead (a pipeline join or an
-- investigator merge) keeps its history and gets merged_into; readers (API,
-- tiles) show only leads WHERE merged_into IS NULL. alerted_score is the
-- score of the last lead alert (NULL: none yet), for "rising" alerts.
CREATE TABLE leads (
    id             bigserial PRIMARY KEY,
    ahtu_id        integer REFERENCES ahtu_units (id),
    district_id    integer REFERENCES districts (id),
    status         text NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'triaged', 'investigating', 'actioned', 'closed')),
    score          double precision NOT NULL DEFAULT 0 CHECK (score >= 0 AND score <= 100),
    explanation    jsonb NOT NULL DEFAULT '[]',
    tip_count      integer NOT NULL DEFAULT 0 CHECK (tip_count >= 0),
    geom           geometry(Point, 4326),
    assigned_to    bigint REFERENCES users (id),
    merged_into    bigint REFERENCES leads (id),
    alerted_score  double precision,
    first_tip_at   timestamptz,
    last_tip_at    timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CHECK (merged_into IS NULL OR merged_into <> id)
);
CREATE INDEX leads_geom_idx ON leads USING gist (geom);
CREATE INDEX leads_ahtu_idx ON leads (ahtu_id, score DESC) WHERE merged_into IS NULL;
CREATE INDEX leads_district_idx ON leads (district_id) WHERE merged_into IS NULL;

-- lead_members: each tip is in exactly one lead. via says how it got
-- there: 'pipeline' (shared entities, may move on a later run) or 'pin'
-- (an investigator merge or split: it stays until an investigator moves it).
CREATE TABLE lead_members (
    tip_id     bigint PRIMARY KEY REFERENCES tips (id),
    lead_id    bigint NOT NULL REFERENCES leads (id),
    via        text NOT NULL CHECK (via IN ('pipeline', 'pin')),
    pinned_by  bigint REFERENCES users (id),
    joined_at  timestamptz NOT NULL,
    CHECK ((via = 'pin') = (pinned_by IS NOT NULL))
);
CREATE INDEX lead_members_lead_idx ON lead_members (lead_id);

-- lead_events: the append-only workflow history of a lead: created,
-- status changes, notes, assignments, merges, splits, pipeline joins.
-- actor_user_id is NULL for the pipeline.
CREATE TABLE lead_events (
    id             bigserial PRIMARY KEY,
    lead_id        bigint NOT NULL REFERENCES leads (id),
    kind           text NOT NULL CHECK (kind IN ('created', 'transition', 'note', 'assigned',
                       'merged', 'split', 'absorbed', 'rescored')),
    from_status    text,
    to_status      text,
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    detail         jsonb NOT NULL DEFAULT '{}',
    actor_user_id  bigint REFERENCES users (id),
    actor_role     text NOT NULL DEFAULT '',
    at             timestamptz NOT NULL
);
CREATE INDEX lead_events_lead_idx ON lead_events (lead_id, id);

-- +goose Down
DROP TABLE IF EXISTS lead_events;
DROP TABLE IF EXISTS lead_members;
DROP TABLE IF EXISTS leads;
DROP TABLE IF EXISTS tip_entities;
DROP TABLE IF EXISTS entities;
DROP TABLE IF EXISTS border_lines;
DROP TABLE IF EXISTS transit_places;
