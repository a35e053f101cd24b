//! `/api/portal/tenant/current/api-keys`: the owner's keys to the public API.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use flowhq_domain::ApiKeyId;
use flowhq_domain::api_keys::ApiKey;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::api_keys::{self, CreatedKey, KeyList, NewKeyBody};
use crate::api::openapi::responses::{BodyErrors, NotFound, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::AppResult;
use crate::extract::Json;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
}

/// A new key for the owner's tenant; the answer is the only time its
/// secret is shown.
#[utoipa::path(
    post,
    path = "/tenant/current/api-keys",
    operation_id = "create_own_api_key",
    request_body = NewKeyBody,
    responses(
        (status = 201, description = "The key, with its secret shown this once", body = CreatedKey),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn create(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<NewKeyBody>,
) -> AppResult<impl IntoResponse> {
    api_keys::create(&state, owner.tenant_id, &body, &owner.actor()).await
}

#[utoipa::path(
    get,
    path = "/tenant/current/api-keys",
    operation_id = "list_own_api_keys",
    responses(
        (status = 200, description = "The tenant's keys, newest first, without secrets", body = KeyList),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %owner.tenant_id))]
async fn list(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    api_keys::list(&state, owner.tenant_id).await
}

/// Revokes a key at once: it opens nothing from the next request on.
#[utoipa::path(
    delete,
    path = "/tenant/current/api-keys/{id}",
    operation_id = "revoke_own_api_key",
    params(("id" = ApiKeyId, Path, description = "The key's id")),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKey),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn revoke(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    api_keys::revoke(&state, owner.tenant_id, &id).await
}
