//! Delivery receipts: how far the business's messages got (DELIVERED to
//! the phone, READ, FAILED), as the network reports it through the worker.

use chrono::{DateTime, Utc};
use flowhq_domain::protocol::Receipt;
use flowhq_domain::{ContactId, DeliveryStatus, MessageLogId, TenantId, webhooks};

use crate::rows::RowExt;
use crate::webhooks::Queued;
use crate::writer::Statement;
use crate::{Result, Store};

/// A message that moved forward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryChange {
    pub message_id: MessageLogId,
    pub wa_message_id: String,
    /// The customer it went to, and their contact (`None` when gone).
    pub to: String,
    pub contact_id: Option<ContactId>,
    pub delivery: DeliveryStatus,
    pub at: DateTime<Utc>,
}

/// How far a delivery got, in SQL, as [`DeliveryStatus::rank`] ranks it
/// (a message with no status yet is SENT).
pub(crate) fn delivery_rank(column: &str) -> String {
    format!(
        "(CASE COALESCE({column}, 'SENT') WHEN 'FAILED' THEN 1 WHEN 'DELIVERED' THEN 2 \
         WHEN 'READ' THEN 3 ELSE 0 END)"
    )
}

/// What applying a batch of receipts did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipted {
    /// The messages that moved forward, in the order their receipts came.
    pub changes: Vec<DeliveryChange>,
    /// `message.status` deliveries queued for them: none when no endpoint
    /// subscribes, so the sender need not look.
    pub webhooks_queued: u64,
}

/// An outbound message a receipt names, as the log holds it.
struct Named {
    id: MessageLogId,
    wa_message_id: String,
    to: String,
    contact_id: Option<ContactId>,
    delivery: DeliveryStatus,
}

impl Store {
    /// Moves the outbound messages `receipts` name forward, never back (a
    /// receipt may come late, twice, or after a later one), and queues a
    /// `message.status` webhook for each move, in one unit of work. A
    /// receipt for a message not logged (another device's, or older than
    /// the log) changes nothing. Returns the moves that happened.
    ///
    /// The messages are read first, off the write path; the moves then go
    /// through [`Store::write`] with the log batches (on SQLite the group-
    /// commit writer, the one path for the hot writes). Each move and its
    /// webhook are guarded by the rank they move from, so a receipt that
    /// another overtook between the read and the write moves nothing. (On
    /// PostgreSQL, two units naming one message at the same instant, a
    /// worker's old and new connection, could both queue its event; the
    /// webhooks are delivered at least once anyway.)
    pub async fn apply_receipts(
        &self,
        tenant: TenantId,
        receipts: &[Receipt],
    ) -> Result<Receipted> {
        // Where each message named stands now, read off the write path.
        let mut logged: Vec<Named> = Vec::new();
        for run in crate::placeholders::runs(receipts.len()) {
            let chunk = &receipts[run];
            let sql = format!(
                "SELECT m.id AS id, m.wa_message_id AS wa_message_id, m.to_number AS to_number, \
                 m.status AS status, (SELECT c.id FROM contact c \
                   WHERE c.tenant_id = m.tenant_id AND c.wa_id = m.to_number) AS contact_id \
                 FROM message_log m WHERE m.tenant_id = $1 AND m.direction = 'OUTBOUND' \
                 AND m.wa_message_id IN ({})",
                crate::placeholders::list(2, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.to_string());
            for receipt in chunk {
                query = query.bind(receipt.wa_message_id.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                let id: MessageLogId = row.parsed("id")?;
                if logged.iter().any(|l| l.id == id) {
                    continue;
                }
                logged.push(Named {
                    id,
                    wa_message_id: row.text("wa_message_id")?,
                    to: row.text("to_number")?,
                    contact_id: row.parsed_opt("contact_id")?,
                    delivery: row.parsed_opt("status")?.unwrap_or(DeliveryStatus::Sent),
                });
            }
        }
        // The receipts in the order they came, each a move if it is further.
        let mut moves = Vec::new();
        for receipt in receipts {
            for message in logged
                .iter_mut()
                .filter(|l| l.wa_message_id == receipt.wa_message_id)
            {
                if !message.delivery.advances_to(receipt.delivery) {
                    continue;
                }
                message.delivery = receipt.delivery;
                moves.push(DeliveryChange {
                    message_id: message.id,
                    wa_message_id: receipt.wa_message_id.clone(),
                    to: message.to.clone(),
                    contact_id: message.contact_id,
                    delivery: receipt.delivery,
                    at: receipt.at,
                });
            }
        }
        if moves.is_empty() {
            return Ok(Receipted::default());
        }
        // The moves' events, each guarded by the rank its move starts from
        // (checked before any move of the unit, so two moves of one message
        // in one batch both announce themselves), then the moves.
        let queued: Vec<Queued> = moves
            .iter()
            .map(|m| Queued {
                event: webhooks::status_event(
                    tenant,
                    m.message_id,
                    &m.wa_message_id,
                    &m.to,
                    m.delivery,
                    m.at,
                ),
                message: Some(m.message_id.to_string()),
                behind: Some(i64::from(m.delivery.rank())),
            })
            .collect();
        let mut statements = crate::webhooks::queue_statements(tenant, &queued, Utc::now());
        let queues = statements.len();
        let update = format!(
            "UPDATE message_log SET status = $1 WHERE id = $2 AND {} < $3",
            delivery_rank("status")
        );
        statements.extend(moves.iter().map(|m| {
            Statement::new(
                update.clone(),
                vec![
                    m.delivery.as_str().into(),
                    m.message_id.to_string().into(),
                    i64::from(m.delivery.rank()).into(),
                ],
            )
        }));
        let affected = self.write(statements).await?;
        // The queues first, then the moves, one each.
        let moved = &affected[queues..];
        Ok(Receipted {
            changes: moves
                .into_iter()
                .zip(moved)
                .filter(|(_, n)| **n > 0)
                .map(|(m, _)| m)
                .collect(),
            webhooks_queued: affected[..queues].iter().sum(),
        })
    }
}
