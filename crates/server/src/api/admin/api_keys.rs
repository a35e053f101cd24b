//! `/api/admin/tenants/{id}/api-keys` and `/api-settings`: a tenant's keys
//! to the public API as the operators manage them, and the anti-ban guard
//! only they may lift.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use flowhq_domain::api_keys::ApiKey;
use flowhq_domain::{ApiKeyId, TenantId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::api_keys::{self, CreatedKey, KeyList, NewKeyBody};
use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, NotFound};
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::{Json, TenantPath, parse_id};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
        .routes(routes!(show_settings, update_settings))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/api-keys",
    operation_id = "create_api_key",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = NewKeyBody,
    responses(
        (status = 201, description = "The key, with its secret shown this once", body = CreatedKey),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(id): TenantPath,
    Json(body): Json<NewKeyBody>,
) -> AppResult<impl IntoResponse> {
    api_keys::create(&state, id, &body, &admin.actor.0).await
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/api-keys",
    operation_id = "list_api_keys",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The tenant's keys, newest first, without secrets", body = KeyList),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %id))]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    api_keys::list(&state, id).await
}

#[utoipa::path(
    delete,
    path = "/tenants/{id}/api-keys/{key_id}",
    operation_id = "revoke_api_key",
    params(
        ("id" = TenantId, Path, description = "The tenant's id"),
        ("key_id" = ApiKeyId, Path, description = "The key's id"),
    ),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKey),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn revoke(
    State(state): State<AppState>,
    _admin: Admin,
    Path((tenant, key)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&tenant, "tenant")?;
    api_keys::revoke(&state, tenant, &key).await
}

/// A tenant's public-API settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiSettings {
    /// Whether the API may send to numbers that did not write in the last
    /// 24 hours (the anti-ban guard is lifted).
    pub send_any_contact: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiSettingsPatch {
    pub send_any_contact: bool,
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/api-settings",
    operation_id = "get_api_settings",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The tenant's public-API settings", body = ApiSettings),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %id))]
async fn show_settings(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    let send_any_contact = state.store.api_send_any_contact(id).await?;
    Ok(axum::Json(ApiSettings { send_any_contact }))
}

/// Lifts the anti-ban guard for the tenant's API sends (or puts it back).
/// WhatsApp bans numbers that message people who did not ask for it; an
/// operator who knows the business's contacts opted in may allow it.
#[utoipa::path(
    patch,
    path = "/tenants/{id}/api-settings",
    operation_id = "update_api_settings",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = ApiSettingsPatch,
    responses(
        (status = 200, description = "The settings as changed", body = ApiSettings),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn update_settings(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(id): TenantPath,
    Json(body): Json<ApiSettingsPatch>,
) -> AppResult<impl IntoResponse> {
    state
        .store
        .set_api_send_any_contact(id, body.send_any_contact)
        .await?;
    tracing::info!(actor = %admin.actor.0, send_any_contact = body.send_any_contact, "public API guard set");
    Ok(axum::Json(ApiSettings {
        send_any_contact: body.send_any_contact,
    }))
}
