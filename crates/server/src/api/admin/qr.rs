//! Linking a tenant's WhatsApp: `GET /api/admin/tenants/{id}/qr` (the QR
//! code, as JSON or `?format=svg` an image, and the pairing code when the
//! owner asked for one), `POST …/pairing-code` (link by typing a code on
//! the phone instead of scanning) and `POST …/qr/refresh` (new QR codes
//! after the last ones ran out).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::entities::WhatsappSession;
use flowhq_domain::values::PhoneNumber;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{
    AdminAuthErrors, BodyErrors, Conflict, InvalidQuery, NotFound,
};
use crate::auth::Admin;
use crate::error::{AppError, AppResult, FieldContext};
use crate::extract::TenantPath;
use crate::extract::{Json, Query};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(qr))
        .routes(routes!(refresh))
        .routes(routes!(pairing_code))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QrParams {
    /// `json` (default) or `svg` for an image.
    #[param(pattern = "^(json|svg)?$")]
    pub format: Option<String>,
}

/// How to link the tenant's WhatsApp now: a QR code for "Link a device"
/// while one is valid, and the pairing code when the owner asked for one.
#[derive(Debug, Serialize, ToSchema)]
pub struct QrCode {
    /// The text to encode as a QR code.
    pub qr: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// 8 characters to type on the phone instead of scanning.
    pub pairing_code: Option<String>,
    pub pairing_code_expires_at: Option<DateTime<Utc>>,
}

/// A pairing code was asked for; it shows in `GET …/qr` once the worker
/// has it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairingCodeAsked {
    pub phone_number: Option<String>,
    pub requested_at: Option<DateTime<Utc>>,
}

/// New QR codes were asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewQrAsked {
    pub requested_at: Option<DateTime<Utc>>,
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/qr",
    operation_id = "get_tenant_qr",
    params(("id" = TenantId, Path, description = "The tenant's id"), QrParams),
    responses(
        (status = 200, description = "The current QR code and/or pairing code", content((QrCode = "application/json"), (String = "image/svg+xml"))),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn qr(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
    Query(params): Query<QrParams>,
) -> AppResult<Response> {
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

/// The tenant's current QR code as docs/api.md shows it, with the pairing code
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
            let expires_at = code.as_ref().and(session.qr_expires_at);
            let pairing_code_expires_at =
                pairing_code.as_ref().and(session.pairing_code_expires_at);
            Ok(axum::Json(QrCode {
                qr: code,
                expires_at,
                pairing_code,
                pairing_code_expires_at,
            })
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingCodeBody {
    /// The business's WhatsApp number, E.164 (`+` and digits).
    pub phone_number: String,
}

/// Records the request and asks the worker; the code shows in `GET …/qr`
/// once WhatsApp issued it. 202: asked, not done.
pub async fn ask_pairing_code(
    state: &AppState,
    tenant: TenantId,
    phone_number: &str,
) -> AppResult<Response> {
    let phone = PhoneNumber::parse(phone_number).field("phone_number")?;
    let session = crate::lifecycle::ask_pairing_code(state, tenant, phone.as_str()).await?;
    tracing::info!("pairing code requested");
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(PairingCodeAsked {
            phone_number: session.pairing_phone_number,
            requested_at: session.pairing_requested_at,
        }),
    )
        .into_response())
}

/// Records the request for new QR codes and asks the worker, which starts
/// a new link attempt. 202: asked, not done.
pub async fn ask_new_qr(state: &AppState, tenant: TenantId) -> AppResult<Response> {
    let session = crate::lifecycle::ask_new_qr(state, tenant).await?;
    tracing::info!("new QR codes requested");
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(NewQrAsked {
            requested_at: session.new_qr_requested_at,
        }),
    )
        .into_response())
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/pairing-code",
    operation_id = "ask_tenant_pairing_code",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = PairingCodeBody,
    responses(
        (status = 202, description = "Asked: the worker shows the code within a heartbeat or two", body = PairingCodeAsked),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn pairing_code(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
    Json(body): Json<PairingCodeBody>,
) -> AppResult<Response> {
    ask_pairing_code(&state, tenant, &body.phone_number).await
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/qr/refresh",
    operation_id = "ask_tenant_new_qr",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 202, description = "Asked: the worker starts a new link attempt", body = NewQrAsked),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn refresh(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<Response> {
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
