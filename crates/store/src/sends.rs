//! Texts waiting to be handed to a tenant's worker (see the `worker_send`
//! migration): queued by the inbox and the send API, handed over on the
//! worker link, kept [`HANDED_RETENTION`] once the worker has them in its
//! outbox, then forgotten.

use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;

use crate::rows::{RowExt, millis};
use crate::{Result, Store};

/// How many waiting sends a worker gets at once when it connects; the rest
/// follow one by one as commands.
pub const WELCOME_SENDS: u32 = 500;

/// How long a send is kept after the worker had it (for a look at what
/// went out, and as long as a worker remembers a command id).
pub const HANDED_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(14);

/// A text for the worker to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedSend {
    /// A UUID: the idempotency key in the worker's outbox and on the network.
    pub id: String,
    pub to: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Keeps `send` for `tenant`'s worker until it acknowledges it.
    pub async fn queue_send(&self, tenant: TenantId, send: &QueuedSend) -> Result<()> {
        sqlx::query(
            "INSERT INTO worker_send (id, tenant_id, to_number, message_text, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&send.id)
        .bind(tenant.to_string())
        .bind(&send.to)
        .bind(&send.text)
        .bind(millis(send.created_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The sends `tenant`'s worker has not acknowledged, oldest first.
    pub async fn waiting_sends(&self, tenant: TenantId, limit: u32) -> Result<Vec<QueuedSend>> {
        let sql = format!(
            "SELECT id, to_number, message_text, created_at FROM worker_send \
             WHERE tenant_id = $1 AND handed_at IS NULL ORDER BY created_at, id {}",
            crate::placeholders::limit(limit)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(QueuedSend {
                    id: row.text("id")?,
                    to: row.text("to_number")?,
                    text: row.text("message_text")?,
                    created_at: row.time("created_at")?,
                })
            })
            .collect()
    }

    /// Forgets sends handed over before `before`; those still waiting stay.
    pub async fn prune_handed_sends(&self, before: DateTime<Utc>) -> Result<u64> {
        let result =
            sqlx::query("DELETE FROM worker_send WHERE handed_at IS NOT NULL AND handed_at < $1")
                .bind(millis(before))
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected())
    }

    /// The worker has `id` in its outbox. Returns whether it was one of
    /// `tenant`'s sends still waiting (a repeated acknowledgement is not).
    pub async fn send_handed_over(&self, tenant: TenantId, id: &str) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE worker_send SET handed_at = $1 \
             WHERE id = $2 AND tenant_id = $3 AND handed_at IS NULL",
        )
        .bind(millis(Utc::now()))
        .bind(id)
        .bind(tenant.to_string())
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
