-- +goose Up
-- Staff TOTP second factor (owner: package auth).
--
-- users.totp_secret_sealed is the confirmed RFC 6238 secret, sealed with the
-- data keyring (AAD "users.totp:<id>"); totp_pending_sealed is a secret
-- handed out by enrolment and not yet confirmed with a first code.
-- totp_last_step is the last 30-second time step a code was accepted for:
-- a code is accepted only for a later step, so a seen code cannot be replayed.
ALTER TABLE users
    ADD COLUMN totp_secret_sealed  bytea,
    ADD COLUMN totp_pending_sealed bytea,
    ADD COLUMN totp_enabled_at     timestamptz,
    ADD COLUMN totp_last_step      bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT users_totp_enabled_check CHECK ((totp_secret_sealed IS NULL) = (totp_enabled_at IS NULL));

-- Recovery codes: single use, stored only as SHA-256 of the normalised code.
CREATE TABLE totp_recovery_codes (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    UNIQUE (user_id, code_hash)
);

-- login_challenges: the pending state between a correct password and the
-- second factor. Like sessions, only the SHA-256 of the token is stored; a
-- challenge lives minutes and dies after a few wrong codes.
CREATE TABLE login_challenges (
    id          bigserial PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX login_challenges_user_idx ON login_challenges (user_id);
CREATE INDEX login_challenges_expires_idx ON login_challenges (expires_at);

-- sessions.stage: 'full' is a normal login; 'enrol' is the restricted
-- session a user whose role requires TOTP gets before enrolling: it may call
-- the enrolment endpoints and nothing else.
ALTER TABLE sessions ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('full', 'enrol'));

-- +goose Down
ALTER TABLE sessions DROP COLUMN IF EXISTS stage;
DROP TABLE IF EXISTS login_challenges;
DROP TABLE IF EXISTS totp_recovery_codes;
ALTER TABLE users
    DROP CONSTRAINT IF EXISTS users_totp_enabled_check,
    DROP COLUMN IF EXISTS totp_last_step,
    DROP COLUMN IF EXISTS totp_enabled_at,
    DROP COLUMN IF EXISTS totp_pending_sealed,
    DROP COLUMN IF EXISTS totp_secret_sealed;
