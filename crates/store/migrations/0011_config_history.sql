-- Every change to a tenant's bot settings: who made it, when, which
-- settings it changed and their values before, so that an owner can see
-- the history and undo changes, the latest first.
CREATE TABLE tenant_config_change (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    actor        TEXT NOT NULL,
    -- JSON list of the changed settings' names
    fields       TEXT NOT NULL,
    -- JSON object: those settings' values before the change
    before_json  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    undone_at    BIGINT,
    undone_by    TEXT
);
CREATE INDEX tenant_config_change_tenant_idx ON tenant_config_change (tenant_id, id);
