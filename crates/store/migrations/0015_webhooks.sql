-- Webhooks (issue 21): endpoints, and one delivery per endpoint and event.

-- An endpoint of one tenant, or the operator-wide one (tenant_id NULL) that
-- gets every tenant's events. The secret is kept as given: it signs every
-- request, so it cannot be a hash. During a rotation the previous secret
-- also signs until previous_secret_until, so receivers can switch over.
CREATE TABLE webhook_endpoint (
    id                     TEXT PRIMARY KEY,
    tenant_id              TEXT REFERENCES tenant (id) ON DELETE CASCADE,
    url                    TEXT NOT NULL,
    -- ',message.received,session.status,': LIKE '%,type,%' finds a type.
    events                 TEXT NOT NULL,
    secret                 TEXT NOT NULL,
    previous_secret        TEXT,
    previous_secret_until  BIGINT,
    -- Set when deliveries kept failing for days, or by hand; NULL: active.
    disabled_at            BIGINT,
    disabled_reason        TEXT,
    -- The first failure since the last success: an endpoint failing for
    -- days is disabled and its owner told.
    failing_since          BIGINT,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX webhook_endpoint_tenant_idx ON webhook_endpoint (tenant_id);

-- Written in the transaction of its cause (the message log insert, the
-- status transition, the session report), so an event is never lost
-- between them. The sender claims a due delivery by pushing
-- next_attempt_at past a lease; the webhook-id header is event_id, the
-- same on every retry and replay.
CREATE TABLE webhook_delivery (
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    tenant_id        TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('PENDING','DELIVERED','DEAD')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    last_status_code BIGINT,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_endpoint_idx ON webhook_delivery (endpoint_id, status, created_at);

-- Every attempt, for the delivery log: what the receiver answered and how
-- fast.
CREATE TABLE webhook_attempt (
    endpoint_id  TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    attempt      BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    status_code  BIGINT,
    latency_ms   BIGINT NOT NULL,
    error        TEXT,
    response     TEXT,
    PRIMARY KEY (endpoint_id, event_id, attempt),
    FOREIGN KEY (endpoint_id, event_id)
        REFERENCES webhook_delivery (endpoint_id, event_id) ON DELETE CASCADE
);
