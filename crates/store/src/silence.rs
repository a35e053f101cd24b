//! What the silent-session check reads: when each running business last
//! heard from a customer, and its customers' recent messages for its
//! usual rhythm (`flowhq_domain::silence`).

use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::alerts::{AlertChange, AlertKind};
use sqlx::any::AnyRow;

use crate::Result;
use crate::Store;
use crate::rows::{RowExt, millis, time};

impl Store {
    /// Every ACTIVE tenant with its last customer message, if any.
    pub async fn last_inbound_per_tenant(&self) -> Result<Vec<(TenantId, Option<DateTime<Utc>>)>> {
        let rows = sqlx::query(
            "SELECT t.id, (SELECT MAX(m.created_at) FROM message_log m \
               WHERE m.tenant_id = t.id AND m.direction = 'INBOUND') AS last_inbound \
             FROM tenant t WHERE t.status = 'ACTIVE' ORDER BY t.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row: &AnyRow| Ok((row.parsed("id")?, row.time_opt("last_inbound")?)))
            .collect()
    }

    /// `tenant`'s customer messages since `since`, oldest first (at most
    /// the latest 5,000).
    pub async fn inbound_times(
        &self,
        tenant: TenantId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT created_at FROM message_log WHERE tenant_id = $1 AND direction = 'INBOUND' \
             AND created_at >= $2 ORDER BY created_at DESC LIMIT 5000",
        )
        .bind(tenant.to_string())
        .bind(millis(since))
        .fetch_all(self.pool())
        .await?;
        let mut times = rows
            .into_iter()
            .map(|(ms,)| time(ms))
            .collect::<Result<Vec<_>>>()?;
        times.reverse();
        Ok(times)
    }

    /// Since when `tenant` has an open incident of `kind`, if it has.
    pub async fn open_alert_since(
        &self,
        tenant: TenantId,
        kind: AlertKind,
    ) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT open_since FROM alert WHERE tenant_id = $1 AND kind = $2 \
             AND cleared_at IS NULL ORDER BY opened_at DESC LIMIT 1",
        )
        .bind(tenant.to_string())
        .bind(kind.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|(ms,)| time(ms)).transpose()
    }

    /// [`Store::apply_alert_changes_in`] in a transaction of its own, for
    /// facts found by a check rather than recorded with a write.
    pub async fn apply_alert_changes(
        &self,
        tenant: TenantId,
        changes: &[AlertChange],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        self.apply_alert_changes_in(&mut tx, tenant, changes, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
