-- +goose Up
-- complaint_media: photos attached to a complaint (owner: package cases),
-- in the order they were added (n = 1…10). The photos themselves are media
-- rows and blobs written by package ingest's pipeline (sealed original,
-- metadata-free derivative and thumbnail) in the same transaction.
-- added_by_kind is who attached it: the complainant herself (code + secret)
-- or the E-cell staffer who filed the complaint for her (added_by_user_id).
-- idempotency_key and request_hash (SHA-256 of the uploaded photos) mark the
-- rows of one attach request, so a retry with the same Idempotency-Key gets
-- the first answer instead of a second copy; keys are per complaint.
CREATE TABLE complaint_media (
    complaint_id     bigint NOT NULL REFERENCES complaints (id),
    n                smallint NOT NULL CHECK (n BETWEEN 1 AND 10),
    media_id         bigint NOT NULL UNIQUE REFERENCES media (id),
    added_at         timestamptz NOT NULL,
    added_by_kind    text NOT NULL CHECK (added_by_kind IN ('complainant', 'ecell')),
    added_by_user_id bigint REFERENCES users (id),
    idempotency_key  text CHECK (idempotency_key ~ '^[A-Za-z0-9_.:-]{1,128}$'),
    request_hash     bytea CHECK (length(request_hash) = 32),
    PRIMARY KEY (complaint_id, n),
    CHECK ((added_by_kind = 'ecell') = (added_by_user_id IS NOT NULL)),
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
);
CREATE INDEX complaint_media_key_idx ON complaint_media (complaint_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- +goose Down
DROP TABLE IF EXISTS complaint_media;
