//! The message log: every message a tenant's bot saw or sent.

use chrono::{DateTime, Utc};
use flowhq_domain::entities::MessageLog;
use flowhq_domain::protocol::{LoggedMessage, Receipt};
use flowhq_domain::webhooks;
use flowhq_domain::{DeliveryStatus, Direction, LoggedDecision, MessageLogId, TenantId};
use sqlx::any::AnyRow;

use crate::receipts::Receipted;
use crate::rows::{RowExt, millis};
use crate::writer::{Param, Statement};
use crate::{Page, Result, Store};

/// What logging a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Logged {
    /// Messages new to the log (the others were logged before).
    pub inserted: u64,
    /// Webhook deliveries queued for them: none when no endpoint of the
    /// tenant's (or the operator's) subscribes, so the sender need not look.
    pub webhooks_queued: u64,
}

/// What logging a worker's batch did, its messages and its receipts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shipped {
    pub logged: Logged,
    pub receipted: Receipted,
}

/// The statements that log a batch of messages.
struct LogStatements {
    tenant: TenantId,
    /// The logs, one multi-row statement per run: a batch is usually one.
    inserts: Vec<Statement>,
    /// The conversations they belong to, and who wrote the inbox's.
    contacts: Vec<Statement>,
    /// The messages and their new ids, for their webhook events: built only
    /// in a unit that found an endpoint to queue them for.
    messages: Vec<LoggedMessage>,
    ids: Vec<MessageLogId>,
}

impl LogStatements {
    fn new(tenant: TenantId, messages: &[LoggedMessage]) -> Self {
        let ids: Vec<MessageLogId> = messages.iter().map(|_| MessageLogId::new()).collect();
        Self {
            tenant,
            inserts: crate::placeholders::runs(messages.len())
                .map(|run| insert_logs(tenant, &messages[run.clone()], &ids[run]))
                .collect(),
            contacts: crate::contacts::log_statements(tenant, messages, &ids),
            messages: messages.to_vec(),
            ids,
        }
    }

    /// The statements that queue each message's webhook events, to run
    /// after the inserts: a message skipped as already logged queues none
    /// (see `queue_statements`).
    fn queues(&self) -> Vec<Statement> {
        let events: Vec<_> = self
            .messages
            .iter()
            .zip(&self.ids)
            .flat_map(|(message, id)| {
                webhooks::message_events(self.tenant, *id, message)
                    .into_iter()
                    .map(|event| crate::webhooks::Queued {
                        event,
                        message: Some(id.to_string()),
                        behind: None,
                    })
            })
            .collect();
        crate::webhooks::queue_statements(self.tenant, &events, Utc::now())
    }
}

impl Store {
    /// Logs a batch of messages for one tenant. Idempotent: a message already
    /// logged (same tenant, direction and WhatsApp id) is skipped, so a
    /// worker may resend a batch it is unsure about. Returns how many rows
    /// were new, and how many webhook deliveries the batch queued.
    pub async fn log_messages(
        &self,
        tenant: TenantId,
        messages: &[LoggedMessage],
    ) -> Result<Logged> {
        Ok(self.log_batch(tenant, messages, &[]).await?.logged)
    }

