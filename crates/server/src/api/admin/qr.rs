//! Linking a tenant's WhatsApp: `GET /api/admin/tenants/{id}/qr` (the QR
//! code, as JSON or `?format=svg` an image, and the pairing code when the
//! owner asked for one), `POST …/pairing-code` (link by typing a code on
//! the phone instead of scanning) and `POST …/qr/refresh` (new QR codes
//! after the last ones ran out).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use flowhq_domain::TenantId;
use flowhq_domain::entities::WhatsappSession;
use flowhq_domain::values::PhoneNumber;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Admin;
use crate::error::{AppError, AppResult, FieldContext};
use crate::extract::{Json, Query, parse_id};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenants/{id}/qr", get(qr))
        .route("/tenants/{id}/qr/refresh", post(refresh))
        .route("/tenants/{id}/pairing-code", post(pairing_code))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrParams {
    pub format: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn qr(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Query(params): Query<QrParams>,
) -> AppResult<Response> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    current_qr(&state, tenant, params.format.as_deref()).await
}

/// The pairing code on show, if one is and has not expired.
pub fn current_pairing_code(session: &WhatsappSession) -> Option<String> {
    session.pairing_code.clone().filter(|_| {
        session
            .pairing_code_expires_at
            .is_none_or(|at| at > Utc::now())
    })
}

/// The tenant's current QR code as API.md shows it, with the pairing code
/// when there is one; shared with the portal's `/tenant/current/qr`.
pub async fn current_qr(
    state: &AppState,
    tenant: TenantId,
    format: Option<&str>,
) -> AppResult<Response> {
    let session = state.store.session(tenant).await?;
    let pairing_code = current_pairing_code(&session);
    let code = session
        .last_qr
        .clone()
        .filter(|_| session.qr_expires_at.is_none_or(|at| at > Utc::now()));
    match format {
        None | Some("") | Some("json") => {
            if code.is_none() && pairing_code.is_none() {
                return Err(AppError::NotFound("QR code"));
            }
            Ok(axum::Json(json!({
                "qr": code,
                "expires_at": code.as_ref().and(session.qr_expires_at),
                "pairing_code": pairing_code,
                "pairing_code_expires_at": pairing_code.as_ref().and(session.pairing_code_expires_at),
            }))
            .into_response())
        }
        Some("svg") => {
            let code = code.ok_or(AppError::NotFound("QR code"))?;
            let svg = render_svg(&code)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                svg,
            )
                .into_response())
        }
        Some(_) => Err(AppError::invalid("format", "format must be json or svg")),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairingCodeBody {
    pub phone_number: String,
}

/// Records the request for the worker; the code shows in `GET …/qr` once
/// the worker has it (within a heartbeat or two). 202: asked, not done.
pub async fn ask_pairing_code(
    state: &AppState,
    tenant: TenantId,
    phone_number: &str,
) -> AppResult<Response> {
    let phone = PhoneNumber::parse(phone_number).field("phone_number")?;
    let session = state
        .store
        .request_pairing_code(tenant, phone.as_str(), Utc::now())
        .await?;
    tracing::info!("pairing code requested");
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({
            "phone_number": session.pairing_phone_number,
            "requested_at": session.pairing_requested_at,
        })),
    )
        .into_response())
}

/// Records the request for new QR codes; the worker starts a new link
/// attempt at its next heartbeat. 202: asked, not done.
pub async fn ask_new_qr(state: &AppState, tenant: TenantId) -> AppResult<Response> {
    let session = state.store.request_new_qr(tenant, Utc::now()).await?;
    tracing::info!("new QR codes requested");
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({ "requested_at": session.new_qr_requested_at })),
    )
        .into_response())
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn pairing_code(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Json(body): Json<PairingCodeBody>,
) -> AppResult<Response> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    ask_pairing_code(&state, tenant, &body.phone_number).await
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn refresh(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    ask_new_qr(&state, tenant).await
}

pub fn render_svg(code: &str) -> AppResult<String> {
    let qr = qrcode::QrCode::new(code.as_bytes())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding a QR code: {e}")))?;
    Ok(qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_codes_render_as_svg() {
        let svg = super::render_svg("2@simabc").unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
        assert!(svg.contains("</svg>"));
    }
}
