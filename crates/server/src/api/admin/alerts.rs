//! `/api/admin/alerts`: every incident, open and cleared.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_store::Page;
use flowhq_store::alerts::Alert;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::list::{parse_cursor, parse_limit};
use crate::api::openapi::responses::{AdminAuthErrors, InvalidQuery};
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::Query;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Alerts, one per incident, newest first: open ones have no `cleared_at`.
#[utoipa::path(
    get,
    path = "/alerts",
    operation_id = "list_alerts",
    params(ListParams),
    responses(
        (status = 200, description = "Incidents, newest first", body = Page<Alert>),
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
    let cursor = parse_cursor(params.cursor.as_deref())?;
    let limit = parse_limit(params.limit.as_deref(), 50, 200)?;
    Ok(axum::Json(state.store.list_alerts(limit, cursor).await?))
}
