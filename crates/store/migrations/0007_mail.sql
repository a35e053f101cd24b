-- Mail and account tokens (issue 22).

-- The durable mail queue: a mail is rendered (in its recipient's language)
-- when it is queued, and the leader's sender delivers it by SMTP, or writes
-- it to <data dir>/mail/ when no SMTP server is configured. A send claims
-- the row by pushing next_attempt_at past a lease, so a sender that dies
-- mid-send leaves the mail due again rather than lost.
CREATE TABLE mail (
    id               TEXT PRIMARY KEY,
    to_address       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    -- Makes queueing idempotent where a job may run twice (one digest per
    -- owner and week, one mail per alert and state).
    dedupe_key       TEXT UNIQUE,
    status           TEXT NOT NULL CHECK (status IN ('QUEUED','SENT','FAILED')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    -- 'smtp', or the .eml file's name in <data dir>/mail/.
    delivered_to     TEXT,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX mail_due_idx ON mail (status, next_attempt_at);

-- Single-use links sent by mail; only the SHA-256 of the token is kept.
CREATE TABLE user_token (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('PASSWORD_RESET','VERIFY_EMAIL','INVITATION')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX user_token_user_idx ON user_token (user_id, purpose);

-- One row per incident (flowhq_domain::alerts): opened where the facts are
-- recorded, reopened when its cause comes back within the grace period
-- (open_since is when the current open stretch began), told about once
-- (notified_at) and, once cleared, told "back to normal" once.
CREATE TABLE alert (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('UNLINKED','QR_EXPIRED','BANNED','WORKER_ERROR','DISCONNECTED','OUTDATED_CLIENT')),
    detail               TEXT,
    opened_at            BIGINT NOT NULL,
    open_since           BIGINT NOT NULL,
    last_raised_at       BIGINT NOT NULL,
    raised_count         BIGINT NOT NULL,
    cleared_at           BIGINT,
    notified_at          BIGINT,
    cleared_notified_at  BIGINT
);
CREATE INDEX alert_tenant_kind_idx ON alert (tenant_id, kind, opened_at);
CREATE INDEX alert_untold_idx ON alert (notified_at, cleared_notified_at);

-- The alert kinds a user turned off (everything is on by default).
CREATE TABLE user_alert_pref (
    user_id  TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    enabled  BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
