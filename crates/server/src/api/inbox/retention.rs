//! `/api/portal/tenant/current/media-retention`: how long the business
//! keeps the photos and files of its conversations (see
//! `crate::retention`).

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::TenantId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{BodyErrors, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::state::AppState;

/// The longest retention one may set: ten years.
pub const MAX_DAYS: u32 = 3650;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_retention, set_retention))
}

/// The retention.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Files of conversations stored more than this many days ago are
    /// deleted (checked every hour); null keeps them. 1 to 3650. The
    /// menu's and quick replies' files are never deleted.
    pub days: Option<u32>,
}

/// Sets `tenant`'s retention, checked.
pub async fn set(state: &AppState, tenant: TenantId, days: Option<u32>) -> AppResult<()> {
    if let Some(d) = days
        && !(1..=MAX_DAYS).contains(&d)
    {
        return Err(AppError::invalid(
            "days",
            format!("days must be 1 to {MAX_DAYS}, or null to keep files"),
        ));
    }
    state.store.set_media_retention(tenant, days).await?;
    Ok(())
}

#[utoipa::path(
    get,
    path = "/tenant/current/media-retention",
    operation_id = "get_own_media_retention",
    responses(
        (status = 200, description = "How long the business keeps its conversations' files", body = Retention),
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %owner.tenant_id))]
async fn get_retention(
    State(state): State<AppState>,
    owner: Owner,
) -> AppResult<impl IntoResponse> {
    let days = state.store.media_retention(owner.tenant_id).await?;
    Ok(axum::Json(Retention { days }))
}

#[utoipa::path(
    put,
    path = "/tenant/current/media-retention",
    operation_id = "set_own_media_retention",
    request_body = Retention,
    responses(
        (status = 200, description = "Saved", body = Retention),
        BodyErrors,
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn set_retention(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<Retention>,
) -> AppResult<impl IntoResponse> {
    set(&state, owner.tenant_id, body.days).await?;
    Ok(axum::Json(body))
}
