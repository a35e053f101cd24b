//! The inbox's API: a business's conversations, their messages, answering
//! from the portal, resolving, contacts, and the live event stream. The
//! owner's routes (`portal.rs`, `/api/portal/tenant/current/…`) and the
//! operator's twins (`admin.rs`, `/api/admin/tenants/{id}/…`) share the
//! handlers' bodies here, each given the tenant it may see.

pub mod admin;
pub mod portal;
pub mod quick_replies;
pub mod retention;

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use flowhq_domain::entities::MessageLog;
use flowhq_domain::inbox::{Contact, ContactPatch, Conversation, ConversationFilter};
use flowhq_domain::media::MAX_MEDIA_BYTES;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::{ContactId, QuickReplyId, TenantId, UserId};
use flowhq_store::Page;
use flowhq_store::contacts::{ConversationCursor, ConversationQuery};
use flowhq_store::sends::QueuedSend;
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use utoipa::{IntoParams, ToSchema};

use crate::api::list::{MessageParams, parse_limit};
use crate::api::menu::media_error;
use crate::api::v1::messages::{Accepted, MAX_TEXT_CHARS, SendStatus};
use crate::error::{AppError, AppResult};
use crate::extract::{is_json_content_type, parse_json};
use crate::inbox_events::{InboxEvent, MessageEvent};
use crate::state::AppState;

/// A body with a 16 MiB file and the rest of the form.
pub const MAX_ANSWER_BODY_BYTES: usize = MAX_MEDIA_BYTES + 64 * 1024;

/// `?filter=&q=&limit=&cursor=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationParams {
    /// `handoff` (waiting for a person) or `unread`; all when absent.
    pub filter: Option<String>,
    /// A name, a number or words of a message.
    pub q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl ConversationParams {
    fn query(&self) -> AppResult<ConversationQuery<'_>> {
        let filter = match self.filter.as_deref().filter(|f| !f.is_empty()) {
            None => ConversationFilter::All,
            Some(f) => ConversationFilter::parse(f).ok_or_else(|| {
                AppError::invalid("filter", "filter must be one of handoff, unread, all")
            })?,
        };
        let cursor = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => Some(ConversationCursor::parse(raw).ok_or_else(|| {
                AppError::invalid("cursor", "cursor is not one this API gave out")
            })?),
        };
        Ok(ConversationQuery {
            filter,
            search: self.q.as_deref(),
            limit: parse_limit(self.limit.as_deref(), 50, 200)?,
            cursor,
        })
    }
}

/// A message of a conversation, with who wrote it when a person did.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxMessage {
    #[serde(flatten)]
    pub message: MessageLog,
    /// The name of the person who wrote it (`sent_by`); null for the bot,
    /// the phone, the API, or a user deleted since.
    pub sent_by_name: Option<String>,
}

/// A send accepted and not handed to the worker yet (it is offline).
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingSend {
    pub id: String,
    pub text: String,
    pub file_name: Option<String>,
    pub sent_by: Option<UserId>,
    pub created_at: chrono::DateTime<Utc>,
}

/// A page of a conversation's messages, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationMessages {
    pub items: Vec<InboxMessage>,
    /// The `before` of the next (older) page; null on the last.
    pub next_cursor: Option<String>,
    /// Answers waiting for the worker, oldest first (first page only).
    pub waiting: Vec<WaitingSend>,
}

/// An answer as JSON; a file goes as `multipart/form-data` instead, with
/// the parts `file` and optional `text` (its caption).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// At most 4096 characters; may be empty with `quick_reply_id`.
    #[serde(default)]
    pub text: String,
    /// A quick reply whose file goes with the answer (and whose text, when
    /// `text` is empty).
    pub quick_reply_id: Option<String>,
}

/// `PATCH …/contacts/{id}`: only the fields given change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatchBody {
    /// The business's name for them (at most 100 characters); null or ""
    /// goes back to the name they gave themselves.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// At most 20 labels of up to 32 characters; duplicates are dropped.
    pub labels: Option<Vec<String>>,
    /// At most 4000 characters.
    pub notes: Option<String>,
}

/// A present `null` is `Some(None)`, an absent field `None`.
fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `POST …/assistant`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssistantBody {
    /// Whether the bot answers this contact.
    pub on: bool,
}

/// The answer to resolving or switching the assistant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationChanged {
    pub conversation: Conversation,
    /// Whether the tenant's worker has the change now (false: it gets it
    /// when it connects).
    pub applied: bool,
}

