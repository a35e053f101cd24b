//! `/api/sim/tenants/{id}/…`: scan the QR (or type the pairing code),
//! unlink, send as a customer, read what the bot sent.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::Utc;
use flowhq_domain::TenantId;
use flowhq_domain::protocol::sim_pairing_code;
use flowhq_store::Page;
use flowhq_store::sim::SimOutbound;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, Conflict, NotFound};
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, parse_id};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(scan))
        .routes(routes!(logout))
        .routes(routes!(inbound))
        .routes(routes!(outbox))
}

/// What the phone does: scan the QR code on show (no body), or type the
/// pairing code the worker showed (`{"pairing_code": "ABCD-EFGH"}`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ScanBody {
    /// The code the worker showed, when linking by phone number.
    pairing_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimLink {
    /// Whether the tenant's worker is linked to the phone now.
    pub linked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimInboundAccepted {
    pub wa_message_id: String,
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/scan",
    operation_id = "sim_scan",
    tag = "simulator",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body(content = Option<ScanBody>, description = "Nothing to scan the QR code on show, or the pairing code typed on the phone"),
    security(("admin_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The phone scanned the QR code or typed the pairing code: the worker's device is linked", body = SimLink),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
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
    Ok(axum::Json(SimLink { linked: true }))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/logout",
    operation_id = "sim_logout",
    tag = "simulator",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    security(("admin_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The phone unlinked the device", body = SimLink),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn logout(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    state.store.sim_unlink(tenant).await?;
    state.sim.poke(tenant);
    Ok(axum::Json(SimLink { linked: false }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct InboundBody {
    /// The customer's WhatsApp address: 1 to 64 characters.
    from: String,
    /// At most 4096 characters.
    text: String,
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/inbound",
    operation_id = "sim_inbound",
    tag = "simulator",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = InboundBody,
    security(("admin_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "A customer message arrived on the network", body = SimInboundAccepted),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
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
    Ok(axum::Json(SimInboundAccepted { wa_message_id }))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/outbox",
    operation_id = "sim_outbox",
    tag = "simulator",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    security(("admin_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "What the bot sent to customers, in one page", body = Page<SimOutbound>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn outbox(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    state.store.tenant(tenant).await?;
    let items = state.store.sim_outbox(tenant, 10_000).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}
