//! `POST /api/v1/messages` (send a text or a file to a customer) and
//! `GET /api/v1/messages` (read the message log, of one contact or all).
//!
//! A send is queued for the tenant's worker like the inbox's sends, and
//! handed over at once when the worker is connected. Two guards keep an
//! integration from getting the business's number banned: by default it
//! may only write to people who wrote in the last 24 hours (WhatsApp's own
//! customer-service window; an operator can lift it per tenant), and at
//! most [`SENDS_PER_MINUTE`] sends a minute go out per tenant.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{TimeDelta, Utc};
use flowhq_domain::api_keys::Scope;
use flowhq_domain::entities::MessageLog;
use flowhq_domain::media::MAX_MEDIA_BYTES;
use flowhq_domain::values::PhoneNumber;
use flowhq_store::Page;
use flowhq_store::api_keys::{ApiSend, ApiSendOutcome};
use flowhq_store::sends::QueuedSend;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::list::MessageParams;
use crate::api::menu::media_error;
use crate::api::openapi::responses::{
    ApiKeyAuthErrors, BodyErrors, Conflict, InvalidQuery, Throttled,
};
use crate::auth::ApiCaller;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Query};
use crate::state::AppState;

/// Sends a minute per tenant through the API: a person's pace of replies
/// at a busy counter, far below what gets a number flagged for spam.
pub const SENDS_PER_MINUTE: u32 = 20;

/// Who may be written to while the guard is on: people who wrote within
/// this long.
pub const CONTACT_WINDOW: TimeDelta = TimeDelta::hours(24);

/// WhatsApp's longest text message.
pub const MAX_TEXT_CHARS: usize = 4096;

/// The longest `Idempotency-Key`.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// A body with a 16 MiB file in base64 (4/3 of it) and the rest.
const MAX_SEND_BODY_BYTES: usize = MAX_MEDIA_BYTES / 3 * 4 + 64 * 1024;

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(
        OpenApiRouter::new()
            .routes(routes!(send, list))
            .layer(DefaultBodyLimit::max(MAX_SEND_BODY_BYTES)),
    )
}

/// A text, or a file with an optional caption, to one number.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBody {
    /// E.164, e.g. `+5511987654321`.
    pub to: String,
    /// The text, or the file's caption; required without `media`.
    pub text: Option<String>,
    pub media: Option<SendMedia>,
}

/// A file to send: a JPEG, PNG or WebP image or a PDF, at most 16 MiB.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMedia {
    pub file_name: String,
    /// Checked against the content.
    pub mime: String,
    pub data_base64: String,
}

/// Where a send is.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub enum SendStatus {
    /// Kept for the tenant's worker, which sends it when it is connected.
    #[serde(rename = "QUEUED")]
    Queued,
}

/// A send accepted; the same answer comes again for its `Idempotency-Key`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    /// The message's id in the log (its `client_id`) once sent.
    pub id: String,
    pub status: SendStatus,
}

/// `Idempotency-Key`: a header of a send.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct SendHeaders {
    /// Any string up to 255 characters; the same key within 24 hours gets
    /// the first answer and sends nothing again.
    #[param(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
}

/// A checked send, not queued yet.
struct Checked {
    to: PhoneNumber,
    text: String,
    media: Option<SendMedia>,
}

