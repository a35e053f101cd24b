//! The weekly digest: the figures of a business's week, who gets it, and
//! the links that turn it off.

use chrono::{DateTime, Utc};
use flowhq_domain::digest::Figures;
use flowhq_domain::entities::User;
use flowhq_domain::{TenantId, UserId};

use crate::rows::{RowExt, millis};
use crate::{Result, Store, Tx, users};

/// The preference row's kind: beside the alert kinds in `user_alert_pref`.
pub const DIGEST_PREF: &str = "WEEKLY_DIGEST";

impl Store {
    /// What `tenant`'s assistant did in `[from, to)`.
    pub async fn digest_figures(
        &self,
        tenant: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Figures> {
        let row = sqlx::query(
            "SELECT \
               COALESCE(SUM(CASE WHEN direction = 'INBOUND' THEN 1 ELSE 0 END), 0) AS received, \
               COALESCE(SUM(CASE WHEN direction = 'OUTBOUND' THEN 1 ELSE 0 END), 0) AS sent, \
               COALESCE(SUM(CASE WHEN direction = 'INBOUND' \
                 AND bot_decision IN ('AWAY', 'AWAY_ALREADY_SENT') THEN 1 ELSE 0 END), 0) AS after_hours, \
               COALESCE(SUM(CASE WHEN direction = 'INBOUND' \
                 AND bot_decision = 'HANDOFF' THEN 1 ELSE 0 END), 0) AS handoffs \
             FROM message_log WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(tenant.to_string())
        .bind(millis(from))
        .bind(millis(to))
        .fetch_one(self.pool())
        .await?;
        // The questions: customers' messages the assistant answered from
        // the menu or its answers, the same words counted together.
        let top: Vec<(String, i64)> = sqlx::query_as(
            "SELECT LOWER(TRIM(message_text)) AS q, COUNT(*) AS n FROM message_log \
             WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 \
             AND direction = 'INBOUND' AND bot_decision = 'ANSWER' \
             GROUP BY LOWER(TRIM(message_text)) ORDER BY n DESC, q LIMIT 3",
        )
        .bind(tenant.to_string())
        .bind(millis(from))
        .bind(millis(to))
        .fetch_all(self.pool())
        .await?;
        Ok(Figures {
            received: row.int("received")?,
            sent: row.int("sent")?,
            after_hours: row.int("after_hours")?,
            handoffs: row.int("handoffs")?,
            top_questions: top,
        })
    }

    /// The tenants whose owners get a digest (running or paused), with
    /// when each was created.
    pub async fn digest_tenants(&self) -> Result<Vec<(TenantId, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT id, created_at FROM tenant WHERE status IN ('ACTIVE', 'PAUSED') ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.parsed("id")?, row.time("created_at")?)))
            .collect()
    }

    /// `tenant`'s owners who did not turn the digest off.
    pub async fn digest_recipients(&self, tenant: TenantId) -> Result<Vec<User>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM app_user u WHERE u.role = 'OWNER' AND u.tenant_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM user_alert_pref p WHERE p.user_id = u.id \
             AND p.kind = '{DIGEST_PREF}' AND p.enabled = 0) ORDER BY u.id",
            user_columns!()
        )))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(users::from_row).collect()
    }

    pub async fn digest_enabled(&self, user: UserId) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT enabled FROM user_alert_pref WHERE user_id = $1 AND kind = $2")
                .bind(user.to_string())
                .bind(DIGEST_PREF)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.is_none_or(|(enabled,)| enabled != 0))
    }

    pub async fn set_digest_enabled(&self, user: UserId, enabled: bool) -> Result<()> {
        sqlx::query(
            "INSERT INTO user_alert_pref (user_id, kind, enabled) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled",
        )
        .bind(user.to_string())
        .bind(DIGEST_PREF)
        .bind(i64::from(enabled))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Keeps the hash of a digest mail's off-link token, with the mail.
    pub async fn create_digest_link_in(
        &self,
        tx: &mut Tx,
        token_hash: &str,
        user: UserId,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO digest_link (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(millis(Utc::now()))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Whose digest link this is (it works as long as the user exists).
    pub async fn digest_link_user(&self, token_hash: &str) -> Result<Option<UserId>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT user_id FROM digest_link WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
        row.map(|(id,)| {
            id.parse()
                .map_err(|_| crate::StoreError::Corrupt("digest_link.user_id".into()))
        })
        .transpose()
    }

    /// Whether a mail with this dedupe key was queued: the digest job asks
    /// before it counts a week it may already have sent.
    pub async fn mail_queued(&self, dedupe_key: &str) -> Result<bool> {
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM mail WHERE dedupe_key = $1")
            .bind(dedupe_key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }
}
