//! `GET /api/admin/tenants/{id}/qr`: the QR code to link the tenant's
//! WhatsApp, as JSON or (`?format=svg`) as an image.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, InvalidQuery, NotFound};
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::{Query, parse_id};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(qr))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QrParams {
    /// `json` (default) or `svg` for an image.
    #[param(pattern = "^(json|svg)?$")]
    pub format: Option<String>,
}

/// A QR code for WhatsApp's "Link a device", while it is valid.
#[derive(Debug, Serialize, ToSchema)]
pub struct QrCode {
    /// The text to encode as a QR code.
    pub qr: String,
    pub expires_at: Option<DateTime<Utc>>,
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/qr",
    operation_id = "get_tenant_qr",
    tag = "admin",
    params(("id" = TenantId, Path, description = "The tenant's id"), QrParams),
    security(("admin_token" = []), ("session_cookie" = [])),
    responses(
        (status = 200, description = "The current QR code", content((QrCode = "application/json"), (String = "image/svg+xml"))),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
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

/// The tenant's current QR code as API.md shows it; shared with the
/// portal's `/tenant/current/qr`.
pub async fn current_qr(
    state: &AppState,
    tenant: TenantId,
    format: Option<&str>,
) -> AppResult<Response> {
    let session = state.store.session(tenant).await?;
    let code = session
        .last_qr
        .filter(|_| session.qr_expires_at.is_none_or(|at| at > Utc::now()))
        .ok_or(AppError::NotFound("QR code"))?;
    match format {
        None | Some("") | Some("json") => Ok(axum::Json(QrCode {
            qr: code,
            expires_at: session.qr_expires_at,
        })
        .into_response()),
        Some("svg") => {
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
