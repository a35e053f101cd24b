//! What happens around a tenant's status changes beyond the database row:
//! the status itself only ever changes through `Store::transition`, driven
//! by `flowhq_domain::lifecycle::next`.

use flowhq_domain::TenantId;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// After a setup request is approved (tenant APPROVED): the supervisor starts
/// the tenant's worker, whose first report moves the tenant on to
/// QR_PENDING (`Event::WorkerStarted`). A worker already running is fine.
pub async fn after_approval(state: &AppState, tenant: TenantId) -> AppResult<()> {
    match state.supervisor.start(tenant).await {
        Ok(_)
        | Err(AppError::Conflict {
            code: "worker_running",
            ..
        }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// After a retry (tenant ERROR or PAUSED → APPROVED): the worker restarts
/// clean; with its saved credentials it reconnects without a new scan.
pub async fn after_retry(state: &AppState, tenant: TenantId) -> AppResult<()> {
    state.supervisor.restart(tenant).await.map(|_| ())
}

/// Before a tenant is deleted: its worker stops and its local state goes.
pub async fn before_delete(state: &AppState, tenant: TenantId) -> AppResult<()> {
    state.supervisor.stop(tenant).await?;
    let dir = state
        .settings
        .data_dir
        .join("workers")
        .join(tenant.to_string());
    match tokio::fs::remove_dir_all(&dir).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::Internal(anyhow::anyhow!(
            "removing {}: {e}",
            dir.display()
        ))),
    }
}
