-- +goose Up
-- PostGIS for every geometry (SRID 4326 stored, 3857 only where tiles need it);
-- citext for case-insensitive usernames.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS citext;

-- +goose Down
DROP EXTENSION IF EXISTS citext;
DROP EXTENSION IF EXISTS postgis;
