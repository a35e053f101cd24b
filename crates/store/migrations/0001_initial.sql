-- Flow HQ's data model. Ids are UUID v7 text, so ordering by id
-- is ordering by creation time; timestamps are UTC milliseconds since the
-- Unix epoch; enums are their upper-case names.

CREATE TABLE tenant (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    phone_number  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('NEW','PENDING','APPROVED','QR_PENDING','ACTIVE','PAUSED','ERROR')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX tenant_status_idx ON tenant (status, id);

CREATE TABLE tenant_config (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL UNIQUE REFERENCES tenant (id) ON DELETE CASCADE,
    template_type  TEXT NOT NULL CHECK (template_type IN ('RESTAURANT','CLINIC','SALON','RETAIL','GENERIC')),
    business_name  TEXT NOT NULL,
    language       TEXT NOT NULL,
    hours_json     TEXT NOT NULL,
    overrides_json TEXT NOT NULL DEFAULT '{}',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE whatsapp_session (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL UNIQUE REFERENCES tenant (id) ON DELETE CASCADE,
    state          TEXT NOT NULL CHECK (state IN ('DISCONNECTED','CONNECTING','QR_READY','CONNECTED','LOGGED_OUT')),
    last_qr        TEXT,
    qr_expires_at  BIGINT,
    last_seen_at   BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE message_log (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    direction      TEXT NOT NULL CHECK (direction IN ('INBOUND','OUTBOUND')),
    from_number    TEXT NOT NULL,
    to_number      TEXT NOT NULL,
    message_text   TEXT NOT NULL,
    wa_message_id  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX message_log_tenant_created_idx ON message_log (tenant_id, created_at);
-- Logging is idempotent: a worker retrying a batch never doubles a row.
CREATE UNIQUE INDEX message_log_idempotency_key ON message_log (tenant_id, direction, wa_message_id);

CREATE TABLE worker_process (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL UNIQUE REFERENCES tenant (id) ON DELETE CASCADE,
    process_name       TEXT NOT NULL UNIQUE,
    status             TEXT NOT NULL CHECK (status IN ('STOPPED','STARTING','RUNNING','STOPPING','ERROR')),
    pid                BIGINT,
    last_heartbeat_at  BIGINT,
    last_error         TEXT,
    restarts           BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

-- "user" is reserved in PostgreSQL; both backends use the same name.
CREATE TABLE app_user (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT UNIQUE REFERENCES tenant (id) ON DELETE SET NULL,
    name           TEXT NOT NULL,
    -- stored lower-cased, so the unique key is case-insensitive
    email          TEXT NOT NULL UNIQUE,
    phone          TEXT,
    role           TEXT NOT NULL CHECK (role IN ('ADMIN','OWNER')),
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE setup_request (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    user_id          TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    template_type    TEXT NOT NULL CHECK (template_type IN ('RESTAURANT','CLINIC','SALON','RETAIL','GENERIC')),
    whatsapp_number  TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED')),
    notes            TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX setup_request_tenant_idx ON setup_request (tenant_id, id);
CREATE INDEX setup_request_status_idx ON setup_request (status, id);
-- At most one PENDING request per tenant.
CREATE UNIQUE INDEX setup_request_one_pending ON setup_request (tenant_id) WHERE status = 'PENDING';

CREATE TABLE tenant_event (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    event        TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX tenant_event_tenant_idx ON tenant_event (tenant_id, id);
