//! The simulated network as the worker sees it (`flowhq_sim`): a long poll
//! for QR codes, links and messages that also carries acknowledgements;
//! idempotent sends. Here the worker's token is checked; `flowhq sim` run
//! alone serves the same paths.

use std::sync::Arc;

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::protocol::{SimPoll, SimSend};

use super::WorkerAuth;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::state::AppState;

/// The network this control plane hosts (the routes exist only then).
pub fn network(state: &AppState) -> AppResult<&Arc<flowhq_sim::Network>> {
    state
        .sim
        .as_ref()
        .ok_or(AppError::NotFound("simulated network"))
}

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn poll(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(poll): Json<SimPoll>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(network(&state)?.poll(auth.tenant, &poll).await?))
}

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant, client_id = %send.client_id))]
pub async fn send(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(send): Json<SimSend>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(network(&state)?.send(auth.tenant, &send)?))
}
