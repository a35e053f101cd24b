-- The silent-session alert (issue 22): a new kind of incident. The kind's
-- CHECK is part of the table, which SQLite cannot alter: the table is
-- rebuilt, the same way on both backends.
CREATE TABLE alert_new (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('UNLINKED','QR_EXPIRED','BANNED','WORKER_ERROR','DISCONNECTED','OUTDATED_CLIENT','SILENT')),
    detail               TEXT,
    opened_at            BIGINT NOT NULL,
    open_since           BIGINT NOT NULL,
    last_raised_at       BIGINT NOT NULL,
    raised_count         BIGINT NOT NULL,
    cleared_at           BIGINT,
    notified_at          BIGINT,
    cleared_notified_at  BIGINT
);
INSERT INTO alert_new (id, tenant_id, kind, detail, opened_at, open_since, last_raised_at,
                       raised_count, cleared_at, notified_at, cleared_notified_at)
    SELECT id, tenant_id, kind, detail, opened_at, open_since, last_raised_at,
           raised_count, cleared_at, notified_at, cleared_notified_at FROM alert;
DROP TABLE alert;
ALTER TABLE alert_new RENAME TO alert;
CREATE INDEX alert_tenant_kind_idx ON alert (tenant_id, kind, opened_at);
CREATE INDEX alert_untold_idx ON alert (notified_at, cleared_notified_at);