    /// A worker's batch as one unit of work: its messages as
    /// [`Store::log_messages`] logs them, then its receipts as
    /// [`Store::apply_receipts`] applies them (they may name the batch's
    /// own messages). On SQLite the whole unit runs on the group-commit
    /// writer's connection, reads included: one turn of the writer, no
    /// pool connection. On PostgreSQL it is one transaction.
    pub async fn log_batch(
        &self,
        tenant: TenantId,
        messages: &[LoggedMessage],
        receipts: &[Receipt],
    ) -> Result<Shipped> {
        if messages.is_empty() && receipts.is_empty() {
            return Ok(Shipped::default());
        }
        let logs = LogStatements::new(tenant, messages);
        // Webhook events are built only for a tenant with an endpoint that
        // may want them (the tenant's, or an operator's): most have none,
        // and their payloads' JSON showed in profiles for nothing.
        if let Some(writer) = &self.writer {
            let receipts = receipts.to_vec();
            return writer
                .run(move |conn| {
                    let hooked = crate::webhooks::hooked_on(conn, tenant)?;
                    let inserted = crate::writer::execute_all(conn, &logs.inserts)?;
                    let queued = if hooked {
                        crate::writer::execute_all(conn, &logs.queues())?
                    } else {
                        Vec::new()
                    };
                    crate::writer::execute_all(conn, &logs.contacts)?;
                    Ok(Shipped {
                        logged: Logged {
                            inserted: inserted.iter().sum(),
                            webhooks_queued: queued.iter().sum(),
                        },
                        receipted: crate::receipts::apply_on(conn, tenant, &receipts, hooked)?,
                    })
                })
                .await;
        }
        let mut tx = self.begin().await?;
        let hooked = crate::webhooks::hooked_in(&mut tx, tenant).await?;
        let mut logged = Logged::default();
        for statement in &logs.inserts {
            logged.inserted += statement.sqlx().execute(&mut *tx).await?.rows_affected();
        }
        if hooked {
            for statement in &logs.queues() {
                logged.webhooks_queued += statement.sqlx().execute(&mut *tx).await?.rows_affected();
            }
        }
        for statement in &logs.contacts {
            statement.sqlx().execute(&mut *tx).await?;
        }
        let receipted = crate::receipts::apply_in(&mut tx, tenant, receipts, hooked).await?;
        tx.commit().await?;
        Ok(Shipped { logged, receipted })
    }

    /// A tenant's messages, newest first; `before` is the cursor of the
    /// previous page.
    pub async fn list_messages(
        &self,
        tenant: TenantId,
        limit: u32,
        before: Option<MessageLogId>,
    ) -> Result<Page<MessageLog>> {
        let limit = limit.clamp(1, 500);
        // Ordering by (created_at, id) uses the (tenant_id, created_at) index;
        // the cursor is a message id, resolved to its position.
        let rows = match before {
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    concat!(
                        "SELECT ",
                        message_columns!(),
                        " FROM message_log m WHERE m.tenant_id = $1 \
                         ORDER BY m.created_at DESC, m.id DESC {}"
                    ),
                    crate::placeholders::limit(limit + 1)
                )))
                .bind(tenant.to_string())
                .fetch_all(self.pool())
                .await?
            }
            Some(cursor) => {
                let (position, older) = older_than(2);
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    concat!(
                        "SELECT ",
                        message_columns!(),
                        " FROM message_log m{} WHERE m.tenant_id = $1{} \
                         ORDER BY m.created_at DESC, m.id DESC {}"
                    ),
                    position,
                    older,
                    crate::placeholders::limit(limit + 1)
                )))
                .bind(tenant.to_string())
                .bind(cursor.to_string())
                .fetch_all(self.pool())
                .await?
            }
        };
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |m| m.id.to_string()))
    }

    /// `tenant`'s messages to and from the number `contact`, newest
    /// first; `before` is the cursor of the previous page.
    pub async fn list_contact_messages(
        &self,
        tenant: TenantId,
        contact: &str,
        limit: u32,
        before: Option<MessageLogId>,
    ) -> Result<Page<MessageLog>> {
        let limit = limit.clamp(1, 500);
        // One range of the peer index, (tenant_id, peer, created_at), read
        // newest first up to the page. (An OR of `from_number` and
        // `to_number` in one WHERE let the planner walk the tenant's whole
        // log by date: 400 ms a page at a million messages.)
        let (position, older) = if before.is_some() {
            older_than(3)
        } else {
            (String::new(), String::new())
        };
        let sql = format!(
            concat!(
                "SELECT ",
                message_columns!(),
                " FROM message_log m{} WHERE m.tenant_id = $1 AND ",
                message_peer!("m"),
                " = $2{} ORDER BY m.created_at DESC, m.id DESC {}"
            ),
            position,
            older,
            crate::placeholders::limit(limit + 1)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.to_string())
            .bind(contact);
        if let Some(id) = before {
            query = query.bind(id.to_string());
        }
        let rows = query.fetch_all(self.pool()).await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |m| m.id.to_string()))
    }

    /// `tenant`'s messages logged in `[from, to)`, oldest first, `limit` at
    /// a time: the page after `after` (the last message of the previous
    /// page, by time and id). For exports.
    pub async fn messages_between(
        &self,
        tenant: TenantId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<(DateTime<Utc>, MessageLogId)>,
        limit: u32,
    ) -> Result<Vec<MessageLog>> {
        let (after_at, after_id) = after.map_or((millis(from) - 1, String::new()), |(at, id)| {
            (millis(at), id.to_string())
        });
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT ",
                message_columns!(),
                " FROM message_log m WHERE m.tenant_id = $1 AND m.created_at >= $2 \
                 AND m.created_at < $3 AND (m.created_at > $4 OR (m.created_at = $4 AND m.id > $5)) \
                 ORDER BY m.created_at, m.id {}"
            ),
            crate::placeholders::limit(limit.clamp(1, 10_000))
        )))
        .bind(tenant.to_string())
        .bind(millis(from))
        .bind(millis(to))
        .bind(after_at)
        .bind(after_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// All logged messages by direction, (inbound, outbound): metrics.
    pub async fn count_messages_by_direction(&self) -> Result<(i64, i64)> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT direction, COUNT(*) FROM message_log GROUP BY direction")
                .fetch_all(self.pool())
                .await?;
        let count = |d: &str| rows.iter().find(|(dir, _)| dir == d).map_or(0, |(_, n)| *n);
        Ok((count("INBOUND"), count("OUTBOUND")))
    }
}

