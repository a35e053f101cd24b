//! Heartbeats and config: how a worker learns what it should be doing.

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Utc;
use flowhq_domain::protocol::{DesiredState, Heartbeat, PairingRequest, WorkerConfig};
use flowhq_domain::{TenantStatus, WorkerStatus};
use flowhq_store::sessions::implied_events;
use flowhq_store::workers::Desired;

use super::WorkerAuth;
use crate::error::AppResult;
use crate::extract::Json;
use crate::state::AppState;

/// Notes the heartbeat in memory and answers the desired state. In the
/// steady state this reads one row and writes nothing.
#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn heartbeat(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(beat): Json<Heartbeat>,
) -> AppResult<impl IntoResponse> {
    let tenant = auth.tenant;
    state
        .supervisor
        .record_beat(tenant, Utc::now(), beat.outbox_backlog);
    let view = state.store.worker_view(tenant).await?;
    if view.worker_status == WorkerStatus::Starting {
        state.store.worker_running(tenant).await?;
    }
    if view.desired == Desired::Running
        && !implied_events(view.tenant_status, beat.session_state).is_empty()
    {
        // The tenant is behind its worker (a report was lost, or the tenant
        // was retried while the worker stayed connected): catch up.
        for t in state
            .store
            .sync_tenant_with_session(tenant, beat.session_state, "worker")
            .await?
        {
            tracing::info!(from = %t.from, to = %t.to, "tenant status changed");
        }
    }
    Ok(axum::Json(DesiredState {
        paused: view.tenant_status == TenantStatus::Paused,
        config_version: view.config_version,
        stop: view.desired == Desired::Stopped,
        pairing: view
            .pairing
            .map(|(phone_number, requested_at)| PairingRequest {
                phone_number,
                requested_at,
            }),
        new_qr_requested_at: view.new_qr_requested_at,
    }))
}

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn config(
    State(state): State<AppState>,
    auth: WorkerAuth,
) -> AppResult<impl IntoResponse> {
    let detail = state.store.tenant_detail(auth.tenant).await?;
    let config = detail.config;
    Ok(axum::Json(WorkerConfig {
        phone_number: detail.tenant.phone_number,
        template_type: config.template_type,
        business_name: config.business_name,
        language: config.language,
        hours: config.hours.to_json(),
        overrides: config.overrides,
        config_version: config.updated_at.timestamp_millis(),
        paused: detail.tenant.status == TenantStatus::Paused,
    }))
}
