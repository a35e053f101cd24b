//! Login sessions. The store only sees token hashes; the HTTP layer makes
//! the tokens and sets the cookies.

use chrono::{DateTime, Duration, Utc};
use flowhq_domain::UserId;
use flowhq_domain::entities::User;
use sqlx::Row;

use crate::rows::{RowExt, millis};
use crate::{Result, Store, users};

#[derive(Clone, Debug)]
pub struct WebSession {
    pub user: User,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    pub async fn create_web_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let now = millis(Utc::now());
        sqlx::query(
            "INSERT INTO web_session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(csrf_token)
        .bind(now)
        .bind(millis(expires_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session for `token_hash`: not past its absolute expiry and
    /// seen within `idle`. Touches `last_seen_at` at most once a minute, so
    /// reads do not turn into a write per request.
    pub async fn web_session(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<WebSession>> {
        let now = Utc::now();
        let row = sqlx::query(concat!(
            "SELECT ws.csrf_token AS ws_csrf_token, ws.last_seen_at AS ws_last_seen_at, \
             ws.expires_at AS ws_expires_at, ",
            user_columns!(),
            " FROM web_session ws JOIN app_user u ON u.id = ws.user_id \
             WHERE ws.token_hash = $1 AND ws.expires_at > $2 AND ws.last_seen_at > $3"
        ))
        .bind(token_hash)
        .bind(millis(now))
        .bind(millis(now - idle))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = WebSession {
            user: users::from_row(&row)?,
            csrf_token: row.try_get("ws_csrf_token")?,
            last_seen_at: row.time("ws_last_seen_at")?,
            expires_at: row.time("ws_expires_at")?,
        };
        if now - session.last_seen_at > Duration::minutes(1) {
            sqlx::query("UPDATE web_session SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(millis(now))
                .bind(token_hash)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(session))
    }

    pub async fn delete_web_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM web_session WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes sessions past their absolute expiry or idle for longer than
    /// `idle`; returns how many.
    pub async fn purge_web_sessions(&self, idle: Duration) -> Result<u64> {
        let now = Utc::now();
        let result =
            sqlx::query("DELETE FROM web_session WHERE expires_at <= $1 OR last_seen_at <= $2")
                .bind(millis(now))
                .bind(millis(now - idle))
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected())
    }
}
