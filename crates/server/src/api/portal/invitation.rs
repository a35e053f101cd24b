//! `POST /api/portal/invitation/accept {token, password}`: the invited
//! operator chooses their first password (see `api::admin::invitations`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::admin::invitations::accept_invitation;
use crate::api::openapi::responses::BodyErrors;
use crate::error::AppResult;
use crate::extract::Json;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(accept))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// The `token` of the mailed link.
    pub token: String,
    /// The first password, under the same rules as at sign-up.
    #[schema(format = Password)]
    pub password: String,
}

#[utoipa::path(
    post,
    path = "/invitation/accept",
    operation_id = "accept_invitation",
    request_body = AcceptBody,
    responses(
        (status = 204, description = "The account is open: log in with the new password"),
        BodyErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn accept(
    State(state): State<AppState>,
    Json(body): Json<AcceptBody>,
) -> AppResult<StatusCode> {
    accept_invitation(&state, &body.token, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
