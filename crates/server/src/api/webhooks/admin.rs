//! `/api/admin/webhooks…`: the operators' endpoint, which gets every
//! tenant's events; `/api/admin/tenants/{id}/webhooks…`: a tenant's
//! endpoints, for operators helping its owner (delivery log, replay).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_domain::TenantId;
use flowhq_store::Page;
use flowhq_store::webhooks::{Delivery, Owner as Whose, WebhookEndpoint};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CreateBody, DeliveryQuery, EndpointWithSecret, PatchBody, Replayed};
use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, InvalidQuery, NotFound};
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::{Json, Query, parse_id};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(deliveries))
        .routes(routes!(replay_one))
        .routes(routes!(replay_all))
        .routes(routes!(tenant_list))
        .routes(routes!(tenant_deliveries))
        .routes(routes!(tenant_replay_all))
}

const OPERATORS: Whose = Whose::Operator;

#[utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "list_operator_webhooks",
    responses(
        (status = 200, description = "The operators' endpoints: each gets every tenant's subscribed events", body = Vec<WebhookEndpoint>),
        AdminAuthErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn list(State(state): State<AppState>, _admin: Admin) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(state.store.webhook_endpoints(OPERATORS).await?))
}

#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "create_operator_webhook",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The endpoint, with its secret shown this once", body = EndpointWithSecret),
        BodyErrors,
        AdminAuthErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    _admin: Admin,
    Json(body): Json<CreateBody>,
) -> AppResult<impl IntoResponse> {
    let created = super::create(&state, OPERATORS, body).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[utoipa::path(
    patch,
    path = "/webhooks/{id}",
    operation_id = "update_operator_webhook",
    params(("id" = String, Path, description = "The endpoint's id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "The endpoint; `secret` only after a rotation", body = EndpointWithSecret),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn update(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Json(body): Json<PatchBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::update(&state, OPERATORS, &id, body).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "delete_operator_webhook",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Deleted, with its deliveries"),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn delete(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    super::delete(&state, OPERATORS, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/webhooks/{id}/deliveries",
    operation_id = "list_operator_webhook_deliveries",
    params(("id" = String, Path, description = "The endpoint's id"), DeliveryQuery),
    responses(
        (status = 200, description = "The delivery log, newest first; `status=dead` lists the dead letters", body = Page<Delivery>),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn deliveries(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Query(query): Query<DeliveryQuery>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::deliveries(&state, OPERATORS, &id, query).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/webhooks/{id}/deliveries/{delivery_id}/replay",
    operation_id = "replay_operator_webhook_delivery",
    params(
        ("id" = String, Path, description = "The endpoint's id"),
        ("delivery_id" = String, Path, description = "The dead letter's id (its webhook-id)"),
    ),
    responses(
        (status = 202, description = "Due again now, with a fresh round of retries", body = Replayed),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn replay_one(
    State(state): State<AppState>,
    _admin: Admin,
    Path((id, delivery)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let replayed = super::replay(&state, OPERATORS, &id, Some(&delivery)).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}

#[utoipa::path(
    post,
    path = "/webhooks/{id}/deliveries/replay",
    operation_id = "replay_operator_webhook_dead_letters",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "Every dead letter of the endpoint is due again", body = Replayed),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn replay_all(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let replayed = super::replay(&state, OPERATORS, &id, None).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}

/// A tenant named in the path, checked to exist (a 404 otherwise).
async fn tenant(state: &AppState, raw: &str) -> AppResult<Whose> {
    let id: TenantId = parse_id(raw, "tenant")?;
    state.store.tenant(id).await?;
    Ok(Whose::Tenant(id))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/webhooks",
    operation_id = "list_tenant_webhooks",
    params(("id" = String, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The tenant's own endpoints", body = Vec<WebhookEndpoint>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn tenant_list(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let whose = tenant(&state, &id).await?;
    Ok(axum::Json(state.store.webhook_endpoints(whose).await?))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/webhooks/{webhook_id}/deliveries",
    operation_id = "list_tenant_webhook_deliveries",
    params(
        ("id" = String, Path, description = "The tenant's id"),
        ("webhook_id" = String, Path, description = "The endpoint's id"),
        DeliveryQuery,
    ),
    responses(
        (status = 200, description = "The endpoint's delivery log, newest first", body = Page<Delivery>),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn tenant_deliveries(
    State(state): State<AppState>,
    _admin: Admin,
    Path((id, webhook)): Path<(String, String)>,
    Query(query): Query<DeliveryQuery>,
) -> AppResult<impl IntoResponse> {
    let whose = tenant(&state, &id).await?;
    Ok(axum::Json(
        super::deliveries(&state, whose, &webhook, query).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/webhooks/{webhook_id}/deliveries/replay",
    operation_id = "replay_tenant_webhook_dead_letters",
    params(
        ("id" = String, Path, description = "The tenant's id"),
        ("webhook_id" = String, Path, description = "The endpoint's id"),
    ),
    responses(
        (status = 202, description = "Every dead letter of the endpoint is due again", body = Replayed),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn tenant_replay_all(
    State(state): State<AppState>,
    _admin: Admin,
    Path((id, webhook)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let whose = tenant(&state, &id).await?;
    let replayed = super::replay(&state, whose, &webhook, None).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(replayed)))
}
