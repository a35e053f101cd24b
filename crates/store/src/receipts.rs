//! Delivery receipts: how far the business's messages got (DELIVERED to
//! the phone, READ, FAILED), as the network reports it through the worker.

use chrono::{DateTime, Utc};
use flowhq_domain::protocol::Receipt;
use flowhq_domain::{ContactId, DeliveryStatus, MessageLogId, TenantId, webhooks};
use sqlx::Row;

use crate::{Result, Store, StoreError};

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

impl Store {
    /// Moves the outbound messages `receipts` name forward, never back (a
    /// receipt may come late, twice, or after a later one), and queues a
    /// `message.status` webhook for each move, in one transaction. A
    /// receipt for a message not logged (another device's, or older than
    /// the log) changes nothing. Returns the moves.
    pub async fn apply_receipts(
        &self,
        tenant: TenantId,
        receipts: &[Receipt],
    ) -> Result<Vec<DeliveryChange>> {
        let mut changes = Vec::new();
        if receipts.is_empty() {
            return Ok(changes);
        }
        let mut tx = self.begin().await?;
        for receipt in receipts {
            let row = sqlx::query(
                "UPDATE message_log SET status = $1 \
                 WHERE tenant_id = $2 AND direction = 'OUTBOUND' AND wa_message_id = $3 \
                 AND (CASE COALESCE(status, 'SENT') WHEN 'FAILED' THEN 1 WHEN 'DELIVERED' THEN 2 \
                      WHEN 'READ' THEN 3 ELSE 0 END) < $4 \
                 RETURNING id, to_number, (SELECT c.id FROM contact c \
                   WHERE c.tenant_id = message_log.tenant_id AND c.wa_id = message_log.to_number) \
                   AS contact_id",
            )
            .bind(receipt.delivery.as_str())
            .bind(tenant.to_string())
            .bind(&receipt.wa_message_id)
            .bind(i64::from(receipt.delivery.rank()))
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let id: String = row.try_get("id")?;
            let contact: Option<String> = row.try_get("contact_id")?;
            changes.push(DeliveryChange {
                message_id: id
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("message id {id:?}")))?,
                wa_message_id: receipt.wa_message_id.clone(),
                to: row.try_get("to_number")?,
                contact_id: contact
                    .map(|c| c.parse())
                    .transpose()
                    .map_err(|_| StoreError::Corrupt("a contact id".into()))?,
                delivery: receipt.delivery,
                at: receipt.at,
            });
        }
        let events: Vec<_> = changes
            .iter()
            .map(|c| {
                webhooks::status_event(
                    tenant,
                    c.message_id,
                    &c.wa_message_id,
                    &c.to,
                    c.delivery,
                    c.at,
                )
            })
            .collect();
        self.queue_webhooks_in(&mut tx, tenant, &events).await?;
        tx.commit().await?;
        Ok(changes)
    }
}
