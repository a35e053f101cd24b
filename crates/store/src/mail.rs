//! The durable mail queue. Mails are queued already rendered; the sender
//! (on the leader replica) claims the due ones, delivers them and marks
//! them sent or due again later.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::rows::{RowExt, millis};
use crate::{Page, Result, Store, Tx};

/// Where a mail is in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailStatus {
    /// Waiting to be sent (again).
    Queued,
    Sent,
    /// Given up on after the last retry.
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "QUEUED",
            Self::Sent => "SENT",
            Self::Failed => "FAILED",
        }
    }
}

impl std::str::FromStr for MailStatus {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "QUEUED" => Ok(Self::Queued),
            "SENT" => Ok(Self::Sent),
            "FAILED" => Ok(Self::Failed),
            other => Err(format!("{other:?} is not one of QUEUED SENT FAILED")),
        }
    }
}

/// A mail to queue, already in its recipient's language.
#[derive(Clone, Debug)]
pub struct NewMail {
    pub to: String,
    /// What the mail is about (`password_reset`, `alert_opened`, …), for
    /// the console and the logs.
    pub kind: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Queueing a second mail with the same key does nothing.
    pub dedupe_key: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Mail {
    pub id: Uuid,
    pub to: String,
    pub kind: String,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    #[serde(skip)]
    pub html: String,
    pub status: MailStatus,
    pub attempts: i64,
    /// When the sender tries next (QUEUED only).
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// `smtp`, or the `.eml` file's name in `<data dir>/mail/`.
    pub delivered_to: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, to_address, kind, subject, body_text, body_html, status, attempts, \
                       next_attempt_at, last_error, delivered_to, created_at, sent_at";

impl Store {
    /// Queues a mail, due now. `Ok(false)` when its dedupe key was already
    /// queued.
    pub async fn enqueue_mail(&self, mail: &NewMail) -> Result<bool> {
        let mut tx = self.begin().await?;
        let queued = self.enqueue_mail_in(&mut tx, mail).await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// [`Store::enqueue_mail`] inside the caller's transaction, so that a
    /// mail is queued exactly when what it tells about is committed.
    pub async fn enqueue_mail_in(&self, tx: &mut Tx, mail: &NewMail) -> Result<bool> {
        if let Some(key) = &mail.dedupe_key {
            let seen: Option<(String,)> =
                sqlx::query_as("SELECT id FROM mail WHERE dedupe_key = $1")
                    .bind(key)
                    .fetch_optional(&mut **tx)
                    .await?;
            if seen.is_some() {
                return Ok(false);
            }
        }
        let now = millis(Utc::now());
        sqlx::query(
            "INSERT INTO mail (id, to_address, kind, subject, body_text, body_html, dedupe_key, \
             status, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'QUEUED', 0, $8, $8)",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(&mail.to)
        .bind(&mail.kind)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .bind(mail.dedupe_key.as_deref())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(true)
    }

    /// Claims up to `limit` due mails for `lease`: each is counted as an
    /// attempt and not due again until the lease ends, so two senders (a
    /// leader and its successor) never hold the same mail at once, and a
    /// sender that dies mid-send leaves it due again later.
    pub async fn claim_due_mails(&self, limit: u32, lease: Duration) -> Result<Vec<Mail>> {
        let now = Utc::now();
        let candidates: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM mail WHERE status = 'QUEUED' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id {}",
            crate::placeholders::limit(limit)
        )))
        .bind(millis(now))
        .fetch_all(self.pool())
        .await?;
        let mut claimed = Vec::with_capacity(candidates.len());
        for (id,) in candidates {
            // Conditional on still being due: whoever updates first owns it.
            let won = sqlx::query(
                "UPDATE mail SET next_attempt_at = $1, attempts = attempts + 1 \
                 WHERE id = $2 AND status = 'QUEUED' AND next_attempt_at <= $3",
            )
            .bind(millis(now + lease))
            .bind(&id)
            .bind(millis(now))
            .execute(self.pool())
            .await?
            .rows_affected()
                == 1;
            if won {
                claimed.push(self.mail(&id).await?);
            }
        }
        Ok(claimed)
    }

    pub async fn mark_mail_sent(&self, id: Uuid, delivered_to: &str) -> Result<()> {
        sqlx::query(
            "UPDATE mail SET status = 'SENT', sent_at = $1, delivered_to = $2, last_error = NULL \
             WHERE id = $3",
        )
        .bind(millis(Utc::now()))
        .bind(delivered_to)
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a failed attempt: due again at `retry_at`, or FAILED for good
    /// when `None`.
    pub async fn mark_mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let (status, next) = match retry_at {
            Some(at) => ("QUEUED", at),
            None => ("FAILED", Utc::now()),
        };
        sqlx::query(
            "UPDATE mail SET status = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(millis(next))
        .bind(error)
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn mail(&self, id: &str) -> Result<Mail> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM mail WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        crate::rows::found(row, from_row, "mail")
    }

    /// The queue, newest first; `cursor` is the last id of the previous page.
    pub async fn list_mails(
        &self,
        status: Option<MailStatus>,
        limit: u32,
        cursor: Option<Uuid>,
    ) -> Result<Page<Mail>> {
        let limit = limit.clamp(1, 200);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM mail WHERE ($1 IS NULL OR status = $1) \
             AND ($2 IS NULL OR id < $2) ORDER BY id DESC {}",
            crate::placeholders::limit(limit + 1)
        )))
        .bind(status.map(MailStatus::as_str))
        .bind(cursor.map(|c| c.to_string()))
        .fetch_all(self.pool())
        .await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |m| m.id.to_string()))
    }
}

fn from_row(row: &AnyRow) -> Result<Mail> {
    Ok(Mail {
        id: row.parsed("id")?,
        to: row.text("to_address")?,
        kind: row.text("kind")?,
        subject: row.text("subject")?,
        text: row.text("body_text")?,
        html: row.text("body_html")?,
        status: row.parsed("status")?,
        attempts: row.int("attempts")?,
        next_attempt_at: row.time("next_attempt_at")?,
        last_error: row.text_opt("last_error")?,
        delivered_to: row.text_opt("delivered_to")?,
        created_at: row.time("created_at")?,
        sent_at: row.time_opt("sent_at")?,
    })
}
