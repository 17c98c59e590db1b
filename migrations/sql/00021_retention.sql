-- +goose Up
-- Data retention (owner: package ingest; see ingest/retention.go and
-- docs/SECURITY.md "Retention").
--
-- original_purged_at marks a photo whose sealed original was deleted after
-- the legal hold (VIKALP_RETENTION_ORIGINALS). The derivative, the thumbnail
-- and the SHA-256 of the upload stay, so an evidence request learns that the
-- original existed, what its hash was and when and why it went.
ALTER TABLE media ADD COLUMN original_purged_at timestamptz;

-- The originals still held, oldest first: what each purge run scans.
CREATE INDEX media_original_held_idx ON media (created_at) WHERE original_purged_at IS NULL;

-- Rejected reports by moderation time: what the rejected-report purge scans.
CREATE INDEX reports_rejected_idx ON reports (moderated_at) WHERE status = 'rejected';

-- +goose Down
DROP INDEX IF EXISTS reports_rejected_idx;
DROP INDEX IF EXISTS media_original_held_idx;
ALTER TABLE media DROP COLUMN IF EXISTS original_purged_at;
