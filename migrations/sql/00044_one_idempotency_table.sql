-- +goose Up
-- One home for Idempotency-Keys (owner: package internal/idem). Until now a
-- complaint kept its key in complaints.idempotency_key, a photo attach in
-- complaint_media.idempotency_key (per complaint), and reports and tips in
-- submission_keys. submission_keys now holds them all:
--   scope     the namespace a key is unique in: 'submission' (reports and
--             tips share one: a report's key retried as a tip is refused),
--             'complaint', 'complaint_media';
--   scope_id  the complaint of a photo attach (keys are per complaint), else 0;
--   entity_id the report, tip or complaint the key created, or the number of
--             the first photo of an attach, whose photos are entity_id to
--             entity_id + entity_count - 1 on that complaint;
--   request_hash  the request's fingerprint. A complaint's is wiped (NULL)
--             with its sealed replay secret when the replay window ends;
--             a key without one answers any retry (without the secret).
-- Which keys are pruned does not change: only report and tip keys (with
-- their rejected reports, by retention); complaint keys live as long as
-- the complaint.
ALTER TABLE submission_keys DROP CONSTRAINT submission_keys_pkey;
ALTER TABLE submission_keys DROP CONSTRAINT submission_keys_kind_check;
ALTER TABLE submission_keys
    ADD COLUMN scope text NOT NULL DEFAULT 'submission',
    ADD COLUMN scope_id bigint NOT NULL DEFAULT 0,
    ADD COLUMN entity_count integer NOT NULL DEFAULT 1 CHECK (entity_count >= 1),
    ALTER COLUMN request_hash DROP NOT NULL,
    ADD CONSTRAINT submission_keys_kind_check
        CHECK (kind IN ('report', 'tip', 'complaint', 'complaint_media')),
    ADD CONSTRAINT submission_keys_scope_check
        CHECK (scope = CASE WHEN kind IN ('report', 'tip') THEN 'submission' ELSE kind END),
    ADD CONSTRAINT submission_keys_scope_id_check
        CHECK ((kind = 'complaint_media') = (scope_id > 0)),
    ADD CONSTRAINT submission_keys_hash_check
        CHECK (request_hash IS NOT NULL OR kind = 'complaint');
ALTER TABLE submission_keys ALTER COLUMN scope DROP DEFAULT;
ALTER TABLE submission_keys ADD PRIMARY KEY (scope, scope_id, key);
CREATE INDEX submission_keys_entity_idx ON submission_keys (kind, entity_id);

INSERT INTO submission_keys (scope, scope_id, key, kind, entity_id, entity_count, request_hash, created_at)
SELECT 'complaint', 0, idempotency_key, 'complaint', id, 1, request_hash, created_at
FROM complaints WHERE idempotency_key IS NOT NULL;

-- The photos of one attach request are numbered consecutively (the
-- complaint row is locked while they are numbered) and share one hash.
INSERT INTO submission_keys (scope, scope_id, key, kind, entity_id, entity_count, request_hash, created_at)
SELECT 'complaint_media', complaint_id, idempotency_key, 'complaint_media', min(n), count(*),
    (array_agg(request_hash ORDER BY n))[1], min(added_at)
FROM complaint_media WHERE idempotency_key IS NOT NULL
GROUP BY complaint_id, idempotency_key;

ALTER TABLE complaints DROP COLUMN idempotency_key, DROP COLUMN request_hash;
-- Drops complaint_media_key_idx and the key/hash CHECKs with the columns.
ALTER TABLE complaint_media DROP COLUMN idempotency_key, DROP COLUMN request_hash;

-- +goose Down
ALTER TABLE complaints
    ADD COLUMN idempotency_key text UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 128),
    ADD COLUMN request_hash bytea;
UPDATE complaints c SET idempotency_key = k.key, request_hash = k.request_hash
FROM submission_keys k WHERE k.kind = 'complaint' AND k.entity_id = c.id;

ALTER TABLE complaint_media
    ADD COLUMN idempotency_key text CHECK (idempotency_key ~ '^[A-Za-z0-9_.:-]{1,128}$'),
    ADD COLUMN request_hash bytea CHECK (length(request_hash) = 32),
    ADD CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
UPDATE complaint_media m SET idempotency_key = k.key, request_hash = k.request_hash
FROM submission_keys k WHERE k.kind = 'complaint_media' AND k.scope_id = m.complaint_id
    AND m.n >= k.entity_id AND m.n < k.entity_id + k.entity_count;
CREATE INDEX complaint_media_key_idx ON complaint_media (complaint_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

DELETE FROM submission_keys WHERE kind IN ('complaint', 'complaint_media');
DROP INDEX submission_keys_entity_idx;
ALTER TABLE submission_keys DROP CONSTRAINT submission_keys_pkey;
ALTER TABLE submission_keys
    DROP CONSTRAINT submission_keys_kind_check,
    DROP CONSTRAINT submission_keys_scope_check,
    DROP CONSTRAINT submission_keys_scope_id_check,
    DROP CONSTRAINT submission_keys_hash_check,
    DROP COLUMN scope,
    DROP COLUMN scope_id,
    DROP COLUMN entity_count,
    ALTER COLUMN request_hash SET NOT NULL,
    ADD CONSTRAINT submission_keys_kind_check CHECK (kind IN ('report', 'tip'));
ALTER TABLE submission_keys ADD PRIMARY KEY (key);
