//! `GET /api/v1/status`: the tenant and its WhatsApp session, for an
//! integration to check before it relies on sends.

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use flowhq_domain::entities::Tenant;
use flowhq_domain::{SessionState, WorkerStatus};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::ApiKeyAuthErrors;
use crate::auth::ApiCaller;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatus {
    pub tenant: Tenant,
    pub session: ApiSession,
    pub worker: ApiWorker,
    /// Whether sends may go to numbers that did not write in the last
    /// 24 hours (an operator lifted the anti-ban guard).
    pub send_any_contact: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiSession {
    /// `CONNECTED` when messages go out now.
    pub state: SessionState,
    pub last_seen_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiWorker {
    pub status: WorkerStatus,
    pub last_heartbeat_at: Option<DateTime<Utc>>,
}

/// Any live key may ask: it tells nothing beyond the key's own tenant.
#[utoipa::path(
    get,
    path = "/status",
    operation_id = "get_api_status",
    responses(
        (status = 200, description = "The key's tenant, its session and worker", body = ApiStatus),
        ApiKeyAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn status(State(state): State<AppState>, caller: ApiCaller) -> AppResult<impl IntoResponse> {
    let tenant = caller.tenant_id();
    let detail = state.store.tenant_detail(tenant).await?;
    let send_any_contact = state.store.api_send_any_contact(tenant).await?;
    Ok(axum::Json(ApiStatus {
        tenant: detail.tenant,
        session: ApiSession {
            state: detail.session.state,
            last_seen_at: detail.session.last_seen_at,
        },
        worker: ApiWorker {
            status: detail.worker.status,
            last_heartbeat_at: detail.worker.last_heartbeat_at,
        },
        send_any_contact,
    }))
}
