-- The weekly digest (issue 22). Whether an owner gets it is a row in
-- user_alert_pref (kind 'WEEKLY_DIGEST'), like the alert kinds. Each
-- digest mail carries a link that turns it off without logging in; only
-- the SHA-256 of the link's token is kept.
CREATE TABLE digest_link (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX digest_link_user_idx ON digest_link (user_id);
