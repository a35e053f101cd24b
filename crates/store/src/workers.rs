//! Each tenant's worker process record: what the supervisor knows of it,
//! what it should be doing, and how it authenticates.

use chrono::{DateTime, Utc};
use flowhq_domain::entities::WorkerProcess;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::{TenantId, TenantStatus, WorkerStatus};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::tenants::Transition;
use crate::{Result, Store, StoreError};

pub(crate) fn from_row(row: &AnyRow) -> Result<WorkerProcess> {
    let pid = row
        .int_opt("w_pid")?
        .map(|pid| u32::try_from(pid).map_err(|_| StoreError::Corrupt(format!("pid {pid}"))))
        .transpose()?;
    let restarts = row.int("w_restarts")?;
    Ok(WorkerProcess {
        id: row.parsed("w_id")?,
        tenant_id: row.parsed("w_tenant_id")?,
        process_name: row.text("w_process_name")?,
        status: row.parsed("w_status")?,
        pid,
        last_heartbeat_at: row.time_opt("w_last_heartbeat_at")?,
        last_error: row.text_opt("w_last_error")?,
        restarts: u32::try_from(restarts)
            .map_err(|_| StoreError::Corrupt(format!("restarts {restarts}")))?,
        created_at: row.time("w_created_at")?,
        updated_at: row.time("w_updated_at")?,
    })
}

/// Whether a tenant's worker should be running: what a supervisor restores
/// after a crash or its own restart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Desired {
    Running,
    Stopped,
}

impl Desired {
    pub fn as_str(self) -> &'static str {
        match self {
            Desired::Running => "RUNNING",
            Desired::Stopped => "STOPPED",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "RUNNING" => Ok(Desired::Running),
            "STOPPED" => Ok(Desired::Stopped),
            other => Err(StoreError::Corrupt(format!("desired = {other:?}"))),
        }
    }
}

/// A worker record with the supervisor's bookkeeping.
#[derive(Clone, Debug)]
pub struct WorkerRuntime {
    pub worker: WorkerProcess,
    pub desired: Desired,
    /// SHA-256 (hex) of the current process's bearer token.
    pub token_hash: Option<String>,
    /// When the current process was started.
    pub started_at: Option<DateTime<Utc>>,
}

/// What a heartbeat answers with: the state the worker should be in.
#[derive(Clone, Debug)]
pub struct WorkerView {
    pub tenant_status: TenantStatus,
    /// Changes whenever the tenant's bot configuration does.
    pub config_version: i64,
    pub worker_status: WorkerStatus,
    pub desired: Desired,
    /// The owner's pending "link with phone number": number and when asked.
    pub pairing: Option<(String, DateTime<Utc>)>,
    pub new_qr_requested_at: Option<DateTime<Utc>>,
    /// Sends wait for the worker (`crate::sends`).
    pub sends_waiting: bool,
}

macro_rules! runtime_select {
    () => {
        concat!(
            "SELECT ",
            worker_columns!(),
            ", w.desired AS w_desired, w.token_hash AS w_token_hash, w.started_at AS w_started_at \
             FROM worker_process w"
        )
    };
}

fn runtime_from_row(row: &AnyRow) -> Result<WorkerRuntime> {
    Ok(WorkerRuntime {
        worker: from_row(row)?,
        desired: Desired::parse(&row.text("w_desired")?)?,
        token_hash: row.text_opt("w_token_hash")?,
        started_at: row.time_opt("w_started_at")?,
    })
}

impl Store {
    pub async fn worker(&self, tenant: TenantId) -> Result<WorkerProcess> {
        Ok(self.worker_runtime(tenant).await?.worker)
    }

    pub async fn worker_runtime(&self, tenant: TenantId) -> Result<WorkerRuntime> {
        let row = sqlx::query(concat!(runtime_select!(), " WHERE w.tenant_id = $1"))
            .bind(tenant.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound("tenant"))?;
        runtime_from_row(&row)
    }

