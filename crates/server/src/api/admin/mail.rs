//! `/api/admin/mail`: the mail queue, what was sent and what waits.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_store::Page;
use flowhq_store::mail::{Mail, MailStatus};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::list::{parse_cursor, parse_limit, parse_status};
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
    /// Only mails in this status.
    #[param(value_type = Option<MailStatus>)]
    status: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// Every mail the platform queued, newest first, with its plain-text part.
/// Without `FLOWHQ_SMTP_URL`, sent mails are files in `<data dir>/mail/`
/// (`delivered_to` names the file).
#[utoipa::path(
    get,
    path = "/mail",
    operation_id = "list_mail",
    params(ListParams),
    responses(
        (status = 200, description = "The mail queue, newest first", body = Page<Mail>),
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
    let status = parse_status::<MailStatus>(params.status.as_deref())?;
    let cursor = parse_cursor(params.cursor.as_deref())?;
    let limit = parse_limit(params.limit.as_deref(), 50, 200)?;
    Ok(axum::Json(
        state.store.list_mails(status, limit, cursor).await?,
    ))
}
