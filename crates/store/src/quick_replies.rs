//! A business's quick replies (see the `quick_replies` migration).

use chrono::Utc;
use flowhq_domain::inbox::{MAX_QUICK_REPLIES, QuickReply};
use flowhq_domain::media::Attachment;
use flowhq_domain::{QuickReplyId, TenantId};
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::{Result, Store, StoreError};

/// Why a quick reply was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveQuickReplyError {
    #[error("another quick reply has the shortcut /{0}")]
    ShortcutTaken(String),
    #[error("a business keeps at most {MAX_QUICK_REPLIES} quick replies")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn from_row(row: &AnyRow) -> Result<QuickReply> {
    Ok(QuickReply {
        id: row.parsed("id")?,
        shortcut: row.text("shortcut")?,
        text: row.text("message_text")?,
        media: row
            .text_opt("media_json")?
            .map(|json| serde_json::from_str::<Attachment>(&json))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("quick_reply.media_json: {e}")))?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

impl Store {
    /// `tenant`'s quick replies, by shortcut.
    pub async fn quick_replies(&self, tenant: TenantId) -> Result<Vec<QuickReply>> {
        sqlx::query(
            "SELECT id, shortcut, message_text, media_json FROM quick_reply \
             WHERE tenant_id = $1 ORDER BY shortcut",
        )
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(from_row)
        .collect()
    }

    /// One of `tenant`'s quick replies; `None` for another tenant's.
    pub async fn quick_reply(
        &self,
        tenant: TenantId,
        id: QuickReplyId,
    ) -> Result<Option<QuickReply>> {
        sqlx::query(
            "SELECT id, shortcut, message_text, media_json FROM quick_reply \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
    }

    /// Saves a new quick reply (a checked one: its shortcut tidied).
    pub async fn create_quick_reply(
        &self,
        tenant: TenantId,
        reply: &QuickReply,
    ) -> Result<QuickReply, SaveQuickReplyError> {
        let mut tx = self.begin().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM quick_reply WHERE tenant_id = $1")
                .bind(tenant.to_string())
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        if count >= MAX_QUICK_REPLIES as i64 {
            return Err(SaveQuickReplyError::TooMany);
        }
        let now = millis(Utc::now());
        let inserted = sqlx::query(
            "INSERT INTO quick_reply (id, tenant_id, shortcut, message_text, media_json, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(reply.id.to_string())
        .bind(tenant.to_string())
        .bind(&reply.shortcut)
        .bind(&reply.text)
        .bind(
            reply
                .media
                .as_ref()
                .map(|m| serde_json::to_string(m).unwrap_or_default()),
        )
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                Err(SaveQuickReplyError::ShortcutTaken(reply.shortcut.clone()))
            }
            Err(e) => Err(StoreError::from(e).into()),
            Ok(_) => {
                tx.commit().await.map_err(StoreError::from)?;
                Ok(reply.clone())
            }
        }
    }

    /// Forgets one of `tenant`'s quick replies; whether it was there.
    pub async fn delete_quick_reply(&self, tenant: TenantId, id: QuickReplyId) -> Result<bool> {
        let result = sqlx::query("DELETE FROM quick_reply WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected() == 1)
    }
}