fn contact_id(raw: &str) -> AppResult<ContactId> {
    raw.parse().map_err(|_| AppError::NotFound("conversation"))
}

/// `tenant`'s conversation `raw`, or a 404 (another tenant's included).
pub async fn conversation_of(
    state: &AppState,
    tenant: TenantId,
    raw: &str,
) -> AppResult<Conversation> {
    state
        .store
        .conversation(tenant, contact_id(raw)?)
        .await?
        .ok_or(AppError::NotFound("conversation"))
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    params: &ConversationParams,
) -> AppResult<Page<Conversation>> {
    let query = params.query()?;
    Ok(state.store.conversations(tenant, &query).await?)
}

/// A conversation's messages, newest first. Reading the first page marks
/// the conversation read.
pub async fn messages(
    state: &AppState,
    tenant: TenantId,
    raw: &str,
    params: &MessageParams,
) -> AppResult<ConversationMessages> {
    let conversation = conversation_of(state, tenant, raw).await?;
    let (limit, before) = params.parse()?;
    let page = state
        .store
        .list_contact_messages(tenant, &conversation.contact.wa_id, limit, before)
        .await?;
    let mut waiting = Vec::new();
    if before.is_none() {
        if state
            .store
            .mark_conversation_read(tenant, conversation.contact.id)
            .await?
        {
            publish_conversation(state, tenant, conversation.contact.id).await;
        }
        waiting = waiting_sends(state, tenant, &conversation.contact.wa_id).await?;
    }
    let names = sender_names(state, &page.items).await?;
    Ok(ConversationMessages {
        items: page
            .items
            .into_iter()
            .map(|message| InboxMessage {
                sent_by_name: message.sent_by.and_then(|id| names.get(&id).cloned()),
                message,
            })
            .collect(),
        next_cursor: page.next_cursor,
        waiting,
    })
}

/// The names of the people who wrote `messages`.
async fn sender_names(
    state: &AppState,
    messages: &[MessageLog],
) -> AppResult<HashMap<UserId, String>> {
    let mut names = HashMap::new();
    for id in messages.iter().filter_map(|m| m.sent_by) {
        if names.contains_key(&id) {
            continue;
        }
        match state.store.user(id).await {
            Ok(user) => {
                names.insert(id, user.name.to_string());
            }
            Err(flowhq_store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(names)
}

/// Sends to `wa_id` the worker does not have yet (it is offline). Once it
/// has them they go out within the second and show in the log.
async fn waiting_sends(
    state: &AppState,
    tenant: TenantId,
    wa_id: &str,
) -> AppResult<Vec<WaitingSend>> {
    let sends = state.store.waiting_sends_to(tenant, wa_id).await?;
    Ok(sends
        .into_iter()
        .map(|send| WaitingSend {
            id: send.id,
            file_name: send.media.map(|m| m.file_name),
            text: send.text,
            sent_by: send.sent_by,
            created_at: send.created_at,
        })
        .collect())
}

/// What an answer carries, read from JSON or a form.
struct Answer {
    text: String,
    file: Option<(String, Option<String>, Vec<u8>)>,
    quick_reply: Option<String>,
}

/// Reads an answer from `request`: JSON `{text}`, or `multipart/form-data`
/// with `file` and optional `text`.
pub async fn read_answer(state: &AppState, request: Request) -> AppResult<AnswerParts> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let answer = if is_json_content_type(&content_type) {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_ANSWER_BODY_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge(MAX_ANSWER_BODY_BYTES))?;
        let body: AnswerBody = parse_json(&bytes)?;
        Answer {
            text: body.text,
            file: None,
            quick_reply: body.quick_reply_id,
        }
    } else if content_type.starts_with("multipart/form-data") {
        let mut form = Multipart::from_request(request, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let mut answer = Answer {
            text: String::new(),
            file: None,
            quick_reply: None,
        };
        while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
            match field.name() {
                Some("text") => {
                    answer.text = field.text().await.map_err(|e| multipart_error(&e))?;
                }
                Some("file") => {
                    let name = field.file_name().unwrap_or("file").to_owned();
                    let mime = field.content_type().map(str::to_owned);
                    let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
                    if !bytes.is_empty() {
                        answer.file = Some((name, mime, bytes.to_vec()));
                    }
                }
                Some("quick_reply_id") => {
                    let id = field.text().await.map_err(|e| multipart_error(&e))?;
                    answer.quick_reply = Some(id).filter(|id| !id.trim().is_empty());
                }
                Some(other) => {
                    return Err(AppError::invalid(
                        other,
                        format!(
                            "unknown part {other:?}: the form takes text, file and quick_reply_id"
                        ),
                    ));
                }
                None => {}
            }
        }
        answer
    } else {
        return Err(AppError::UnsupportedMediaType);
    };
    check_answer(answer)
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge(MAX_ANSWER_BODY_BYTES)
    } else {
        AppError::BadRequest(e.body_text())
    }
}

