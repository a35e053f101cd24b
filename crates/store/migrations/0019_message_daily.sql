-- Messages per business and UTC day, for the charts (issue 19): a page
-- reads a few dozen of these rows instead of counting up to a month of
-- message_log. Recounted from message_log by the leader every minute for
-- the last days; days before `rolled_through` are final.
CREATE TABLE message_daily (
    tenant_id   TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    -- Days since 1970-01-01, UTC.
    day         BIGINT NOT NULL,
    inbound     BIGINT NOT NULL,
    outbound    BIGINT NOT NULL,
    -- Inbound messages the bot answered (WELCOME, ANSWER, FALLBACK, AWAY,
    -- HANDOFF), that came while closed (AWAY, AWAY_ALREADY_SENT), and that
    -- asked for a person (HANDOFF).
    answered    BIGINT NOT NULL,
    after_hours BIGINT NOT NULL,
    handoffs    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day)
);
CREATE INDEX message_daily_day_idx ON message_daily (day);

-- The last day counted after it ended; the pages count later days live.
CREATE TABLE message_daily_mark (
    id             BIGINT PRIMARY KEY CHECK (id = 1),
    rolled_through BIGINT NOT NULL
);
