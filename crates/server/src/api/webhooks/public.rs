//! `/api/v1/webhooks…`: the endpoints of the key's tenant, for
//! integrations; every operation needs the `webhooks:manage` scope.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_store::Page;
use flowhq_store::webhooks::{Delivery, Owner as Whose, WebhookEndpoint};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CreateBody, DeliveryQuery, EndpointWithSecret, PatchBody, Replayed};
use crate::api::openapi::responses::{ApiKeyAuthErrors, BodyErrors, InvalidQuery, NotFound};
use crate::auth::ApiCaller;
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::state::AppState;
use flowhq_domain::api_keys::Scope;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(deliveries))
        .routes(routes!(replay_one))
        .routes(routes!(replay_all))
}

/// The key's tenant, once the key is known to manage webhooks.
fn whose(caller: &ApiCaller) -> crate::error::AppResult<Whose> {
    caller.require(Scope::WebhooksManage)?;
    Ok(Whose::Tenant(caller.tenant_id()))
}

#[utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "list_api_webhooks",
    responses(
        (status = 200, description = "The business's webhook endpoints, oldest first (secrets are never shown again)", body = Vec<WebhookEndpoint>),
        ApiKeyAuthErrors,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn list(State(state): State<AppState>, caller: ApiCaller) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        state.store.webhook_endpoints(whose(&caller)?).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "create_api_webhook",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The endpoint, with its secret shown this once", body = EndpointWithSecret),
        BodyErrors,
        ApiKeyAuthErrors,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    Json(body): Json<CreateBody>,
) -> AppResult<impl IntoResponse> {
    let created = super::create(&state, whose(&caller)?, body).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[utoipa::path(
    patch,
    path = "/webhooks/{id}",
    operation_id = "update_api_webhook",
    params(("id" = String, Path, description = "The endpoint's id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "The endpoint; `secret` only after a rotation", body = EndpointWithSecret),
        BodyErrors,
        ApiKeyAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    Json(body): Json<PatchBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::update(&state, whose(&caller)?, &id, body).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "delete_api_webhook",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Deleted, with its deliveries"),
        ApiKeyAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn delete(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    super::delete(&state, whose(&caller)?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/webhooks/{id}/deliveries",
    operation_id = "list_api_webhook_deliveries",
    params(("id" = String, Path, description = "The endpoint's id"), DeliveryQuery),
    responses(
        (status = 200, description = "The delivery log, newest first, each with its attempts; `status=dead` lists the dead letters", body = Page<Delivery>),
        InvalidQuery,
        ApiKeyAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn deliveries(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    Query(query): Query<DeliveryQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::deliveries(&state, whose(&caller)?, &id, query).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/webhooks/{id}/deliveries/{delivery_id}/replay",
    operation_id = "replay_api_webhook_delivery",
    params(
        ("id" = String, Path, description = "The endpoint's id"),
        ("delivery_id" = String, Path, description = "The dead letter's id (its webhook-id)"),
    ),
    responses(
        (status = 202, description = "Due again now, with a fresh round of retries", body = Replayed),
        ApiKeyAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn replay_one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, delivery)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let replayed = super::replay(&state, whose(&caller)?, &id, Some(&delivery)).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}

#[utoipa::path(
    post,
    path = "/webhooks/{id}/deliveries/replay",
    operation_id = "replay_api_webhook_dead_letters",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "Every dead letter of the endpoint is due again", body = Replayed),
        ApiKeyAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn replay_all(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let replayed = super::replay(&state, whose(&caller)?, &id, None).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}
