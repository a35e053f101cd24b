//! `/api/admin/tenants/{id}/config/history` · `/config/undo`: the operator's
//! twins of the owner's settings history and undo.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::TenantId;
use flowhq_store::Page;
use flowhq_store::config_history::ConfigChange;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, Conflict, NotFound};
use crate::api::portal::settings::{Undone, undo_last};
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::TenantPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history))
        .routes(routes!(undo))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/config/history",
    operation_id = "list_tenant_config_changes",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "Who changed which settings and when, newest first (the latest 100), in one page", body = Page<ConfigChange>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn history(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    // 404 for an unknown tenant rather than an empty history.
    state.store.tenant(id).await?;
    let items = state.store.config_history(id).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/config/undo",
    operation_id = "undo_tenant_config_change",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The latest change still in force is undone; `applied` once the running worker acknowledged", body = Undone),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn undo(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(id).await?;
    Ok(axum::Json(undo_last(&state, id, &admin.actor.0).await?))
}
