-- One index for a conversation instead of one per end of it. A message's
-- customer (its peer) is who wrote it for an inbound message and whom it
-- went to otherwise; the two indexes on (tenant_id, from_number) and
-- (tenant_id, to_number) each held every message, where a conversation
-- needs one side of each. One fewer index to update for every message
-- logged, and a chat's page is one range of this index instead of the
-- newest of two. The expression is spelled as the queries spell it
-- (`message_peer!` in `src/columns.rs`): both databases match an indexed
-- expression by its form.
CREATE INDEX message_log_peer_idx ON message_log
    (tenant_id, (CASE direction WHEN 'INBOUND' THEN from_number ELSE to_number END), created_at);
DROP INDEX message_log_tenant_from_idx;
DROP INDEX message_log_tenant_to_idx;
