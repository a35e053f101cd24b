//! `/api/admin/tenants/{id}/worker/*` and `/api/admin/workers/*`: run the
//! tenants' worker processes by hand.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::TenantId;
use flowhq_domain::entities::WorkerProcess;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, Conflict, NotFound};
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::TenantPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(stop))
        .routes(routes!(restart))
        .routes(routes!(token))
        .routes(routes!(stop_all))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerToken {
    /// The worker's `FLOWHQ_WORKER_TOKEN`; shown once, only its hash is kept.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoppedWorkers {
    pub stopped: usize,
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/worker/start",
    operation_id = "start_worker",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The worker, starting", body = WorkerProcess),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn start(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(state.supervisor.start(tenant).await?))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/worker/stop",
    operation_id = "stop_worker",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The worker, stopped", body = WorkerProcess),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn stop(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(state.supervisor.stop(tenant).await?))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/worker/restart",
    operation_id = "restart_worker",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The worker, restarting", body = WorkerProcess),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn restart(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(state.supervisor.restart(tenant).await?))
}

/// A new token for the tenant's worker (the old one stops working): for an
/// orchestrator running workers under `FLOWHQ_SUPERVISOR=external`.
#[utoipa::path(
    post,
    path = "/tenants/{id}/worker/token",
    operation_id = "issue_worker_token",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "A new worker token; the old one stops working", body = WorkerToken),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn token(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    let token = state.supervisor.issue_token(tenant).await?;
    Ok(axum::Json(WorkerToken { token }))
}

/// Stops every worker on purpose; none is restarted until started again.
#[utoipa::path(
    post,
    path = "/workers/stop-all",
    operation_id = "stop_all_workers",
    responses(
        (status = 200, description = "How many workers were stopped", body = StoppedWorkers),
        AdminAuthErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn stop_all(State(state): State<AppState>, _admin: Admin) -> AppResult<impl IntoResponse> {
    let stopped = state.supervisor.stop_all().await?;
    Ok(axum::Json(StoppedWorkers { stopped }))
}
