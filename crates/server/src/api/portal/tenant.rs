//! `/api/portal/tenant/current/*`: the owner's own tenant, and nothing else.

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;

use crate::api::admin::bot::{PreviewBody, preview_for};
use crate::api::admin::qr::{PairingCodeBody, QrParams, ask_new_qr, ask_pairing_code, current_qr};
use crate::api::admin::tenants::MessageParams;
use crate::auth::Owner;
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenant/current/status", get(status))
        .route("/tenant/current/messages", get(messages))
        .route("/tenant/current/bot/preview", post(preview))
        .route("/tenant/current/qr", get(qr))
        .route("/tenant/current/qr/refresh", post(refresh))
        .route("/tenant/current/pairing-code", post(pairing_code))
}

#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn qr(
    State(state): State<AppState>,
    owner: Owner,
    Query(params): Query<QrParams>,
) -> AppResult<axum::response::Response> {
    current_qr(&state, owner.tenant_id, params.format.as_deref()).await
}

#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn pairing_code(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<PairingCodeBody>,
) -> AppResult<axum::response::Response> {
    ask_pairing_code(&state, owner.tenant_id, &body.phone_number).await
}

#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn refresh(
    State(state): State<AppState>,
    owner: Owner,
) -> AppResult<axum::response::Response> {
    ask_new_qr(&state, owner.tenant_id).await
}

#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn status(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    let detail = state.store.tenant_detail(owner.tenant_id).await?;
    let mut tenant = serde_json::to_value(&detail.tenant).map_err(anyhow::Error::from)?;
    tenant["config"] = serde_json::to_value(&detail.config).map_err(anyhow::Error::from)?;
    tenant["session"] =
        json!({ "state": detail.session.state, "last_seen_at": detail.session.last_seen_at });
    Ok(axum::Json(
        json!({ "tenant": tenant, "setup_request": detail.setup_request }),
    ))
}

#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn messages(
    State(state): State<AppState>,
    owner: Owner,
    Query(params): Query<MessageParams>,
) -> AppResult<impl IntoResponse> {
    let (limit, before) = params.parse()?;
    Ok(axum::Json(
        state
            .store
            .list_messages(owner.tenant_id, limit, before)
            .await?,
    ))
}

#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn preview(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<PreviewBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        preview_for(&state, owner.tenant_id, body).await?,
    ))
}
