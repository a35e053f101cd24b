//! `/api/portal/tenant/current/*`: the owner's own tenant, and nothing else.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use flowhq_domain::SessionState;
use flowhq_domain::bot::Preview;
use flowhq_domain::entities::{MessageLog, SetupRequest, Tenant, TenantConfig};
use flowhq_store::Page;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::admin::bot::{PreviewBody, preview_of};
use crate::api::admin::qr::{
    NewQrAsked, PairingCodeAsked, PairingCodeBody, QrCode, QrParams, ask_new_qr, ask_pairing_code,
    current_qr,
};
use crate::api::export::{ExportParams, messages_csv};
use crate::api::list::MessageParams;
use crate::api::openapi::responses::{
    BodyErrors, Conflict, InvalidQuery, NotFound, OwnerAuthErrors,
};
use crate::api::portal::settings::SettingsPatch;
use crate::auth::{Member, Owner};
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(qr))
        .routes(routes!(refresh))
        .routes(routes!(pairing_code))
        .routes(routes!(messages))
        .routes(routes!(export_messages))
        .routes(routes!(media_file))
        .routes(routes!(preview))
}

/// The owner asks for an 8-character code to type on their phone instead
/// of scanning (WhatsApp: Linked devices → Link with phone number).
#[utoipa::path(
    post,
    path = "/tenant/current/pairing-code",
    operation_id = "ask_own_pairing_code",
    request_body = PairingCodeBody,
    responses(
        (status = 202, description = "Asked: the code shows in /tenant/current/qr within a heartbeat or two", body = PairingCodeAsked),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn pairing_code(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<PairingCodeBody>,
) -> AppResult<Response> {
    ask_pairing_code(&state, owner.tenant_id, &body.phone_number).await
}

/// The owner asks for new QR codes after the last ones ran out.
#[utoipa::path(
    post,
    path = "/tenant/current/qr/refresh",
    operation_id = "ask_own_new_qr",
    responses(
        (status = 202, description = "Asked: the worker starts a new link attempt", body = NewQrAsked),
        OwnerAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn refresh(State(state): State<AppState>, owner: Owner) -> AppResult<Response> {
    ask_new_qr(&state, owner.tenant_id).await
}

/// What an owner sees of their tenant: less than the admin's view (no
/// worker, no QR code in the session).
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnTenant {
    #[serde(flatten)]
    pub tenant: Tenant,
    pub config: TenantConfig,
    pub session: OwnSession,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnSession {
    pub state: SessionState,
    pub last_seen_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnStatus {
    pub tenant: OwnTenant,
    /// The latest setup request, or null.
    pub setup_request: Option<SetupRequest>,
}

#[utoipa::path(
    get,
    path = "/tenant/current/status",
    operation_id = "get_own_status",
    responses(
        (status = 200, description = "The owner's tenant and its latest setup request", body = OwnStatus),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn status(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    let detail = state.store.tenant_detail(owner.tenant_id).await?;
    Ok(axum::Json(OwnStatus {
        tenant: OwnTenant {
            tenant: detail.tenant,
            config: detail.config,
            session: OwnSession {
                state: detail.session.state,
                last_seen_at: detail.session.last_seen_at,
            },
        },
        setup_request: detail.setup_request,
    }))
}

/// The owner's own QR code, as the admin one (`?format=svg` for an image).
#[utoipa::path(
    get,
    path = "/tenant/current/qr",
    operation_id = "get_own_qr",
    params(QrParams),
    responses(
        (status = 200, description = "The current QR code", content((QrCode = "application/json"), (String = "image/svg+xml"))),
        InvalidQuery,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn qr(
    State(state): State<AppState>,
    owner: Owner,
    Query(params): Query<QrParams>,
) -> AppResult<Response> {
    current_qr(&state, owner.tenant_id, params.format.as_deref()).await
}

#[utoipa::path(
    get,
    path = "/tenant/current/messages",
    operation_id = "list_own_messages",
    params(MessageParams),
    responses(
        (status = 200, description = "The owner's message log, newest first", body = Page<MessageLog>),
        InvalidQuery,
        OwnerAuthErrors,
        NotFound,
    )
)]
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

#[utoipa::path(
    get,
    path = "/tenant/current/messages/export",
    operation_id = "export_own_messages",
    params(ExportParams),
    responses(
        (status = 200, description = "The messages of the days asked for, oldest first, as CSV (time in the business's zone, direction, from, to, text, bot decision, file name and type)", content_type = "text/csv", body = String),
        InvalidQuery,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn export_messages(
    State(state): State<AppState>,
    owner: Owner,
    Query(params): Query<ExportParams>,
) -> AppResult<Response> {
    messages_csv(&state, owner.tenant_id, &params).await
}

#[utoipa::path(
    get,
    path = "/tenant/current/media/{sha256}",
    operation_id = "get_own_media",
    params(("sha256" = String, Path, description = "The file's SHA-256, lower-case hex")),
    responses(
        (status = 200, description = "The file, with its type", content_type = "application/octet-stream", body = Vec<u8>),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %member.tenant_id))]
async fn media_file(
    State(state): State<AppState>,
    member: Member,
    axum::extract::Path(sha256): axum::extract::Path<String>,
) -> AppResult<Response> {
    crate::api::media::file_response(&state, member.tenant_id, &sha256).await
}

/// A preview as the owner asks for it: optionally with settings not saved
/// yet.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnPreviewBody {
    /// What the customer writes: at most 4096 characters.
    pub text: String,
    /// When the message arrives; now when absent.
    pub at: Option<DateTime<Utc>>,
    /// Unsaved changes, as `PATCH /tenant/current/config` takes them: the
    /// preview answers as the bot would after that PATCH. Refusals name the
    /// field as the PATCH would.
    pub settings: Option<SettingsPatch>,
}

#[utoipa::path(
    post,
    path = "/tenant/current/bot/preview",
    operation_id = "preview_own_bot",
    request_body = OwnPreviewBody,
    responses(
        (status = 200, description = "What the bot would answer a new contact", body = Preview),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn preview(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<OwnPreviewBody>,
) -> AppResult<impl IntoResponse> {
    let current = state.store.tenant_config(owner.tenant_id).await?;
    let config = match body.settings {
        Some(settings) => settings
            .into_config_patch(&state, &current, crate::api::menu::Files::CheckOnly)
            .await?
            .applied_to(current),
        None => current,
    };
    let asked = PreviewBody {
        text: body.text,
        at: body.at,
    };
    Ok(axum::Json(preview_of(&config, asked)?))
}
