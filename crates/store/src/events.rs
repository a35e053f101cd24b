//! The tenant status audit trail: one row per status change.

use chrono::{DateTime, Utc};
use flowhq_domain::entities::TenantEvent;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::{TenantEventId, TenantId, TenantStatus};
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::{Result, Store, StoreError, Tx};

pub(crate) async fn insert(
    tx: &mut Tx,
    tenant: TenantId,
    from: TenantStatus,
    to: TenantStatus,
    event: Event,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO tenant_event (id, tenant_id, from_status, to_status, event, actor, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(TenantEventId::new().to_string())
    .bind(tenant.to_string())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(event.as_str())
    .bind(actor)
    .bind(millis(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// How many times `event` moved a tenant, across all tenants: metrics.
    pub async fn count_events(&self, event: Event) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tenant_event WHERE event = $1")
            .bind(event.as_str())
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// A tenant's status history, oldest first.
    pub async fn tenant_events(&self, tenant: TenantId) -> Result<Vec<TenantEvent>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            event_columns!(),
            " FROM tenant_event e WHERE e.tenant_id = $1 ORDER BY e.id"
        ))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }
}

fn from_row(row: &AnyRow) -> Result<TenantEvent> {
    let event = row.text("e_event")?;
    Ok(TenantEvent {
        id: row.parsed("e_id")?,
        tenant_id: row.parsed("e_tenant_id")?,
        from_status: row.parsed("e_from_status")?,
        to_status: row.parsed("e_to_status")?,
        event: Event::parse(&event)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown event {event:?}")))?,
        actor: row.text("e_actor")?,
        at: row.time("e_at")?,
    })
}