/// An answer that passed the checks.
pub struct AnswerParts {
    text: String,
    file: Option<(String, Option<String>, Vec<u8>)>,
    quick_reply: Option<QuickReplyId>,
}

/// An answer a page's form carried: `text` and an optional file (name,
/// the type the browser said, bytes), checked as the API checks it.
pub fn check_answer_parts(
    text: String,
    file: Option<(String, Option<String>, Vec<u8>)>,
    quick_reply: Option<String>,
) -> AppResult<AnswerParts> {
    check_answer(Answer {
        text,
        file,
        quick_reply: quick_reply.filter(|q| !q.trim().is_empty()),
    })
}

fn check_answer(answer: Answer) -> AppResult<AnswerParts> {
    let text = answer.text.trim().to_owned();
    let mut errors: Vec<(&str, String)> = Vec::new();
    let quick_reply = match answer
        .quick_reply
        .as_deref()
        .map(str::parse::<QuickReplyId>)
    {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            errors.push((
                "quick_reply_id",
                "quick_reply_id is not a quick reply's id".into(),
            ));
            None
        }
    };
    if text.is_empty() && answer.file.is_none() && answer.quick_reply.is_none() {
        errors.push(("text", "text must not be empty without a file".into()));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.push((
            "text",
            format!("text must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if flowhq_domain::inbox::has_control_characters(&text) {
        errors.push(("text", "text must not contain control characters".into()));
    }
    if let Some((_, _, bytes)) = &answer.file
        && bytes.len() > MAX_MEDIA_BYTES
    {
        errors.push(("file", "file must be at most 16 MiB".into()));
    }
    match AppError::invalid_all(&errors) {
        None => Ok(AnswerParts {
            text,
            file: answer.file,
            quick_reply,
        }),
        Some(refused) => Err(refused),
    }
}

/// Queues an answer to conversation `raw` for the worker and hands it
/// over now when the worker is connected: it goes through the worker's
/// outbox, so it is sent once.
pub async fn answer(
    state: &AppState,
    tenant: TenantId,
    raw: &str,
    sent_by: Option<UserId>,
    parts: AnswerParts,
) -> AppResult<Response> {
    let conversation = conversation_of(state, tenant, raw).await?;
    let saved = match parts.quick_reply {
        None => None,
        Some(id) => Some(state.store.quick_reply(tenant, id).await?.ok_or_else(|| {
            AppError::invalid("quick_reply_id", "quick_reply_id: no such quick reply")
        })?),
    };
    let mut text = parts.text;
    if let Some(saved) = &saved
        && text.is_empty()
    {
        text.clone_from(&saved.text);
    }
    let media = match parts.file {
        None => saved.and_then(|s| s.media),
        Some((name, mime, bytes)) => Some(
            state
                .media
                .store(&state.store, tenant, &name, mime.as_deref(), bytes)
                .await
                .map_err(|e| media_error(e, "file"))?,
        ),
    };
    let send = QueuedSend::new(conversation.contact.wa_id, text, media, sent_by);
    let applied = state
        .supervisor
        .link()
        .send(&state.store, tenant, &send)
        .await?;
    tracing::info!(tenant_id = %tenant, send = %send.id, applied, file = send.media.is_some(), "inbox answer queued");
    let accepted = Accepted {
        id: send.id,
        status: SendStatus::Queued,
    };
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)).into_response())
}

/// Hands the conversation back to the bot.
pub async fn resolve(
    state: &AppState,
    tenant: TenantId,
    raw: &str,
) -> AppResult<ConversationChanged> {
    let id = contact_id(raw)?;
    let at = Utc::now();
    let conversation = state
        .store
        .resolve_conversation(tenant, id, at)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let applied = state
        .supervisor
        .link()
        .resolve(tenant, &conversation.contact.wa_id, at)
        .await;
    state.inbox.publish(
        tenant,
        [InboxEvent::Conversation(Box::new(conversation.clone()))],
    );
    Ok(ConversationChanged {
        conversation,
        applied,
    })
}

