-- Workers and the simulated WhatsApp network (issue 5).

-- The hash (SHA-256, hex) of the worker's current bearer token; the token
-- itself lives only in the worker's environment.
ALTER TABLE worker_process ADD COLUMN token_hash TEXT;
-- Whether the worker should be running: what the supervisor restores after
-- a crash or a control-plane restart. RUNNING or STOPPED.
ALTER TABLE worker_process ADD COLUMN desired TEXT NOT NULL DEFAULT 'STOPPED'
    CHECK (desired IN ('RUNNING','STOPPED'));
-- When the current process was started: its heartbeats are due from then.
ALTER TABLE worker_process ADD COLUMN started_at BIGINT;
CREATE INDEX worker_process_status_idx ON worker_process (status);

-- The simulator's phone: one linked device per tenant.
CREATE TABLE sim_device (
    tenant_id      TEXT PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
    linked         BIGINT NOT NULL DEFAULT 0,
    credentials    TEXT,
    qr             TEXT,
    qr_expires_at  BIGINT,
    -- how many QR codes this pairing attempt has shown: the first lives 60 s, the rest 20 s
    qr_count       BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL
);

-- Customer messages on their way to the tenant's worker; kept until the
-- worker acknowledges them, and redelivered until then.
CREATE TABLE sim_inbound (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    wa_message_id  TEXT NOT NULL UNIQUE,
    from_number    TEXT NOT NULL,
    message_text   TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    acked_at       BIGINT
);
CREATE INDEX sim_inbound_pending_idx ON sim_inbound (tenant_id, acked_at, id);

-- What the tenant's bot sent; a retried send (same client id) is not sent twice.
CREATE TABLE sim_outbound (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL,
    wa_message_id  TEXT NOT NULL UNIQUE,
    to_number      TEXT NOT NULL,
    message_text   TEXT NOT NULL,
    sent_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX sim_outbound_client_key ON sim_outbound (tenant_id, client_id);
CREATE INDEX sim_outbound_tenant_idx ON sim_outbound (tenant_id, sent_at);
