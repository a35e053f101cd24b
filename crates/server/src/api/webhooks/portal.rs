//! `/api/portal/tenant/current/webhooks…`: the owner's own endpoints.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_store::Page;
use flowhq_store::webhooks::{Delivery, Owner as Whose, WebhookEndpoint};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CreateBody, DeliveryQuery, EndpointWithSecret, PatchBody, Replayed};
use crate::api::openapi::responses::{BodyErrors, InvalidQuery, NotFound, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(deliveries))
        .routes(routes!(replay_one))
        .routes(routes!(replay_all))
}

fn whose(owner: &Owner) -> Whose {
    Whose::Tenant(owner.tenant_id)
}

#[utoipa::path(
    get,
    path = "/tenant/current/webhooks",
    operation_id = "list_own_webhooks",
    responses(
        (status = 200, description = "The business's webhook endpoints, oldest first (secrets are never shown again)", body = Vec<WebhookEndpoint>),
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn list(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        state.store.webhook_endpoints(whose(&owner)).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/tenant/current/webhooks",
    operation_id = "create_own_webhook",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The endpoint, with its secret shown this once", body = EndpointWithSecret),
        BodyErrors,
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn create(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<CreateBody>,
) -> AppResult<impl IntoResponse> {
    let created = super::create(&state, whose(&owner), body).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[utoipa::path(
    patch,
    path = "/tenant/current/webhooks/{id}",
    operation_id = "update_own_webhook",
    params(("id" = String, Path, description = "The endpoint's id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "The endpoint; `secret` only after a rotation", body = EndpointWithSecret),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn update(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
    Json(body): Json<PatchBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::update(&state, whose(&owner), &id, body).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/tenant/current/webhooks/{id}",
    operation_id = "delete_own_webhook",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Deleted, with its deliveries"),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn delete(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    super::delete(&state, whose(&owner), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/tenant/current/webhooks/{id}/deliveries",
    operation_id = "list_own_webhook_deliveries",
    params(("id" = String, Path, description = "The endpoint's id"), DeliveryQuery),
    responses(
        (status = 200, description = "The delivery log, newest first, each with its attempts; `status=dead` lists the dead letters", body = Page<Delivery>),
        InvalidQuery,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn deliveries(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
    Query(query): Query<DeliveryQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::deliveries(&state, whose(&owner), &id, query).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/tenant/current/webhooks/{id}/deliveries/{delivery_id}/replay",
    operation_id = "replay_own_webhook_delivery",
    params(
        ("id" = String, Path, description = "The endpoint's id"),
        ("delivery_id" = String, Path, description = "The dead letter's id (its webhook-id)"),
    ),
    responses(
        (status = 202, description = "Due again now, with a fresh round of retries", body = Replayed),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn replay_one(
    State(state): State<AppState>,
    owner: Owner,
    Path((id, delivery)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let replayed = super::replay(&state, whose(&owner), &id, Some(&delivery)).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}

#[utoipa::path(
    post,
    path = "/tenant/current/webhooks/{id}/deliveries/replay",
    operation_id = "replay_own_webhook_dead_letters",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "Every dead letter of the endpoint is due again", body = Replayed),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn replay_all(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let replayed = super::replay(&state, whose(&owner), &id, None).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}
