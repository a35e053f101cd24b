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

impl Store {
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
