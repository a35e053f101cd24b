//! `/api/admin/setup-requests`: the approval queue.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use flowhq_domain::{SetupRequestId, SetupRequestStatus};
use flowhq_store::setup_requests::Decision;
use serde::Deserialize;

use crate::api::admin::tenants::{parse_cursor, parse_limit, parse_status};
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Query, parse_id};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup-requests", get(list))
        .route("/setup-requests/{id}/approve", post(approve))
        .route("/setup-requests/{id}/reject", post(reject))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    status: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    Query(params): Query<ListParams>,
) -> AppResult<impl IntoResponse> {
    let status = parse_status::<SetupRequestStatus>(params.status.as_deref())?;
    let cursor = parse_cursor(params.cursor.as_deref())?;
    let limit = parse_limit(params.limit.as_deref(), 50, 200)?;
    Ok(axum::Json(
        state
            .store
            .list_setup_requests(status, limit, cursor)
            .await?,
    ))
}

/// Approves a request; the tenant moves PENDING → APPROVED and its worker is
/// started (→ QR_PENDING).
pub async fn approve_request(state: &AppState, admin: &Admin, id: SetupRequestId) -> AppResult<()> {
    let (request, _) = state
        .store
        .decide_setup_request(id, Decision::Approve, None, &admin.actor.0)
        .await?;
    tracing::info!(tenant_id = %request.tenant_id, request_id = %id, "setup request approved");
    crate::lifecycle::after_approval(state, request.tenant_id).await
}

/// Rejects a request with notes the owner will see; the tenant goes back to NEW.
pub async fn reject_request(
    state: &AppState,
    admin: &Admin,
    id: SetupRequestId,
    notes: &str,
) -> AppResult<()> {
    let notes = notes.trim();
    if notes.is_empty() {
        return Err(AppError::invalid(
            "notes",
            "notes must say why, so the owner can fix it",
        ));
    }
    if notes.chars().count() > 1000 {
        return Err(AppError::invalid(
            "notes",
            "notes must be at most 1000 characters",
        ));
    }
    let (request, _) = state
        .store
        .decide_setup_request(id, Decision::Reject, Some(notes), &admin.actor.0)
        .await?;
    tracing::info!(tenant_id = %request.tenant_id, request_id = %id, "setup request rejected");
    Ok(())
}

#[tracing::instrument(skip_all, fields(request_id = %id))]
async fn approve(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let id: SetupRequestId = parse_id(&id, "setup request")?;
    approve_request(&state, &admin, id).await?;
    Ok(axum::Json(state.store.setup_request(id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    notes: String,
}

#[tracing::instrument(skip_all, fields(request_id = %id))]
async fn reject(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    Json(body): Json<RejectBody>,
) -> AppResult<impl IntoResponse> {
    let id: SetupRequestId = parse_id(&id, "setup request")?;
    reject_request(&state, &admin, id, &body.notes).await?;
    Ok(axum::Json(state.store.setup_request(id).await?))
}
