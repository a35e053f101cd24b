-- Server-side login sessions, so they survive restarts and work across
-- replicas. The cookie carries a random token; only its SHA-256 is stored,
-- so a copy of the database does not hold live sessions.
CREATE TABLE web_session (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX web_session_user_idx ON web_session (user_id);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);
