//! `/api/admin/setup-requests`: the approval queue.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use flowhq_domain::{SetupRequestId, SetupRequestStatus};
use flowhq_store::Page;
use flowhq_store::setup_requests::{Decision, QueuedRequest};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::list::{parse_cursor, parse_limit, parse_status};
use crate::api::openapi::responses::{
    AdminAuthErrors, BodyErrors, Conflict, InvalidQuery, NotFound,
};
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Query, parse_id};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Only requests in this status.
    #[param(value_type = Option<SetupRequestStatus>)]
    status: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/setup-requests",
    operation_id = "list_setup_requests",
    params(ListParams),
    responses(
        (status = 200, description = "The approval queue, newest first", body = Page<QueuedRequest>),
        InvalidQuery,
        AdminAuthErrors,
    )
)]
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

#[utoipa::path(
    post,
    path = "/setup-requests/{id}/approve",
    operation_id = "approve_setup_request",
    params(("id" = SetupRequestId, Path, description = "The setup request's id")),
    responses(
        (status = 200, description = "Approved; the tenant is APPROVED and its worker started", body = QueuedRequest),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    /// Why, for the owner to fix it: 1 to 1000 characters.
    notes: String,
}

#[utoipa::path(
    post,
    path = "/setup-requests/{id}/reject",
    operation_id = "reject_setup_request",
    params(("id" = SetupRequestId, Path, description = "The setup request's id")),
    request_body = RejectBody,
    responses(
        (status = 200, description = "Rejected; the tenant is back to NEW", body = QueuedRequest),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
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
