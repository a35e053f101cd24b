-- Texts to send through a tenant's worker (the owner inbox and the send
-- API go through here). A send is kept until the worker has written it to
-- its outbox and said so; a worker that was offline gets the ones still
-- waiting when it connects. The id is the message's idempotency key in the
-- worker's outbox and on the network, so a command that comes twice (its
-- acknowledgement was lost) still sends once.
CREATE TABLE worker_send (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    to_number     TEXT NOT NULL,
    message_text  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    -- when the worker acknowledged it: NULL while it waits
    handed_at     BIGINT
);
CREATE INDEX worker_send_waiting_idx ON worker_send (tenant_id, handed_at, created_at);
