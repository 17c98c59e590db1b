-- +goose Up
-- Hotspot reports, trafficking tips and their photos (owner: package ingest).
-- Geometry is SRID 4326 (WGS 84 lon/lat). Every geolocated row stores its H3
-- cells at resolutions 5, 7, 8 and 9 (computed in Go by package geo) as
-- BIGINTs with B-tree indexes, so coarser aggregates are a GROUP BY. Exact
-- points are staff-only; public views use r8 cells or coarser.

-- media: one uploaded photo. The original is kept only sealed (AES-256-GCM
-- by the auth keyring) for evidence; what is ever shown is the derivative,
-- re-encoded without any metadata, or its redacted version. Blobs live in the
-- media bucket under blob_prefix (see ingest.MediaStore).
CREATE TABLE media (
    id                 bigserial PRIMARY KEY,
    blob_prefix        text NOT NULL UNIQUE CHECK (blob_prefix ~ '^media/[0-9a-f]{32}$'),
    sha256             bytea NOT NULL CHECK (length(sha256) = 32),
    content_type       text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes              bigint NOT NULL CHECK (bytes > 0),
    width              integer NOT NULL CHECK (width > 0),
    height             integer NOT NULL CHECK (height > 0),
    derivative_width   integer NOT NULL CHECK (derivative_width > 0),
    derivative_height  integer NOT NULL CHECK (derivative_height > 0),
    sealed_key_id      text NOT NULL CHECK (sealed_key_id <> ''),
    -- EXIF facts read from the original (staff-only, never served).
    exif_orientation   smallint NOT NULL DEFAULT 1 CHECK (exif_orientation BETWEEN 1 AND 8),
    exif_taken_at      timestamptz,
    exif_geom          geometry(Point, 4326),
    -- Moderator redactions: normalized rectangles blurred on the derivative.
    redactions         jsonb NOT NULL DEFAULT '[]',
    redacted_at        timestamptz,
    created_at         timestamptz NOT NULL
);
CREATE INDEX media_sha256_idx ON media (sha256);

