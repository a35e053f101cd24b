//! `POST /api/portal/tenant/current/pause` · `/resume`: the owner's switch
//! for their assistant. Like the operator's, it takes effect before the
//! call returns: a customer message after a pause is logged `PAUSED` and
//! not answered.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::TenantStatus;
use flowhq_domain::lifecycle::Event;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{Conflict, NotFound, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pause))
        .routes(routes!(resume))
}

/// The assistant's state after the switch.
#[derive(Debug, Serialize, ToSchema)]
pub struct Switched {
    /// The tenant's status: PAUSED after a pause, ACTIVE after a resume.
    pub status: TenantStatus,
    /// `true`: the worker acknowledged; `false`: it is offline and applies
    /// the switch when it reconnects.
    pub applied: bool,
}

async fn switch(state: &AppState, owner: &Owner, event: Event) -> AppResult<Switched> {
    let commanded =
        crate::lifecycle::pause_or_resume(state, owner.tenant_id, event, &owner.actor()).await?;
    Ok(Switched {
        status: commanded.tenant.tenant.status,
        applied: commanded.applied,
    })
}

#[utoipa::path(
    post,
    path = "/tenant/current/pause",
    operation_id = "pause_own_assistant",
    responses(
        (status = 200, description = "Paused (ACTIVE or ERROR → PAUSED): customers are no longer answered automatically", body = Switched),
        OwnerAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn pause(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(switch(&state, &owner, Event::Pause).await?))
}

#[utoipa::path(
    post,
    path = "/tenant/current/resume",
    operation_id = "resume_own_assistant",
    responses(
        (status = 200, description = "Resumed (PAUSED → ACTIVE): the assistant answers again", body = Switched),
        OwnerAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn resume(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(switch(&state, &owner, Event::Resume).await?))
}