fn insert_logs(tenant: TenantId, messages: &[LoggedMessage], ids: &[MessageLogId]) -> Statement {
    let sql = format!(
        "INSERT INTO message_log (id, tenant_id, direction, from_number, to_number, \
         message_text, wa_message_id, bot_decision, reply_to, created_at, media_json, \
         menu_item, status) \
         VALUES {} ON CONFLICT (tenant_id, direction, wa_message_id) DO NOTHING",
        crate::placeholders::rows(1, messages.len(), 13)
    );
    let tenant = tenant.to_string();
    let mut params: Vec<Param> = Vec::with_capacity(messages.len() * 13);
    for (message, id) in messages.iter().zip(ids) {
        params.extend([
            id.to_string().into(),
            tenant.as_str().into(),
            message.direction.as_str().into(),
            message.from_number.as_str().into(),
            message.to_number.as_str().into(),
            message.message_text.as_str().into(),
            message.wa_message_id.as_str().into(),
            message.bot_decision.map(LoggedDecision::as_str).into(),
            message.reply_to.as_deref().into(),
            millis(message.created_at).into(),
            message
                .media
                .as_ref()
                // Plain data: serializing it cannot fail.
                .map(|media| serde_json::to_string(media).unwrap_or_default())
                .as_deref()
                .into(),
            message.menu_item.map(i64::from).into(),
            (message.direction == Direction::Outbound)
                .then_some(DeliveryStatus::Sent.as_str())
                .into(),
        ]);
    }
    Statement::new(sql, params)
}

/// A page's cursor, the message id bound as `$n` of a query on
/// `message_log m` (with the tenant as `$1`): a join that looks up the
/// message's position, and the condition for the messages before it by
/// (created_at, id). The condition's first term bounds the range an index
/// on `created_at` reads; the second skips the cursor's equals.
fn older_than(n: usize) -> (String, String) {
    (
        format!(", (SELECT created_at, id FROM message_log WHERE tenant_id = $1 AND id = ${n}) k"),
        " AND m.created_at <= k.created_at AND (m.created_at < k.created_at OR m.id < k.id)"
            .to_owned(),
    )
}

fn from_row(row: &AnyRow) -> Result<MessageLog> {
    Ok(MessageLog {
        id: row.parsed("m_id")?,
        tenant_id: row.parsed("m_tenant_id")?,
        direction: row.parsed("m_direction")?,
        from_number: row.text("m_from_number")?,
        to_number: row.text("m_to_number")?,
        message_text: row.text("m_message_text")?,
        wa_message_id: row.text("m_wa_message_id")?,
        bot_decision: row.parsed_opt("m_bot_decision")?,
        reply_to: row.text_opt("m_reply_to")?,
        media: row
            .text_opt("m_media_json")?
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| crate::StoreError::Corrupt(format!("message_log.media_json: {e}")))?,
        sent_by: row.parsed_opt("m_sent_by")?,
        delivery: row.parsed_opt("m_status")?,
        contact_id: row.parsed_opt("m_contact_id")?,
        created_at: row.time("m_created_at")?,
    })
}
