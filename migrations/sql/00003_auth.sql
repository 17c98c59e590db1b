-- +goose Up
-- Accounts, sessions, API tokens and the audit log (owner: package auth).
-- Scope ids are plain BIGINTs (a district's LGD code, a station, AHTU or PCR
-- unit id; 0 for the state) with no foreign key: jurisdictions are imported
-- and re-imported independently of accounts.

CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    username        citext NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$'),
    display_name    text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role            text NOT NULL CHECK (role IN ('ecell', 'station', 'nodal', 'sp', 'msp_analyst',
                                                  'msp_legal', 'ahtu', 'pcr', 'moderator', 'admin')),
    scope_kind      text NOT NULL CHECK (scope_kind IN ('state', 'district', 'station', 'ahtu', 'pcr')),
    scope_id        bigint NOT NULL CHECK ((scope_kind = 'state') = (scope_id = 0) AND scope_id >= 0),
    -- Consecutive failed logins inside the lockout window; a user is locked
    -- while locked_until is in the future.
    failed_logins   integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    last_failed_at  timestamptz,
    locked_until    timestamptz,
    last_login_at   timestamptz,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_scope_idx ON users (scope_kind, scope_id);

-- sessions: browser logins. Only the SHA-256 of the cookie token is stored,
-- so a copy of this table cannot be replayed.
CREATE TABLE sessions (
    id            bigserial PRIMARY KEY,
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL CHECK (csrf_token <> ''),
    ip            text NOT NULL DEFAULT '' CHECK (length(ip) <= 64),
    user_agent    text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 256),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- api_tokens: bearer tokens for integrations (webhook consumers, CAD
-- systems). Like sessions, only the SHA-256 of the token is stored; prefix
-- is the token's harmless first characters, shown to tell tokens apart.
CREATE TABLE api_tokens (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix        text NOT NULL,
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE UNIQUE INDEX api_tokens_live_name_idx ON api_tokens (user_id, name) WHERE revoked_at IS NULL;

-- audit_log: append-only and hash-chained. hash = SHA-256(prev_hash ||
-- canonical row fields), computed by package auth; the first row's prev_hash
-- is 32 zero bytes. Rows are appended under a transaction-scoped advisory lock
-- so the chain stays linear, and the triggers below refuse UPDATE, DELETE and
-- TRUNCATE for every role (a superuser can still disable them, which the
-- chain then exposes).
CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL,
    actor_user_id  bigint,            -- NULL for the system (CLI, workers)
    actor_role     text NOT NULL DEFAULT '',
    action         text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]*$'),
    object_kind    text NOT NULL DEFAULT '',
    object_id      bigint NOT NULL DEFAULT 0,
    detail         jsonb NOT NULL DEFAULT '{}',
    prev_hash      bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash           bytea NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_object_idx ON audit_log (object_kind, object_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_no_change
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE IF EXISTS audit_log;
DROP FUNCTION IF EXISTS audit_log_append_only();
DROP TABLE IF EXISTS api_tokens;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS users;
