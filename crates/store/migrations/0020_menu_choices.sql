-- The menu item an inbound message chose (1-based; NULL when it was not a
-- menu answer), and its daily roll-up: the "most chosen" figures of the
-- owner's /app and the console's tenant page (issue 19).
ALTER TABLE message_log ADD COLUMN menu_item BIGINT;
-- A business's replies by time, for the median wait for a first reply.
CREATE INDEX message_log_reply_idx ON message_log (tenant_id, created_at)
    WHERE direction = 'OUTBOUND' AND reply_to IS NOT NULL;

CREATE TABLE menu_daily (
    tenant_id TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    day       BIGINT NOT NULL,
    item      BIGINT NOT NULL,
    chosen    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day, item)
);
CREATE INDEX menu_daily_day_idx ON menu_daily (day);
