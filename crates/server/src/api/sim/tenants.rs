//! `/api/sim/tenants/{id}/…`: scan the QR (or type the pairing code),
//! unlink, send as a customer, read what the bot sent, and read it as the
//! customer does (READ receipts).

use axum::extract::{DefaultBodyLimit, State};
use axum::response::IntoResponse;
use flowhq_domain::TenantId;
use flowhq_domain::protocol::SimMedia;
use flowhq_sim::SimOutbound;
use flowhq_store::Page;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, Conflict, NotFound};
use crate::api::worker::sim::network;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::extract::TenantPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(scan))
        .routes(routes!(logout))
        // A customer's message may carry a file.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(inbound))
                .layer(DefaultBodyLimit::max(flowhq_sim::MAX_BODY_BYTES)),
        )
        .routes(routes!(outbox))
        .routes(routes!(read))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReadBody {
    /// The customer who opens their chat with the business.
    from: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimRead {
    /// How many messages the business sent them became READ.
    pub read: u64,
}

/// The customer `from` opens the chat: what the business sent them and
/// they had not read gets a READ receipt, which the worker reports like
/// WhatsApp's blue ticks. (Every send is DELIVERED at once.)
#[utoipa::path(
    post,
    path = "/tenants/{id}/read",
    operation_id = "sim_read",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = ReadBody,
    responses(
        (status = 200, description = "The customer read the chat", body = SimRead),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn read(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
    Json(body): Json<ReadBody>,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(tenant).await?;
    let read = network(&state)?.read(tenant, &body.from)?;
    Ok(axum::Json(SimRead { read }))
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
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body(content = Option<ScanBody>, description = "Nothing to scan the QR code on show, or the pairing code typed on the phone"),
    responses(
        (status = 200, description = "The phone scanned the QR code or typed the pairing code: the worker's device is linked", body = SimLink),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn scan(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
    body: axum::body::Bytes,
) -> AppResult<impl IntoResponse> {
    let body: ScanBody = if body.iter().all(u8::is_ascii_whitespace) {
        ScanBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::BadRequest(format!("invalid JSON body: {e}")))?
    };
    state.store.tenant(tenant).await?;
    network(&state)?.scan(tenant, body.pairing_code.as_deref())?;
    Ok(axum::Json(SimLink { linked: true }))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/logout",
    operation_id = "sim_logout",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The phone unlinked the device", body = SimLink),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn logout(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(tenant).await?;
    network(&state)?.logout(tenant)?;
    Ok(axum::Json(SimLink { linked: false }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct InboundBody {
    /// The customer's WhatsApp address: 1 to 64 characters.
    from: String,
    /// At most 4096 characters; with `media`, its caption (may be empty).
    #[serde(default)]
    text: String,
    /// A photo or document the customer sends (at most 16 MiB).
    media: Option<SimMedia>,
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/inbound",
    operation_id = "sim_inbound",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = InboundBody,
    responses(
        (status = 200, description = "A customer message arrived on the network", body = SimInboundAccepted),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn inbound(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
    Json(body): Json<InboundBody>,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(tenant).await?;
    let wa_message_id = network(&state)?.inbound(tenant, &body.from, &body.text, body.media)?;
    Ok(axum::Json(SimInboundAccepted { wa_message_id }))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/outbox",
    operation_id = "sim_outbox",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "What the bot sent to customers, in one page", body = Page<SimOutbound>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn outbox(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(tenant).await?;
    let items = network(&state)?.outbox(tenant, 10_000)?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}