fn check(body: SendBody) -> AppResult<Checked> {
    let mut errors: Vec<(&str, String)> = Vec::new();
    let to = PhoneNumber::parse(&body.to)
        .map_err(|e| errors.push(("to", format!("to {e}"))))
        .ok();
    let text = body.text.unwrap_or_default();
    let text = text.trim();
    if text.is_empty() && body.media.is_none() {
        errors.push(("text", "text must not be empty without media".into()));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.push((
            "text",
            format!("text must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if let Some(media) = &body.media {
        if media.file_name.trim().is_empty() {
            errors.push((
                "media.file_name",
                "media.file_name must not be empty".into(),
            ));
        }
        if media.data_base64.trim().is_empty() {
            errors.push((
                "media.data_base64",
                "media.data_base64 must not be empty".into(),
            ));
        }
    }
    if let Some(refused) = AppError::invalid_all(&errors) {
        return Err(refused);
    }
    // `to` refused pushed its own error above.
    let to = to.ok_or_else(|| AppError::invalid("to", "to is not a phone number"))?;
    Ok(Checked {
        to,
        text: text.to_owned(),
        media: body.media,
    })
}

fn idempotency_key(headers: &HeaderMap) -> AppResult<Option<String>> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().ok().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(AppError::invalid(
            "Idempotency-Key",
            format!("Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// The answer kept for an idempotency key, as sent the first time.
fn replayed(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::ACCEPTED);
    let mut response = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

fn key_reused() -> AppError {
    AppError::conflict("this Idempotency-Key was used for another request in the last 24 hours")
}

/// Needs the scope `messages:send`. Queued for the tenant's worker and
/// handed over at once when it is connected; the answer says it is
/// queued (the message log shows it once sent).
#[utoipa::path(
    post,
    path = "/messages",
    operation_id = "send_api_message",
    params(SendHeaders),
    request_body = SendBody,
    responses(
        (status = 202, description = "Accepted: queued for the worker", body = Accepted),
        BodyErrors,
        ApiKeyAuthErrors,
        Conflict,
        Throttled,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %caller.tenant_id(), key = %caller.key.id))]
async fn send(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Json(body): Json<SendBody>,
) -> AppResult<Response> {
    caller.require(Scope::MessagesSend)?;
    let tenant = caller.tenant_id();
    let key = idempotency_key(&headers)?;
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&body).map_err(|e| AppError::Internal(e.into()))?,
    ));
    let checked = check(body)?;
    // A repeat is answered before the file is stored again.
    if let Some(key) = &key
        && let Some((hash, status, answer)) = state.store.idempotent_answer(tenant, key).await?
    {
        return if hash == request_hash {
            Ok(replayed(status, answer))
        } else {
            Err(key_reused())
        };
    }
    let media = match &checked.media {
        None => None,
        Some(m) => Some(
            state
                .media
                .store_base64(
                    &state.store,
                    tenant,
                    &m.file_name,
                    Some(&m.mime),
                    &m.data_base64,
                )
                .await
                .map_err(|e| media_error(e, "media"))?,
        ),
    };
    let queued = QueuedSend {
        id: uuid::Uuid::now_v7().to_string(),
        to: checked.to.to_string(),
        text: checked.text,
        media,
        sent_by: None,
        created_at: Utc::now(),
    };
    let accepted = Accepted {
        id: queued.id.clone(),
        status: SendStatus::Queued,
    };
    let answer = serde_json::to_string(&accepted).map_err(|e| AppError::Internal(e.into()))?;
    let request = ApiSend {
        key: caller.key.id,
        send: &queued,
        idempotency: key.as_deref().map(|k| (k, request_hash.as_str())),
        answer: (StatusCode::ACCEPTED.as_u16(), &answer),
        rate: (SENDS_PER_MINUTE, TimeDelta::minutes(1)),
        contact_window: CONTACT_WINDOW,
    };
    match state.store.queue_api_send(tenant, &request).await? {
        ApiSendOutcome::Queued => {}
        ApiSendOutcome::Repeated { status, body } => return Ok(replayed(status, body)),
        ApiSendOutcome::KeyReused => return Err(key_reused()),
        ApiSendOutcome::RateLimited { retry_after } => {
            let seconds = (retry_after.num_milliseconds().max(1) + 999) / 1000;
            return Err(AppError::TooManyRequests {
                retry_after_s: u64::try_from(seconds).unwrap_or(1),
            });
        }
        ApiSendOutcome::NotAContact => {
            return Err(AppError::invalid(
                "to",
                format!(
                    "to: {} has not written to this business in the last 24 hours; \
                     the API only writes to people who wrote first",
                    checked.to
                ),
            ));
        }
    }
    let applied = state.supervisor.link().hand_over(tenant, &queued).await;
    tracing::info!(send = %queued.id, applied, media = queued.media.is_some(), "API send queued");
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)).into_response())
}

/// `?contact=&limit=&before=`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Only the messages to and from this number (E.164).
    contact: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// The previous page's `next_cursor`: messages older than it.
    before: Option<String>,
}

/// Needs the scope `messages:read`. Newest first.
#[utoipa::path(
    get,
    path = "/messages",
    operation_id = "list_api_messages",
    params(ListParams),
    responses(
        (status = 200, description = "The tenant's message log, newest first", body = Page<MessageLog>),
        InvalidQuery,
        ApiKeyAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<ListParams>,
) -> AppResult<impl IntoResponse> {
    caller.require(Scope::MessagesRead)?;
    let tenant = caller.tenant_id();
    let (limit, before) = MessageParams {
        limit: params.limit,
        before: params.before,
    }
    .parse()?;
    let page = match params.contact.as_deref().filter(|c| !c.is_empty()) {
        None => state.store.list_messages(tenant, limit, before).await?,
        Some(contact) => {
            let contact = PhoneNumber::parse(contact)
                .map_err(|e| AppError::invalid("contact", format!("contact {e}")))?;
            state
                .store
                .list_contact_messages(tenant, contact.as_str(), limit, before)
                .await?
        }
    };
    Ok(axum::Json(page))
}