    /// Workers a supervisor must look after on start: those that should run
    /// and those recorded with a process.
    pub async fn workers_to_supervise(&self) -> Result<Vec<WorkerRuntime>> {
        let rows = sqlx::query(concat!(
            runtime_select!(),
            " WHERE w.desired = 'RUNNING' OR w.status IN ('STARTING', 'RUNNING', 'STOPPING')"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(runtime_from_row).collect()
    }

    /// Workers that owe heartbeats: what the stale monitor checks.
    pub async fn live_workers(&self) -> Result<Vec<WorkerRuntime>> {
        let rows = sqlx::query(concat!(
            runtime_select!(),
            " WHERE w.status IN ('STARTING', 'RUNNING')"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(runtime_from_row).collect()
    }

    /// Records a freshly started process (`pid` is `None` when an
    /// orchestrator runs it) and the hash of its token.
    pub async fn worker_started(
        &self,
        tenant: TenantId,
        pid: Option<u32>,
        token_hash: &str,
        is_restart: bool,
    ) -> Result<WorkerProcess> {
        let now = millis(Utc::now());
        let result = sqlx::query(
            "UPDATE worker_process SET status = 'STARTING', desired = 'RUNNING', pid = $1, \
             token_hash = $2, started_at = $3, last_error = NULL, \
             restarts = restarts + $4, updated_at = $3 WHERE tenant_id = $5",
        )
        .bind(pid.map(i64::from))
        .bind(token_hash)
        .bind(now)
        .bind(i64::from(is_restart))
        .bind(tenant.to_string())
        .execute(self.pool())
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        self.worker(tenant).await
    }

    /// The pid of a process just spawned for the worker.
    pub async fn set_worker_pid(&self, tenant: TenantId, pid: u32) -> Result<WorkerProcess> {
        sqlx::query("UPDATE worker_process SET pid = $1, updated_at = $2 WHERE tenant_id = $3")
            .bind(i64::from(pid))
            .bind(millis(Utc::now()))
            .bind(tenant.to_string())
            .execute(self.pool())
            .await?;
        self.worker(tenant).await
    }

    /// The worker's first heartbeat: STARTING becomes RUNNING.
    pub async fn worker_running(&self, tenant: TenantId) -> Result<()> {
        sqlx::query(
            "UPDATE worker_process SET status = 'RUNNING', updated_at = $1 \
             WHERE tenant_id = $2 AND status = 'STARTING'",
        )
        .bind(millis(Utc::now()))
        .bind(tenant.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn set_worker_desired(&self, tenant: TenantId, desired: Desired) -> Result<()> {
        sqlx::query("UPDATE worker_process SET desired = $1, updated_at = $2 WHERE tenant_id = $3")
            .bind(desired.as_str())
            .bind(millis(Utc::now()))
            .bind(tenant.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Sets the process status; `STOPPED` and `ERROR` also forget the pid.
    pub async fn set_worker_status(
        &self,
        tenant: TenantId,
        status: WorkerStatus,
        last_error: Option<&str>,
    ) -> Result<WorkerProcess> {
        let gone = matches!(status, WorkerStatus::Stopped | WorkerStatus::Error);
        sqlx::query(
            "UPDATE worker_process SET status = $1, \
             last_error = COALESCE($2, last_error), \
             pid = CASE WHEN $3 = 1 THEN NULL ELSE pid END, updated_at = $4 \
             WHERE tenant_id = $5",
        )
        .bind(status.as_str())
        .bind(last_error)
        .bind(i64::from(gone))
        .bind(millis(Utc::now()))
        .bind(tenant.to_string())
        .execute(self.pool())
        .await?;
        self.worker(tenant).await
    }

    /// A worker that keeps failing or stopped answering: worker ERROR with
    /// the reason, not to be restarted, and its tenant ERROR through the
    /// status machine. `started_at` names the process meant, so that a
    /// worker restarted meanwhile is left alone; `None` when it changed.
    pub async fn worker_failed(
        &self,
        tenant: TenantId,
        started_at: Option<DateTime<Utc>>,
        reason: &str,
        actor: &str,
    ) -> Result<Option<Option<Transition>>> {
        let mut tx = self.begin().await?;
        let result = sqlx::query(
            "UPDATE worker_process SET status = 'ERROR', desired = 'STOPPED', last_error = $1, \
             pid = NULL, updated_at = $2 \
             WHERE tenant_id = $3 AND ($4 IS NULL OR started_at = $4)",
        )
        .bind(reason)
        .bind(millis(Utc::now()))
        .bind(tenant.to_string())
        .bind(started_at.map(millis))
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 0 {
            return Ok(None);
        }
        let transition = self
            .transition(&mut tx, tenant, Event::WorkerStale, actor)
            .await?;
        tx.commit().await?;
        Ok(Some(transition))
    }

    /// Persists heartbeat times kept in memory, many rows per statement.
    pub async fn record_heartbeats(&self, beats: &[(TenantId, DateTime<Utc>)]) -> Result<()> {
        for run in crate::placeholders::runs(beats.len()) {
            let chunk = &beats[run];
            let sql = format!(
                "WITH v (tid, at) AS (VALUES {}) \
                 UPDATE worker_process SET last_heartbeat_at = v.at FROM v \
                 WHERE worker_process.tenant_id = v.tid \
                 AND (worker_process.last_heartbeat_at IS NULL \
                      OR worker_process.last_heartbeat_at < v.at)",
                crate::placeholders::rows(1, chunk.len(), 2)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (tenant, at) in chunk {
                query = query.bind(tenant.to_string()).bind(millis(*at));
            }
            query.execute(self.pool()).await?;
        }
        Ok(())
    }

    /// What a heartbeat answers: the tenant's status, config version and
    /// the worker's desired state, in one read.
    pub async fn worker_view(&self, tenant: TenantId) -> Result<WorkerView> {
        let row = sqlx::query(
            "SELECT t.status AS status, c.updated_at AS config_version, w.status AS w_status, \
             w.desired AS desired, s.pairing_phone_number AS pairing_phone_number, \
             s.pairing_requested_at AS pairing_requested_at, \
             s.new_qr_requested_at AS new_qr_requested_at, \
             CASE WHEN EXISTS (SELECT 1 FROM worker_send ws WHERE ws.tenant_id = t.id \
                 AND ws.handed_at IS NULL) THEN 1 ELSE 0 END AS sends_waiting FROM tenant t \
             JOIN tenant_config c ON c.tenant_id = t.id \
             JOIN whatsapp_session s ON s.tenant_id = t.id \
             JOIN worker_process w ON w.tenant_id = t.id WHERE t.id = $1",
        )
        .bind(tenant.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound("tenant"))?;
        Ok(WorkerView {
            tenant_status: row.parsed("status")?,
            config_version: row.int("config_version")?,
            worker_status: row.parsed("w_status")?,
            desired: Desired::parse(&row.text("desired")?)?,
            pairing: row
                .text_opt("pairing_phone_number")?
                .zip(row.time_opt("pairing_requested_at")?),
            new_qr_requested_at: row.time_opt("new_qr_requested_at")?,
            sends_waiting: row.int("sends_waiting")? != 0,
        })
    }

    /// The stored token hash of a tenant's worker.
    pub async fn worker_token_hash(&self, tenant: TenantId) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT token_hash FROM worker_process WHERE tenant_id = $1")
                .bind(tenant.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.map(|(hash,)| hash)
            .ok_or(StoreError::NotFound("tenant"))
    }
}
