-- Integrators' keys to the public API (`/api/v1`), one tenant each. The
-- secret (`fhq_…`) is shown once; only its SHA-256 is kept, beside the
-- first characters (`prefix`) that find the row and let people tell keys
-- apart. `scopes` is a space-separated list (`messages:send …`).
CREATE TABLE api_key (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    prefix        TEXT NOT NULL UNIQUE,
    secret_hash   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    -- "owner:<email>" or "admin:<email>"
    created_by    TEXT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_key_tenant_idx ON api_key (tenant_id, created_at);

-- What a send with an `Idempotency-Key` answered, for 24 hours: the same
-- key again gets the same answer and sends nothing. The primary key makes
-- two concurrent requests with one key a single send.
CREATE TABLE api_idempotency (
    tenant_id       TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the request body: the same key with another body is refused
    request_hash    TEXT NOT NULL,
    response_status BIGINT NOT NULL,
    response_json   TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);

-- The anti-ban guard lets the API send only to people who wrote in the
-- last 24 hours; an operator may lift it for a tenant.
ALTER TABLE tenant ADD COLUMN api_send_any_contact BIGINT NOT NULL DEFAULT 0;

-- A send may carry a file (`{file_name, mime, size, sha256}` as JSON, the
-- text its caption); `api_key_id` says which key asked for it, and counts
-- the API's sends a minute.
ALTER TABLE worker_send ADD COLUMN media_json TEXT;
ALTER TABLE worker_send ADD COLUMN api_key_id TEXT;
CREATE INDEX worker_send_tenant_created_idx ON worker_send (tenant_id, created_at);

-- "Did this number write in the last 24 hours?" and one contact's messages.
CREATE INDEX message_log_tenant_from_idx ON message_log (tenant_id, from_number, created_at);
CREATE INDEX message_log_tenant_to_idx ON message_log (tenant_id, to_number, created_at);
