//! What happens around a tenant's status changes beyond the database row:
//! the status itself only ever changes through `Store::transition`, driven
//! by `flowhq_domain::lifecycle::next`.

use chrono::Utc;
use flowhq_domain::TenantId;
use flowhq_domain::entities::WhatsappSession;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::PairingRequest;
use flowhq_store::tenants::TenantDetail;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::supervisor::SupervisorError;

/// A tenant after a change its worker was told about at once.
#[derive(Debug, Serialize, ToSchema)]
pub struct Commanded {
    #[serde(flatten)]
    pub tenant: TenantDetail,
    /// Whether the tenant's worker acknowledged the change. `false`: it is
    /// offline (or busy); the change is recorded and it applies it the
    /// moment it reconnects.
    pub applied: bool,
}

/// Pauses or resumes (`event`) the tenant's automatic replies, then tells
/// its worker and waits for it to acknowledge: an inbound message the
/// network delivers after this returns is never answered automatically.
pub async fn pause_or_resume(
    state: &AppState,
    tenant: TenantId,
    event: Event,
    actor: &str,
) -> AppResult<Commanded> {
    let transition = state.store.apply_event(tenant, event, actor).await?;
    if let Some(t) = transition {
        tracing::info!(tenant_id = %tenant, from = %t.from, to = %t.to, %event, "tenant status changed");
    }
    // The command says what the database says now, not what this event
    // asked: a concurrent pause and resume leave the worker as they leave
    // the tenant.
    let link = state.supervisor.link();
    let turn = link.turn(tenant).await;
    let detail = state.store.tenant_detail(tenant).await?;
    let paused = detail.tenant.status == flowhq_domain::TenantStatus::Paused;
    let pending = link.queue_paused(tenant, paused);
    drop(turn);
    let applied = match pending {
        Some(pending) => pending.acknowledged().await,
        None => false,
    };
    Ok(Commanded {
        tenant: detail,
        applied,
    })
}

/// The tenant's bot config changed: its worker answers with the new one
/// once this returns `true`.
pub async fn config_changed(state: &AppState, tenant: TenantId) -> AppResult<bool> {
    Ok(state
        .supervisor
        .link()
        .config_changed(&state.store, tenant)
        .await?)
}

/// The owner asks to link by typing a code on the phone with this number
/// (E.164): recorded, and the worker asked at once.
pub async fn ask_pairing_code(
    state: &AppState,
    tenant: TenantId,
    phone_number: &str,
) -> AppResult<WhatsappSession> {
    let session = state
        .store
        .request_pairing_code(tenant, phone_number, Utc::now())
        .await?;
    if let (Some(phone_number), Some(requested_at)) = (
        session.pairing_phone_number.clone(),
        session.pairing_requested_at,
    ) {
        let request = PairingRequest {
            phone_number,
            requested_at,
        };
        state
            .supervisor
            .link()
            .request_pairing_code(tenant, request)
            .await;
    }
    Ok(session)
}

/// The owner asks for new QR codes (the last ones ran out): recorded, and
/// the worker asked at once.
pub async fn ask_new_qr(state: &AppState, tenant: TenantId) -> AppResult<WhatsappSession> {
    let session = state.store.request_new_qr(tenant, Utc::now()).await?;
    if let Some(at) = session.new_qr_requested_at {
        state.supervisor.link().refresh_qr(tenant, at).await;
    }
    Ok(session)
}

/// After a setup request is approved (tenant APPROVED): the supervisor starts
/// the tenant's worker, whose first report moves the tenant on to
/// QR_PENDING (`Event::WorkerStarted`). A worker already running is fine.
pub async fn after_approval(state: &AppState, tenant: TenantId) -> AppResult<()> {
    match state.supervisor.start(tenant).await {
        Ok(_) | Err(SupervisorError::AlreadyRunning) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// After a retry (tenant ERROR or PAUSED → APPROVED): the worker restarts
/// clean; with its saved credentials it reconnects without a new scan.
pub async fn after_retry(state: &AppState, tenant: TenantId) -> AppResult<()> {
    state.supervisor.restart(tenant).await?;
    Ok(())
}

/// Before a tenant is deleted: its worker stops and its local state goes.
pub async fn before_delete(state: &AppState, tenant: TenantId) -> AppResult<()> {
    state.supervisor.stop(tenant).await?;
    let data_dir = &state.settings.data_dir;
    // The worker's state and the tenant's files go with it.
    for dir in [
        data_dir.join("workers").join(tenant.to_string()),
        data_dir.join("media").join(tenant.to_string()),
    ] {
        match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "removing {}: {e}",
                    dir.display()
                )));
            }
        }
    }
    Ok(())
}
