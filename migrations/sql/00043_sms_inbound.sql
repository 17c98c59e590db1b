-- +goose Up
-- SMS both ways (issue 17 §6).
--
-- sms_opt_out: at filing she may choose "no SMS" (a shared phone): no
-- message is ever queued to her number, not even the filing receipt, and
-- no keyed hash of it is kept, so an inbound STATUS from that phone gets
-- the generic reply too.
--
-- sms_phone_hash: HMAC-SHA-256 of her normalized number (+91XXXXXXXXXX)
-- under a server key derived from the data key (cases.Deps.PhoneKeys),
-- written at filing when she gave a number and did not opt out. An inbound
-- "STATUS <code>" is answered only when the sender's hash matches the
-- complaint's. The plain number is never stored; the hash cannot be turned
-- back into a number without the key. Complaints filed before this
-- migration have none (their STATUS gets the generic reply).
ALTER TABLE complaints
    ADD COLUMN sms_opt_out boolean NOT NULL DEFAULT false,
    ADD COLUMN sms_phone_hash bytea CHECK (sms_phone_hash IS NULL OR length(sms_phone_hash) = 32),
    ADD CONSTRAINT complaints_sms_opt_out_hash_check CHECK (NOT (sms_opt_out AND sms_phone_hash IS NOT NULL));
CREATE INDEX complaints_sms_phone_hash_idx ON complaints (sms_phone_hash) WHERE sms_phone_hash IS NOT NULL;

-- +goose Down
DROP INDEX IF EXISTS complaints_sms_phone_hash_idx;
ALTER TABLE complaints DROP CONSTRAINT IF EXISTS complaints_sms_opt_out_hash_check,
    DROP COLUMN IF EXISTS sms_phone_hash, DROP COLUMN IF EXISTS sms_opt_out;
