-- The business's facts (address, links, phone) and the owner's own menu,
-- beside the template texts: JSON in the shapes of docs/api.md, checked by
-- the domain before they are stored. A NULL menu is the template's.
ALTER TABLE tenant_config ADD COLUMN facts_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tenant_config ADD COLUMN menu_json TEXT;

-- The files a tenant stored (menu attachments, what the inbox sends and
-- receives). The bytes live in the data dir, named by their sha256 under
-- the tenant's folder; this table says they are there, what they are, and
-- adds up the tenant's quota. A file stored twice is one row.
CREATE TABLE media_file (
    tenant_id TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);

-- A logged message's file (`{file_name, mime, size, sha256}` as JSON): the
-- menu item's PDF the bot sent, the photo a customer sent. The message's
-- text is then its caption.
ALTER TABLE message_log ADD COLUMN media_json TEXT;
