-- The inbox (issue 20): one row per customer per tenant, kept in the same
-- write as the message log (see `store/src/contacts.rs`), so that the list
-- of conversations is one indexed read however long the log grows.
CREATE TABLE contact (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    -- The chat as the channel names it: `+` and digits, or WhatsApp's
    -- private id (LID) when the number is hidden.
    wa_id            TEXT NOT NULL,
    -- E.164 when known (the chat id is a number, or WhatsApp revealed it).
    phone            TEXT,
    -- The owner's name for them; the name they gave themselves.
    name             TEXT,
    push_name        TEXT,
    labels_json      TEXT NOT NULL DEFAULT '[]',
    notes            TEXT NOT NULL DEFAULT '',
    first_seen_at    BIGINT NOT NULL,
    -- Their last message (NULL: only the business wrote so far).
    last_inbound_at  BIGINT,
    -- The conversation's last message, for the list.
    last_message_at  BIGINT NOT NULL,
    last_direction   TEXT NOT NULL CHECK (last_direction IN ('INBOUND','OUTBOUND')),
    last_text        TEXT NOT NULL,
    -- Their messages since a person last read or answered the chat.
    unread           BIGINT NOT NULL DEFAULT 0,
    -- "Wants a person": when the bot handed the chat off; NULL once a
    -- person answered or the chat was resolved.
    handoff_at       BIGINT,
    -- When a person (inbox, phone or API) last wrote to them.
    answered_at      BIGINT,
    -- When the chat was last marked resolved (handed back to the bot).
    resolved_at      BIGINT,
    -- 1: the owner turned the assistant off for this contact.
    assistant_off    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, wa_id)
);
CREATE INDEX contact_activity_idx ON contact (tenant_id, last_message_at, id);
CREATE INDEX contact_handoff_idx ON contact (tenant_id, last_message_at, id)
    WHERE handoff_at IS NOT NULL;
CREATE INDEX contact_unread_idx ON contact (tenant_id, last_message_at, id)
    WHERE unread > 0;
CREATE INDEX contact_assistant_off_idx ON contact (tenant_id) WHERE assistant_off = 1;
CREATE INDEX contact_resolved_idx ON contact (tenant_id, resolved_at)
    WHERE resolved_at IS NOT NULL;

-- Who in the business wrote an outbound message (an app_user id; kept
-- when the user is deleted, named "a former user" then), and how far it
-- got: SENT, DELIVERED, READ as the channel reports them.
ALTER TABLE message_log ADD COLUMN sent_by TEXT;
ALTER TABLE message_log ADD COLUMN status TEXT;
ALTER TABLE worker_send ADD COLUMN sent_by TEXT;

-- The contacts of the messages logged before this migration. The id of a
-- contact made here is the id of their first message (a UUID v7 like any
-- other id, and unique: a message has one contact); later contacts get a
-- new one.
INSERT INTO contact (id, tenant_id, wa_id, phone, first_seen_at, last_inbound_at,
                     last_message_at, last_direction, last_text, answered_at)
SELECT MIN(id), tenant_id, peer,
       CASE WHEN peer LIKE '+%' THEN peer END,
       MIN(created_at),
       MAX(CASE WHEN direction = 'INBOUND' THEN created_at END),
       MAX(created_at), 'INBOUND', '',
       MAX(CASE WHEN direction = 'OUTBOUND' AND reply_to IS NULL THEN created_at END)
FROM (SELECT id, tenant_id, direction, created_at, reply_to,
             CASE WHEN direction = 'INBOUND' THEN from_number ELSE to_number END AS peer
      FROM message_log) m
GROUP BY tenant_id, peer;

UPDATE contact SET (last_direction, last_text) = (
    SELECT m.direction, m.message_text FROM message_log m
    WHERE m.tenant_id = contact.tenant_id
      AND (m.from_number = contact.wa_id OR m.to_number = contact.wa_id)
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1
);