-- reports: public hotspot reports. code is the reporter's (non-enumerable)
-- handle; imported historical rows have none. duplicate_of links a report
-- to an earlier one in the same r9 cell and category within 24 hours, whose
-- also_reported counts such links.
CREATE TABLE reports (
    id               bigserial PRIMARY KEY,
    code             text CHECK (code ~ '^HR-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
    source           text NOT NULL CHECK (source IN ('web', 'open311', 'import')),
    source_id        text UNIQUE CHECK (char_length(source_id) BETWEEN 1 AND 200),
    status           text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reject_reason    text CHECK (reject_reason IN ('spam', 'abuse', 'not_relevant', 'duplicate')),
    category         text NOT NULL CHECK (category IN ('stalking', 'catcalling_comments', 'groping',
                         'staring_following', 'indecent_exposure', 'drunk_gathering', 'poorly_lit_area',
                         'unsafe_transport_stop', 'other')),
    body             text NOT NULL DEFAULT '' CHECK (char_length(body) <= 500),
    happening_now    boolean NOT NULL DEFAULT false,
    occurred_at      timestamptz,
    received_at      timestamptz NOT NULL,
    -- event_at is occurred_at when known, else received_at: the time the
    -- duplicate window and the analytics windows compare.
    event_at         timestamptz NOT NULL,
    location_source  text NOT NULL CHECK (location_source IN ('form', 'exif', 'import')),
    geom             geometry(Point, 4326) NOT NULL,
    h3_r5            bigint NOT NULL,
    h3_r7            bigint NOT NULL,
    h3_r8            bigint NOT NULL,
    h3_r9            bigint NOT NULL,
    -- Routing at ingest: a snapshot of who was responsible then. Only the
    -- district is a foreign key; station, PCR unit and AHTU ids come from
    -- the jurisdiction tables in the inserting statement itself, and their
    -- FK checks (a FOR KEY SHARE lock per row on a few hot rows) cost
    -- bulk imports about a third of their time.
    district_id      integer NOT NULL REFERENCES districts (id),
    station_id       bigint,
    pcr_unit_id      bigint,
    ahtu_id          integer,
    duplicate_of     bigint REFERENCES reports (id),
    also_reported    integer NOT NULL DEFAULT 0 CHECK (also_reported >= 0),
    moderated_by     bigint REFERENCES users (id),
    moderated_at     timestamptz,
    CHECK (code IS NOT NULL OR source = 'import'),
    CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
    CHECK (duplicate_of IS NULL OR duplicate_of < id)
);
-- Unique among reports that have a code (imported ones have none).
CREATE UNIQUE INDEX reports_code_idx ON reports (code) WHERE code IS NOT NULL;
CREATE INDEX reports_geom_idx ON reports USING gist (geom);
CREATE INDEX reports_h3_r5_idx ON reports (h3_r5);
CREATE INDEX reports_h3_r7_idx ON reports (h3_r7);
CREATE INDEX reports_h3_r8_idx ON reports (h3_r8);
CREATE INDEX reports_h3_r9_idx ON reports (h3_r9);
CREATE INDEX reports_district_idx ON reports (district_id);
CREATE INDEX reports_event_at_idx ON reports (event_at);
CREATE INDEX reports_pending_idx ON reports (received_at) WHERE status = 'pending';
CREATE INDEX reports_duplicate_of_idx ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- report_media: a report's photos in upload order (n = 1…3).
CREATE TABLE report_media (
    report_id  bigint NOT NULL REFERENCES reports (id),
    n          smallint NOT NULL CHECK (n BETWEEN 1 AND 3),
    media_id   bigint NOT NULL UNIQUE REFERENCES media (id),
    PRIMARY KEY (report_id, n)
);

-- tips: trafficking tips. Visible only to the AHTUs in ahtu_ids (those
-- covering the tip's places), MSP and admin. Contact details are sealed by
-- the auth keyring, bound to the tip code.
CREATE TABLE tips (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^TP-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
    body             text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    vehicles         text[] NOT NULL DEFAULT '{}',
    phones           text[] NOT NULL DEFAULT '{}',
    people           text[] NOT NULL DEFAULT '{}',
    contact_sealed   bytea,
    consent_contact  boolean NOT NULL DEFAULT false,
    consent_share    boolean NOT NULL DEFAULT false,
    district_ids     integer[] NOT NULL,
    ahtu_ids         integer[] NOT NULL,
    received_at      timestamptz NOT NULL,
    CHECK (cardinality(district_ids) > 0),
    CHECK (contact_sealed IS NOT NULL OR NOT consent_contact)
);
CREATE INDEX tips_ahtu_ids_idx ON tips USING gin (ahtu_ids);
CREATE INDEX tips_received_at_idx ON tips (received_at);

-- tip_places: where and when something was seen (n = 1…10 per tip).
CREATE TABLE tip_places (
    id           bigserial PRIMARY KEY,
    tip_id       bigint NOT NULL REFERENCES tips (id),
    n            smallint NOT NULL CHECK (n BETWEEN 1 AND 10),
    description  text NOT NULL DEFAULT '' CHECK (char_length(description) <= 300),
    seen_at      timestamptz,
    geom         geometry(Point, 4326) NOT NULL,
    h3_r5        bigint NOT NULL,
    h3_r7        bigint NOT NULL,
    h3_r8        bigint NOT NULL,
    h3_r9        bigint NOT NULL,
    district_id  integer NOT NULL REFERENCES districts (id),
    ahtu_id      integer REFERENCES ahtu_units (id),
    UNIQUE (tip_id, n)
);
CREATE INDEX tip_places_geom_idx ON tip_places USING gist (geom);
CREATE INDEX tip_places_h3_r5_idx ON tip_places (h3_r5);
CREATE INDEX tip_places_h3_r7_idx ON tip_places (h3_r7);
CREATE INDEX tip_places_h3_r8_idx ON tip_places (h3_r8);
CREATE INDEX tip_places_h3_r9_idx ON tip_places (h3_r9);
CREATE INDEX tip_places_ahtu_idx ON tip_places (ahtu_id);

-- tip_media: a tip's protected photos in upload order (n = 1…5).
CREATE TABLE tip_media (
    tip_id    bigint NOT NULL REFERENCES tips (id),
    n         smallint NOT NULL CHECK (n BETWEEN 1 AND 5),
    media_id  bigint NOT NULL UNIQUE REFERENCES media (id),
    PRIMARY KEY (tip_id, n)
);

-- +goose Down
DROP TABLE IF EXISTS tip_media;
DROP TABLE IF EXISTS tip_places;
DROP TABLE IF EXISTS tips;
DROP TABLE IF EXISTS report_media;
DROP TABLE IF EXISTS reports;
DROP TABLE IF EXISTS media;
