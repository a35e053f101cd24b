//! Read-only summaries across tenants, for the admin console's dashboard.

use chrono::{DateTime, Utc};
use flowhq_domain::WorkerStatus;
use flowhq_domain::entities::WorkerProcess;
use sqlx::Row;

use crate::rows::{RowExt, millis};
use crate::{Result, Store, workers};

/// A worker that needs a look: failed, or live without a recent heartbeat.
#[derive(Clone, Debug)]
pub struct WorkerAttention {
    pub worker: WorkerProcess,
    pub tenant_name: String,
}

/// One day of a message chart: the UTC day's first millisecond, and the
/// messages received and sent on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayCount {
    pub day_start_ms: i64,
    pub inbound: i64,
    pub outbound: i64,
}

const DAY_MS: i64 = 86_400_000;

impl Store {
    /// Messages per UTC day since `since` (whole days from its day), for
    /// one tenant or all; every day is there, quiet ones at zero. Reads the
    /// `(tenant_id, created_at)` or `(created_at)` index.
    pub async fn messages_per_day(
        &self,
        tenant: Option<flowhq_domain::TenantId>,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<DayCount>> {
        let first = millis(since).div_euclid(DAY_MS) * DAY_MS;
        let tenant_filter = if tenant.is_some() {
            " AND tenant_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT created_at / {DAY_MS} AS day, direction, COUNT(*) AS n FROM message_log \
             WHERE created_at >= $1{tenant_filter} GROUP BY created_at / {DAY_MS}, direction"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(first);
        if let Some(tenant) = tenant {
            query = query.bind(tenant.to_string());
        }
        let rows = query.fetch_all(self.pool()).await?;
        let last = millis(now).div_euclid(DAY_MS);
        let mut days: Vec<DayCount> = (first / DAY_MS..=last)
            .map(|day| DayCount {
                day_start_ms: day * DAY_MS,
                ..DayCount::default()
            })
            .collect();
        for row in &rows {
            let day: i64 = row.int("day")?;
            let n: i64 = row.int("n")?;
            let Some(slot) = days.get_mut((day - first / DAY_MS) as usize) else {
                continue;
            };
            match row.text("direction")?.as_str() {
                "INBOUND" => slot.inbound += n,
                _ => slot.outbound += n,
            }
        }
        Ok(days)
    }

    /// How many inbound messages of `tenant` since `since` the bot decided
    /// each way (`bot_decision`), for the owner's summary.
    pub async fn decisions_since(
        &self,
        tenant: flowhq_domain::TenantId,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT bot_decision, COUNT(*) AS n FROM message_log \
             WHERE tenant_id = $1 AND created_at >= $2 AND direction = 'INBOUND' \
             AND bot_decision IS NOT NULL GROUP BY bot_decision",
        )
        .bind(tenant.to_string())
        .bind(millis(since))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.text("bot_decision")?, row.int("n")?)))
            .collect()
    }

    /// How many workers are in each state.
    pub async fn count_workers_by_status(&self) -> Result<Vec<(WorkerStatus, i64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM worker_process GROUP BY status")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| Ok((row.parsed("status")?, row.try_get::<i64, _>("n")?)))
            .collect()
    }

    /// Workers in ERROR, and live ones (STARTING, RUNNING) whose last
    /// heartbeat (or, before the first, their last change) is older than
    /// `stale_before`; the longest silent first.
    pub async fn workers_needing_attention(
        &self,
        stale_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<WorkerAttention>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT ",
                worker_columns!(),
                ", t.name AS t_name FROM worker_process w JOIN tenant t ON t.id = w.tenant_id \
                 WHERE w.status = 'ERROR' \
                    OR (w.status IN ('STARTING', 'RUNNING') \
                        AND COALESCE(w.last_heartbeat_at, w.updated_at) < $1) \
                 ORDER BY COALESCE(w.last_heartbeat_at, w.updated_at) {}"
            ),
            crate::placeholders::limit(limit.clamp(1, 500))
        )))
        .bind(millis(stale_before))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WorkerAttention {
                    worker: workers::from_row(row)?,
                    tenant_name: row.text("t_name")?,
                })
            })
            .collect()
    }
}
