//! `/api/portal/tenant/current/quick-replies`: the owner's saved answers
//! (staff read them),
//! with an optional file, that the inbox inserts by "/" and the shortcut
//! (and that an answer names by `quick_reply_id` to send its file).

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_domain::inbox::{self, QuickReply};
use flowhq_domain::media::MAX_MEDIA_BYTES;
use flowhq_domain::{QuickReplyId, TenantId};
use flowhq_store::quick_replies::SaveQuickReplyError;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::menu::media_error;
use crate::api::openapi::responses::{BodyErrors, NotFound, OwnerAuthErrors};
use crate::api::v1::messages::{MAX_TEXT_CHARS, SendMedia};
use crate::auth::{Member, Owner};
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::state::AppState;

/// A body with a 16 MiB file in base64 and the rest.
const MAX_BODY_BYTES: usize = MAX_MEDIA_BYTES / 3 * 4 + 64 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(delete))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// A new quick reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickReplyBody {
    /// What follows "/", e.g. `hours`: letters, digits, `-` and `_`, at
    /// most 32.
    pub shortcut: String,
    /// The answer, or the file's caption (at most 4096 characters).
    #[serde(default)]
    pub text: String,
    /// A JPEG, PNG or WebP image or a PDF, at most 16 MiB.
    pub media: Option<SendMedia>,
}

/// A file given as it was read from a form: name, the type the browser
/// said, bytes.
pub type FormFile = (String, Option<String>, Vec<u8>);

/// Checks and saves a quick reply; `file` is a form's, `media` a JSON
/// body's (at most one is given).
pub async fn save(
    state: &AppState,
    tenant: TenantId,
    shortcut: &str,
    text: &str,
    file: Option<FormFile>,
) -> AppResult<QuickReply> {
    let mut errors: Vec<(&str, String)> = Vec::new();
    let shortcut = inbox::shortcut(shortcut)
        .map_err(|e| errors.push(("shortcut", e)))
        .ok();
    let text = text.trim();
    if text.is_empty() && file.is_none() {
        errors.push(("text", "text must not be empty without a file".into()));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.push((
            "text",
            format!("text must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if inbox::has_control_characters(text) {
        errors.push(("text", "text must not contain control characters".into()));
    }
    if let Some(refused) = AppError::invalid_all(&errors) {
        return Err(refused);
    }
    let media = match file {
        None => None,
        Some((name, mime, bytes)) => Some(
            state
                .media
                .store(&state.store, tenant, &name, mime.as_deref(), bytes)
                .await
                .map_err(|e| media_error(e, "file"))?,
        ),
    };
    let reply = QuickReply {
        id: QuickReplyId::new(),
        shortcut: shortcut.unwrap_or_default(),
        text: text.to_owned(),
        media,
    };
    state
        .store
        .create_quick_reply(tenant, &reply)
        .await
        .map_err(|e| match e {
            SaveQuickReplyError::ShortcutTaken(s) => AppError::invalid(
                "shortcut",
                format!("shortcut /{s} is taken by another quick reply"),
            ),
            SaveQuickReplyError::TooMany => AppError::conflict(e.to_string()),
            SaveQuickReplyError::Store(e) => e.into(),
        })
}

#[utoipa::path(
    get,
    path = "/tenant/current/quick-replies",
    operation_id = "list_own_quick_replies",
    responses(
        (status = 200, description = "The business's quick replies, by shortcut", body = Vec<QuickReply>),
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %member.tenant_id))]
async fn list(State(state): State<AppState>, member: Member) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        state.store.quick_replies(member.tenant_id).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/tenant/current/quick-replies",
    operation_id = "create_own_quick_reply",
    request_body = QuickReplyBody,
    responses(
        (status = 201, description = "Saved", body = QuickReply),
        BodyErrors,
        OwnerAuthErrors,
        (status = 409, description = "The business keeps 200 quick replies already", body = crate::error::ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn create(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<QuickReplyBody>,
) -> AppResult<impl IntoResponse> {
    let file = match body.media {
        None => None,
        Some(media) => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(media.data_base64.trim())
                .map_err(|_| {
                    AppError::invalid("media.data_base64", "media.data_base64 is not base64")
                })?;
            Some((media.file_name, Some(media.mime), bytes))
        }
    };
    let reply = save(&state, owner.tenant_id, &body.shortcut, &body.text, file).await?;
    Ok((StatusCode::CREATED, axum::Json(reply)))
}

#[utoipa::path(
    delete,
    path = "/tenant/current/quick-replies/{id}",
    operation_id = "delete_own_quick_reply",
    params(("id" = String, Path, description = "The quick reply's id")),
    responses(
        (status = 204, description = "Deleted"),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn delete(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let id: QuickReplyId = id.parse().map_err(|_| AppError::NotFound("quick reply"))?;
    if !state.store.delete_quick_reply(owner.tenant_id, id).await? {
        return Err(AppError::NotFound("quick reply"));
    }
    Ok(StatusCode::NO_CONTENT)
}