/// Turns the assistant on or off for one contact.
pub async fn set_assistant(
    state: &AppState,
    tenant: TenantId,
    raw: &str,
    on: bool,
) -> AppResult<ConversationChanged> {
    let id = contact_id(raw)?;
    let conversation = state
        .store
        .set_assistant(tenant, id, !on)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let applied = state
        .supervisor
        .link()
        .config_changed(&state.store, tenant)
        .await?;
    state.inbox.publish(
        tenant,
        [InboxEvent::Conversation(Box::new(conversation.clone()))],
    );
    Ok(ConversationChanged {
        conversation,
        applied,
    })
}

/// Changes the name, labels or notes of a contact.
pub async fn patch_contact(
    state: &AppState,
    tenant: TenantId,
    raw: &str,
    body: ContactPatchBody,
) -> AppResult<Contact> {
    let id: ContactId = raw.parse().map_err(|_| AppError::NotFound("contact"))?;
    let patch = ContactPatch {
        name: body.name,
        labels: body.labels,
        notes: body.notes,
    }
    .checked()
    .map_err(|refused| {
        let refused: Vec<(&str, &str)> = refused
            .iter()
            .map(|r| (r.field.as_str(), r.message.as_str()))
            .collect();
        AppError::invalid_all(&refused).expect("a refusal names a field")
    })?;
    let conversation = state
        .store
        .patch_contact(tenant, id, &patch)
        .await?
        .ok_or(AppError::NotFound("contact"))?;
    let contact = conversation.contact.clone();
    state
        .inbox
        .publish(tenant, [InboxEvent::Conversation(Box::new(conversation))]);
    Ok(contact)
}

/// Tells `tenant`'s streams how conversation `contact` stands now.
async fn publish_conversation(state: &AppState, tenant: TenantId, contact: ContactId) {
    if !state.inbox.watched(tenant) {
        return;
    }
    match state.store.conversation(tenant, contact).await {
        Ok(Some(conversation)) => state
            .inbox
            .publish(tenant, [InboxEvent::Conversation(Box::new(conversation))]),
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(tenant_id = %tenant, error = %e, "reading a conversation for the inbox's streams")
        }
    }
}

/// Tells `tenant`'s streams about messages just logged: each message, and
/// the conversations they changed.
pub async fn publish_logged(state: AppState, tenant: TenantId, messages: Vec<LoggedMessage>) {
    let mut peers: Vec<&str> = messages.iter().map(LoggedMessage::contact).collect();
    peers.sort_unstable();
    peers.dedup();
    let conversations = match state.store.conversations_of(tenant, &peers).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(tenant_id = %tenant, error = %e, "reading conversations for the inbox's streams");
            return;
        }
    };
    let ids: HashMap<&str, ContactId> = conversations
        .iter()
        .map(|c| (c.contact.wa_id.as_str(), c.contact.id))
        .collect();
    let events = messages
        .iter()
        .filter_map(|m| {
            Some(InboxEvent::Message(MessageEvent {
                contact_id: *ids.get(m.contact())?,
                direction: m.direction,
                text: m.message_text.clone(),
                file_name: m.media.as_ref().map(|f| f.file_name.clone()),
                at: m.created_at,
            }))
        })
        .collect::<Vec<_>>();
    state.inbox.publish(
        tenant,
        events.into_iter().chain(
            conversations
                .into_iter()
                .map(|c| InboxEvent::Conversation(Box::new(c))),
        ),
    );
}

/// Tells `tenant`'s streams that messages moved forward (`delivery`); the
/// store's moves name their contacts, so nothing is read again.
pub fn publish_deliveries(
    state: &AppState,
    tenant: TenantId,
    changes: &[flowhq_store::receipts::DeliveryChange],
) {
    state.inbox.publish(
        tenant,
        changes.iter().map(|c| {
            InboxEvent::Delivery(crate::inbox_events::DeliveryEvent {
                message_id: c.message_id,
                contact_id: c.contact_id,
                delivery: c.delivery,
                at: c.at,
            })
        }),
    );
}

/// `tenant`'s live updates as server-sent events: `message`,
/// `conversation` and `delivery` (JSON data), `lagged` when the reader fell
/// behind and should reload; a comment every 15 s keeps proxies from closing it.
pub fn events(
    state: &AppState,
    tenant: TenantId,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let receiver = state.inbox.subscribe(tenant);
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(event) => Event::default()
                .event(event.name())
                .json_data(&event)
                .unwrap_or_else(|_| Event::default().event("lagged").data("{}")),
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("lagged").data("{}")
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), receiver))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
