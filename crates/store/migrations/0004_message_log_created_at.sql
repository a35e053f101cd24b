-- The dashboard counts messages across tenants by time ("in the last 24 h").
CREATE INDEX message_log_created_idx ON message_log (created_at);
