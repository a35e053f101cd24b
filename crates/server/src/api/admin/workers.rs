//! `/api/admin/tenants/{id}/worker/*` and `/api/admin/workers/*`: run the
//! tenants' worker processes by hand.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::post;
use flowhq_domain::TenantId;
use serde_json::json;

use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::parse_id;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenants/{id}/worker/start", post(start))
        .route("/tenants/{id}/worker/stop", post(stop))
        .route("/tenants/{id}/worker/restart", post(restart))
        .route("/tenants/{id}/worker/token", post(token))
        .route("/workers/stop-all", post(stop_all))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn start(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    Ok(axum::Json(state.supervisor.start(tenant).await?))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn stop(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    Ok(axum::Json(state.supervisor.stop(tenant).await?))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn restart(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    Ok(axum::Json(state.supervisor.restart(tenant).await?))
}

/// A new token for the tenant's worker (the old one stops working): for an
/// orchestrator running workers under `FLOWHQ_SUPERVISOR=external`.
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn token(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let token = state.supervisor.issue_token(tenant).await?;
    Ok(axum::Json(json!({ "token": token })))
}

/// Stops every worker on purpose; none is restarted until started again.
#[tracing::instrument(skip_all)]
async fn stop_all(State(state): State<AppState>, _admin: Admin) -> AppResult<impl IntoResponse> {
    let stopped = state.supervisor.stop_all().await?;
    Ok(axum::Json(json!({ "stopped": stopped })))
}
