//! `POST /api/admin/tenants/{id}/bot/preview`: what the bot would answer.

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::bot::{self, BotConfig, InvalidOverride, Preview};
use flowhq_domain::entities::TenantConfig;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, NotFound};
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::extract::TenantPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(preview))
}

/// The longest text a preview takes: about what WhatsApp allows.
const MAX_PREVIEW_CHARS: usize = 4096;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    /// What the customer writes: at most 4096 characters.
    pub text: String,
    /// When the message arrives; now when absent.
    pub at: Option<DateTime<Utc>>,
}

/// The 422 for a refused override, naming its key.
pub fn override_error(err: InvalidOverride) -> AppError {
    override_error_at(err, "config.overrides.")
}

/// The 422 for a refused override, naming its key after `prefix`.
pub fn override_error_at(err: InvalidOverride, prefix: &str) -> AppError {
    AppError::invalid(format!("{prefix}{}", err.key()), err.to_string())
}

/// Answers a preview for `tenant` as its bot would, as if from a new contact.
pub async fn preview_for(
    state: &AppState,
    tenant: TenantId,
    body: PreviewBody,
) -> AppResult<Preview> {
    let config = state.store.tenant_config(tenant).await?;
    preview_of(&config, body)
}

/// Answers a preview as the bot of `config` would: a stored configuration,
/// or one with unsaved changes applied.
pub fn preview_of(config: &TenantConfig, body: PreviewBody) -> AppResult<Preview> {
    if body.text.chars().count() > MAX_PREVIEW_CHARS {
        return Err(AppError::invalid(
            "text",
            format!("text must be at most {MAX_PREVIEW_CHARS} characters"),
        ));
    }
    let bot = BotConfig::from_tenant_config(config).map_err(override_error)?;
    Ok(bot::preview(
        &bot,
        &body.text,
        body.at.unwrap_or_else(Utc::now),
    ))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/bot/preview",
    operation_id = "preview_tenant_bot",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = PreviewBody,
    responses(
        (status = 200, description = "What the bot would answer a new contact", body = Preview),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn preview(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
    Json(body): Json<PreviewBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(preview_for(&state, id, body).await?))
}
