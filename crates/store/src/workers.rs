//! Each tenant's worker process record: what the supervisor knows of it.

use flowhq_domain::entities::WorkerProcess;
use sqlx::any::AnyRow;

use crate::rows::RowExt;
use crate::{Result, StoreError};

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
