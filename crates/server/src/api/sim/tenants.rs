//! `/api/sim/tenants/{id}/…`: scan the QR (or type the pairing code),
//! unlink, send as a customer, read what the bot sent.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::Utc;
use flowhq_domain::TenantId;
use flowhq_domain::protocol::sim_pairing_code;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, parse_id};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenants/{id}/scan", post(scan))
        .route("/tenants/{id}/logout", post(logout))
        .route("/tenants/{id}/inbound", post(inbound))
        .route("/tenants/{id}/outbox", get(outbox))
}

/// What the phone does: scan the QR code on show (no body), or type the
/// pairing code the worker showed (`{"pairing_code": "ABCD-EFGH"}`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanBody {
    pairing_code: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn scan(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let body: ScanBody = if body.iter().all(u8::is_ascii_whitespace) {
        ScanBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::BadRequest(format!("invalid JSON body: {e}")))?
    };
    if let Some(typed) = &body.pairing_code {
        let typed: String = typed
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        let device = state
            .store
            .sim_device(tenant, Utc::now(), crate::sim::new_qr_code)
            .await?;
        let expected = device
            .qr
            .filter(|_| !device.linked)
            .map(|qr| sim_pairing_code(&qr));
        if expected.as_deref() != Some(typed.as_str()) {
            return Err(AppError::invalid(
                "pairing_code",
                "pairing_code is not the code on show (it changes with the QR code)",
            ));
        }
    }
    let credentials: String = rand::random::<[u8; 32]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    state
        .store
        .sim_link(tenant, &credentials, Utc::now())
        .await?;
    state.sim.poke(tenant);
    Ok(axum::Json(json!({ "linked": true })))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn logout(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    state.store.sim_unlink(tenant).await?;
    state.sim.poke(tenant);
    Ok(axum::Json(json!({ "linked": false })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundBody {
    from: String,
    text: String,
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn inbound(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Json(body): Json<InboundBody>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let from = body.from.trim();
    if from.is_empty() || from.len() > 64 {
        return Err(AppError::invalid("from", "from must be 1 to 64 characters"));
    }
    if body.text.chars().count() > 4096 {
        return Err(AppError::invalid(
            "text",
            "text must be at most 4096 characters",
        ));
    }
    let wa_message_id = format!("SIMIN{}", uuid::Uuid::now_v7().simple()).to_uppercase();
    state
        .store
        .sim_push_inbound(tenant, &wa_message_id, from, &body.text, Utc::now())
        .await?;
    state.sim.poke(tenant);
    Ok(axum::Json(json!({ "wa_message_id": wa_message_id })))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn outbox(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    state.store.tenant(tenant).await?;
    let items = state.store.sim_outbox(tenant, 10_000).await?;
    Ok(axum::Json(json!({ "items": items, "next_cursor": null })))
}
