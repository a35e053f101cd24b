-- Quick replies (issue 20): answers a business saved, with an optional
-- file, that its people insert in the inbox by typing "/" and the shortcut.
CREATE TABLE quick_reply (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    -- What follows "/": lower-case letters, digits and dashes.
    shortcut    TEXT NOT NULL,
    message_text TEXT NOT NULL,
    -- The file sent with it (`Attachment` as JSON), kept in the tenant's
    -- media like any other.
    media_json  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, shortcut)
);
