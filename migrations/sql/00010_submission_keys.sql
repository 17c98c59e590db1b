-- +goose Up
-- submission_keys: the Idempotency-Key of a public report or tip (owner:
-- package ingest), written in the transaction that stores the submission.
-- A client that retries with the same key gets the first submission's
-- receipt instead of a duplicate; request_hash (SHA-256 of the submitted
-- fields and photos, never of contact details) refuses a key reused for
-- different content. Rows older than the replay window can be pruned.
CREATE TABLE submission_keys (
    key          text PRIMARY KEY CHECK (key ~ '^[A-Za-z0-9_.:-]{1,128}$'),
    kind         text NOT NULL CHECK (kind IN ('report', 'tip')),
    entity_id    bigint NOT NULL,
    request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
    created_at   timestamptz NOT NULL
);
CREATE INDEX submission_keys_created_at_idx ON submission_keys (created_at);

-- +goose Down
DROP TABLE IF EXISTS submission_keys;
