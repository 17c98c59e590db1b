-- +goose Up
-- The webhook SSRF policy (internal/netguard) every worker must enforce:
-- the canonical VIKALP_WEBHOOK_ALLOW_NETS (networks masked, sorted, comma-
-- separated; '' for none) and its SHA-256. The first worker to start records
-- its own; a worker whose setting differs refuses to start and to deliver,
-- so a replica with a wider list cannot deliver what the others refuse.
-- `vikalp webhook-policy record` replaces it (docs/OPERATIONS.md). One row.
CREATE TABLE webhook_policy (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    allow_nets  text NOT NULL,
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE webhook_policy;
