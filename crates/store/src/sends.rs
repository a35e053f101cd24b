//! Texts waiting to be handed to a tenant's worker (see the `worker_send`
//! migration): queued by the inbox and the send API, handed over on the
//! worker link, kept [`HANDED_RETENTION`] once the worker has them in its
//! outbox, then forgotten.

use chrono::{DateTime, Utc};
use flowhq_domain::media::Attachment;
use flowhq_domain::{ApiKeyId, TenantId, UserId};

use crate::rows::{RowExt, millis};
use crate::writer::Statement;
use crate::{Result, Store, StoreError, Tx};

fn to_json(media: &Attachment) -> String {
    serde_json::to_string(media).expect("an attachment always serializes")
}

fn from_json(json: &str) -> Result<Attachment> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("worker_send.media_json {json:?}: {e}")))
}

/// How many waiting sends a worker gets at once when it connects; the rest
/// follow one by one as commands.
pub const WELCOME_SENDS: u32 = 500;

/// How long a send is kept after the worker had it (for a look at what
/// went out, and as long as a worker remembers a command id).
pub const HANDED_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(14);

/// A text (or a file, the text its caption) for the worker to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedSend {
    /// A UUID: the idempotency key in the worker's outbox and on the network.
    pub id: String,
    pub to: String,
    pub text: String,
    pub media: Option<Attachment>,
    /// The person who wrote it in the inbox; `None` for the API's sends.
    /// A person's send keeps the bot out of that chat for a while.
    pub sent_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl QueuedSend {
    /// A new send under a fresh id (a UUID v7).
    pub fn new(
        to: impl Into<String>,
        text: impl Into<String>,
        media: Option<Attachment>,
        sent_by: Option<UserId>,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            to: to.into(),
            text: text.into(),
            media,
            sent_by,
            created_at: Utc::now(),
        }
    }
}

impl Store {
    /// Keeps `send` for `tenant`'s worker until it acknowledges it.
    pub async fn queue_send(&self, tenant: TenantId, send: &QueuedSend) -> Result<()> {
        let mut tx = self.begin().await?;
        self.queue_send_in(&mut tx, tenant, send, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// [`Store::queue_send`] in `tx`; `api_key` is the key that asked for
    /// it through the public API (its sends a minute are counted).
    pub async fn queue_send_in(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        send: &QueuedSend,
        api_key: Option<ApiKeyId>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO worker_send (id, tenant_id, to_number, message_text, created_at, \
             media_json, api_key_id, sent_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&send.id)
        .bind(tenant.to_string())
        .bind(&send.to)
        .bind(&send.text)
        .bind(millis(send.created_at))
        .bind(send.media.as_ref().map(to_json))
        .bind(api_key.map(|k| k.to_string()))
        .bind(send.sent_by.map(|u| u.to_string()))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The sends `tenant`'s worker has not acknowledged, oldest first.
    pub async fn waiting_sends(&self, tenant: TenantId, limit: u32) -> Result<Vec<QueuedSend>> {
        self.waiting(tenant, None, limit).await
    }

    /// [`Store::waiting_sends`], of those to `to` only when given.
    async fn waiting(
        &self,
        tenant: TenantId,
        to: Option<&str>,
        limit: u32,
    ) -> Result<Vec<QueuedSend>> {
        let sql = format!(
            "SELECT id, to_number, message_text, media_json, sent_by, created_at FROM worker_send \
             WHERE tenant_id = $1 AND handed_at IS NULL {} ORDER BY created_at, id {}",
            if to.is_some() {
                "AND to_number = $2"
            } else {
                ""
            },
            crate::placeholders::limit(limit)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.to_string());
        if let Some(to) = to {
            query = query.bind(to.to_owned());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(QueuedSend {
                    id: row.text("id")?,
                    to: row.text("to_number")?,
                    text: row.text("message_text")?,
                    media: row
                        .text_opt("media_json")?
                        .map(|json| from_json(&json))
                        .transpose()?,
                    sent_by: row.parsed_opt("sent_by")?,
                    created_at: row.time("created_at")?,
                })
            })
            .collect()
    }

    /// `tenant`'s sends to `to` its worker does not have yet, oldest first.
    pub async fn waiting_sends_to(&self, tenant: TenantId, to: &str) -> Result<Vec<QueuedSend>> {
        self.waiting(tenant, Some(to), WELCOME_SENDS).await
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
        // Every acknowledged command comes here (the caller cannot tell a
        // send's id from another command's): through the group-commit
        // writer on SQLite, so that it never holds a pool connection while
        // it waits for the write lock.
        let affected = self
            .write(vec![Statement::new(
                "UPDATE worker_send SET handed_at = $1 \
                 WHERE id = $2 AND tenant_id = $3 AND handed_at IS NULL",
                vec![
                    millis(Utc::now()).into(),
                    id.into(),
                    tenant.to_string().into(),
                ],
            )])
            .await?;
        Ok(affected == [1])
    }
}
