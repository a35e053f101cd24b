//! `/app/inbox`: the owner's conversations, and `/app/inbox/{id}`: one of
//! them as a chat, with the answer form (text, or a file with a caption),
//! "Resolve", the assistant's switch and the contact's name, labels and
//! notes. Both pages follow the tenant's event stream (`app.js`): a new
//! message or badge shows without a reload.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono_tz::Tz;
use flowhq_domain::inbox::{ContactPatch, Conversation, ConversationFilter, labels_from_line};
use flowhq_domain::{Direction, LoggedDecision};
use flowhq_store::contacts::{ConversationCursor, ConversationQuery};
use serde::Deserialize;

use crate::api::inbox::{self, MAX_ANSWER_BODY_BYTES};
use crate::api::list::MessageParams;
use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::Tr;
use crate::pages::csrf::{self, CsrfForm};
use crate::pages::guard::{MemberPage, OwnerPage};
use crate::pages::{Chrome, PageError, PageResult, render, view};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(list))
        .route("/inbox/retention", post(retention))
        .route("/inbox/{id}", get(show))
        .route(
            "/inbox/{id}/answer",
            post(answer).layer(DefaultBodyLimit::max(MAX_ANSWER_BODY_BYTES)),
        )
        .route("/inbox/{id}/resolve", post(resolve))
        .route("/inbox/{id}/assistant", post(assistant))
        .route("/inbox/{id}/contact", post(contact))
}

const PAGE_SIZE: u32 = 50;

/// A conversation as a row of the list.
pub struct Row {
    pub url: String,
    pub name: String,
    pub number: String,
    pub preview: String,
    pub outbound: bool,
    pub when: String,
    pub unread: u32,
    pub handoff: bool,
    pub labels: Vec<String>,
}

impl Row {
    fn of(c: &Conversation, tz: Tz) -> Self {
        let contact = &c.contact;
        Self {
            url: format!("/app/inbox/{}", contact.id),
            name: contact.display_name().to_owned(),
            number: contact
                .phone
                .clone()
                .unwrap_or_else(|| contact.wa_id.clone()),
            preview: c.last_message.text.chars().take(120).collect(),
            outbound: c.last_message.direction == Direction::Outbound,
            when: view::local_time(c.last_message.at, tz),
            unread: c.unread,
            handoff: c.handoff,
            labels: contact.labels.clone(),
        }
    }
}

/// A filter tab.
pub struct Tab {
    pub url: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "portal/inbox.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    filter: &'static str,
    q: String,
    rows: Vec<Row>,
    older_url: Option<String>,
    newest_url: Option<String>,
    /// The media retention form (the owner's only): days (empty: keep),
    /// its refusal.
    show_retention: bool,
    retention_days: String,
    retention_error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    filter: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.member.tenant_id))]
async fn list(
    State(state): State<AppState>,
    page: MemberPage,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let view = list_view(&state, &page, query).await?;
    Ok(render(StatusCode::OK, &view))
}

async fn list_view(
    state: &AppState,
    page: &MemberPage,
    query: ListQuery,
) -> Result<ListPage, PageError> {
    let tenant = page.member.tenant_id;
    let filter = query
        .filter
        .as_deref()
        .and_then(ConversationFilter::parse)
        .unwrap_or_default();
    let cursor = query.cursor.as_deref().and_then(ConversationCursor::parse);
    let q = query.q.unwrap_or_default();
    let search = ConversationQuery {
        filter,
        search: Some(q.as_str()),
        limit: PAGE_SIZE,
        cursor,
    };
    let (config, conversations, retention) = tokio::try_join!(
        state.store.tenant_config(tenant),
        state.store.conversations(tenant, &search),
        state.store.media_retention(tenant),
    )?;
    let tz = config.hours.timezone;
    let tr = crate::i18n::current();
    let with = |filter: ConversationFilter, cursor: Option<&str>| {
        let mut url = format!("/app/inbox?filter={}", filter.as_str());
        if !q.is_empty() {
            url.push_str(&format!("&q={}", view::urlencode(&q)));
        }
        if let Some(cursor) = cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        url
    };
    let tabs = [
        (ConversationFilter::All, "app-inbox-all"),
        (ConversationFilter::Handoff, "app-inbox-wants-person"),
        (ConversationFilter::Unread, "app-inbox-unread"),
    ]
    .into_iter()
    .map(|(f, key)| Tab {
        url: with(f, None),
        label: tr.t(key),
        current: f == filter,
    })
    .collect();
    let view = ListPage {
        chrome: page.chrome("inbox"),
        tabs,
        filter: filter.as_str(),
        rows: conversations.items.iter().map(|c| Row::of(c, tz)).collect(),
        older_url: conversations
            .next_cursor
            .as_deref()
            .map(|c| with(filter, Some(c))),
        newest_url: cursor.map(|_| with(filter, None)),
        q,
        show_retention: page.is_owner(),
        retention_days: retention.map(|d| d.to_string()).unwrap_or_default(),
        retention_error: None,
        notice: (query.notice.as_deref() == Some("retention"))
            .then(|| tr.t("app-inbox-retention-saved")),
    };
    Ok(view)
}

#[derive(Debug, Deserialize)]
struct RetentionForm {
    #[serde(default)]
    days: String,
}

/// The media retention form on the inbox: a number of days, or empty to
/// keep files.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn retention(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(form): CsrfForm<RetentionForm>,
) -> Result<Response, PageError> {
    let raw = form.days.trim();
    let days = if raw.is_empty() {
        Ok(None)
    } else {
        raw.parse::<u32>().map(Some).map_err(|_| ())
    };
    let saved = match days {
        Ok(days) => crate::api::inbox::retention::set(&state, page.owner.tenant_id, days)
            .await
            .map_err(|_| ()),
        Err(()) => Err(()),
    };
    if saved.is_ok() {
        return Ok(Redirect::to("/app/inbox?notice=retention").into_response());
    }
    // Shown on the inbox as it was, the refused value in its field.
    let tr = crate::i18n::current();
    let mut view = list_view(&state, &page.into(), ListQuery::default()).await?;
    view.retention_days = form.days;
    view.retention_error = Some(tr.t1(
        "app-inbox-retention-invalid",
        "max",
        crate::api::inbox::retention::MAX_DAYS,
    ));
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
}

/// A message as a chat bubble.
pub struct Bubble {
    /// The business's (right-hand side).
    pub mine: bool,
    /// Who wrote an outbound message: a person's name, the assistant, the
    /// phone, the API.
    pub who: String,
    pub assistant: bool,
    pub text: String,
    pub when: String,
    pub status: Option<String>,
    pub file: Option<FileLink>,
    pub handoff: bool,
}

pub struct FileLink {
    pub url: String,
    pub name: String,
    pub image: bool,
}

/// An answer waiting for the worker.
pub struct Waiting {
    pub text: String,
    pub file_name: Option<String>,
    pub when: String,
}

fn bubble(m: &inbox::InboxMessage, tz: Tz, tr: &Tr) -> Bubble {
    let message = &m.message;
    let mine = message.direction == Direction::Outbound;
    let assistant = mine && message.reply_to.is_some();
    let who = if !mine {
        String::new()
    } else if assistant {
        tr.t("app-inbox-assistant")
    } else if let Some(name) = &m.sent_by_name {
        name.clone()
    } else if message.sent_by.is_some() {
        // Their account is gone (a removed staff member).
        tr.t("app-inbox-former-user")
    } else if message.bot_decision == Some(LoggedDecision::FromBusiness) {
        tr.t("app-inbox-from-phone")
    } else {
        tr.t("app-inbox-from-api")
    };
    Bubble {
        mine,
        who,
        assistant,
        text: message.message_text.clone(),
        when: view::local_time(message.created_at, tz),
        status: message
            .delivery
            .map(|s| tr.t(&format!("app-inbox-status-{}", s.as_str().to_lowercase()))),
        file: message.media.as_ref().map(|f| FileLink {
            url: format!("/api/portal/tenant/current/media/{}", f.sha256),
            name: f.file_name.clone(),
            image: f.mime.starts_with("image/"),
        }),
        handoff: message.bot_decision == Some(LoggedDecision::Handoff),
    }
}

/// A field's refusal on the contact form.
#[derive(Default)]
pub struct ContactErrors {
    pub name: Option<String>,
    pub labels: Option<String>,
    pub notes: Option<String>,
}

impl ContactErrors {
    fn any(&self) -> bool {
        self.name.is_some() || self.labels.is_some() || self.notes.is_some()
    }
}

#[derive(Template)]
#[template(path = "portal/conversation.html")]
struct ConversationPage {
    chrome: Chrome,
    id: String,
    name: String,
    number: String,
    push_name: Option<String>,
    handoff: bool,
    person_answered: bool,
    assistant_off: bool,
    labels: Vec<String>,
    bubbles: Vec<Bubble>,
    waiting: Vec<Waiting>,
    older_url: Option<String>,
    notice: Option<String>,
    /// The answer form as sent, and its refusal.
    text: String,
    answer_error: Option<String>,
    /// The business's quick replies, for "/".
    quick_replies: Vec<flowhq_domain::inbox::QuickReply>,
    /// The contact form as sent, and its refusals.
    form_name: String,
    form_labels: String,
    form_notes: String,
    errors: ContactErrors,
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    before: Option<String>,
    notice: Option<String>,
}

async fn conversation_page(
    state: &AppState,
    page: &MemberPage,
    raw: &str,
    before: Option<String>,
) -> Result<ConversationPage, PageError> {
    let tenant = page.member.tenant_id;
    let conversation = inbox::conversation_of(state, tenant, raw)
        .await
        .map_err(|_| PageError::not_found("conversation"))?;
    let params = MessageParams {
        limit: None,
        before: before.clone(),
    };
    let (config, messages, quick_replies) = tokio::try_join!(
        async { Ok::<_, AppError>(state.store.tenant_config(tenant).await?) },
        inbox::messages(state, tenant, raw, &params),
        async { Ok::<_, AppError>(state.store.quick_replies(tenant).await?) },
    )?;
    let tz = config.hours.timezone;
    let tr = crate::i18n::current();
    let contact = &conversation.contact;
    let id = contact.id.to_string();
    Ok(ConversationPage {
        chrome: page.chrome("inbox"),
        name: contact.display_name().to_owned(),
        number: contact
            .phone
            .clone()
            .unwrap_or_else(|| contact.wa_id.clone()),
        push_name: contact.push_name.clone(),
        handoff: conversation.handoff,
        person_answered: conversation.person_answered_at.is_some(),
        assistant_off: contact.assistant_off,
        labels: contact.labels.clone(),
        // Oldest first, as a chat reads.
        bubbles: messages
            .items
            .iter()
            .rev()
            .map(|m| bubble(m, tz, &tr))
            .collect(),
        waiting: messages
            .waiting
            .iter()
            .map(|w| Waiting {
                text: w.text.clone(),
                file_name: w.file_name.clone(),
                when: view::local_time(w.created_at, tz),
            })
            .collect(),
        older_url: messages
            .next_cursor
            .map(|c| format!("/app/inbox/{id}?before={c}")),
        notice: None,
        text: String::new(),
        answer_error: None,
        quick_replies,
        // The owner's own name for them (`name` falls back to theirs).
        form_name: contact
            .name
            .clone()
            .filter(|n| Some(n) != contact.push_name.as_ref())
            .unwrap_or_default(),
        form_labels: contact.labels.join(", "),
        form_notes: contact.notes.clone(),
        errors: ContactErrors::default(),
        id,
    })
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.member.tenant_id))]
async fn show(
    State(state): State<AppState>,
    page: MemberPage,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let mut view = conversation_page(&state, &page, &id, query.before).await?;
    let tr = crate::i18n::current();
    view.notice = match query.notice.as_deref() {
        Some("sent") => Some(tr.t("app-inbox-notice-sent")),
        Some("resolved") => Some(tr.t("app-inbox-notice-resolved")),
        Some("assistant-on") => Some(tr.t("app-inbox-notice-assistant-on")),
        Some("assistant-off") => Some(tr.t("app-inbox-notice-assistant-off")),
        Some("saved") => Some(tr.t("app-inbox-notice-saved")),
        _ => None,
    };
    Ok(render(StatusCode::OK, &view))
}

/// The answer form (`multipart/form-data`: `csrf_token`, `text`, `file`),
/// its token checked before anything is kept.
#[tracing::instrument(skip_all, fields(tenant_id = %page.member.tenant_id))]
async fn answer(
    State(state): State<AppState>,
    page: MemberPage,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let mut token = String::new();
    let mut text = String::new();
    let mut file = None;
    let mut quick_reply = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        match field.name() {
            Some(csrf::FIELD) => token = field.text().await.unwrap_or_default(),
            Some("text") => {
                text = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?;
            }
            Some("file") => file = read_file(field).await?,
            Some("quick_reply_id") => quick_reply = Some(field.text().await.unwrap_or_default()),
            _ => {}
        }
    }
    if !csrf::matches(&page.chrome.csrf_token, &token) {
        return Err(PageError::Csrf);
    }
    let tenant = page.member.tenant_id;
    let sent = match inbox::check_answer_parts(text.clone(), file, quick_reply) {
        Ok(parts) => inbox::answer(&state, tenant, &id, Some(page.member.user.id), parts).await,
        Err(e) => Err(e),
    };
    match sent {
        Ok(_) => Ok(Redirect::to(&format!("/app/inbox/{id}?notice=sent")).into_response()),
        Err(AppError::Invalid { field, message }) => {
            let mut view = conversation_page(&state, &page, &id, None).await?;
            let tr = crate::i18n::current();
            view.text = text;
            view.answer_error = Some(if field == "file" {
                tr.t("app-inbox-file-refused")
            } else {
                crate::i18n::refusal(tr, &field, &message)
            });
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(AppError::NotFound(_)) => Err(PageError::not_found("conversation")),
        Err(e) => Err(e.into()),
    }
}

/// A form's file part: its name, the type the browser said, the bytes;
/// `None` when no file was chosen.
pub async fn read_file(
    field: axum::extract::multipart::Field<'_>,
) -> Result<Option<crate::api::inbox::quick_replies::FormFile>, PageError> {
    let name = field.file_name().unwrap_or("file").to_owned();
    let mime = field.content_type().map(str::to_owned);
    let bytes = field
        .bytes()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    Ok((!bytes.is_empty()).then(|| (name, mime, bytes.to_vec())))
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.member.tenant_id))]
async fn resolve(
    State(state): State<AppState>,
    page: MemberPage,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    inbox::resolve(&state, page.member.tenant_id, &id)
        .await
        .map_err(|_| PageError::not_found("conversation"))?;
    Ok(Redirect::to(&format!("/app/inbox/{id}?notice=resolved")).into_response())
}

#[derive(Debug, Deserialize)]
struct AssistantForm {
    on: String,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.member.tenant_id))]
async fn assistant(
    State(state): State<AppState>,
    page: MemberPage,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AssistantForm>,
) -> Result<Response, PageError> {
    let on = form.on == "1";
    inbox::set_assistant(&state, page.member.tenant_id, &id, on)
        .await
        .map_err(|_| PageError::not_found("conversation"))?;
    let notice = if on { "assistant-on" } else { "assistant-off" };
    Ok(Redirect::to(&format!("/app/inbox/{id}?notice={notice}")).into_response())
}

#[derive(Debug, Deserialize)]
struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    labels: String,
    #[serde(default)]
    notes: String,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.member.tenant_id))]
async fn contact(
    State(state): State<AppState>,
    page: MemberPage,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Result<Response, PageError> {
    let patch = ContactPatch {
        name: Some(Some(form.name.clone())),
        labels: Some(labels_from_line(&form.labels)),
        notes: Some(form.notes.clone()),
    };
    match patch.checked() {
        Ok(patch) => {
            let contact = id
                .parse()
                .map_err(|_| PageError::not_found("conversation"))?;
            state
                .store
                .patch_contact(page.member.tenant_id, contact, &patch)
                .await?
                .ok_or_else(|| PageError::not_found("conversation"))?;
            Ok(Redirect::to(&format!("/app/inbox/{id}?notice=saved")).into_response())
        }
        Err(refused) => {
            let mut view = conversation_page(&state, &page, &id, None).await?;
            let tr = crate::i18n::current();
            for r in refused {
                let field = r.field.split('[').next().unwrap_or_default().to_owned();
                let slot = match field.as_str() {
                    "name" => &mut view.errors.name,
                    "labels" => &mut view.errors.labels,
                    _ => &mut view.errors.notes,
                };
                slot.get_or_insert_with(|| crate::i18n::refusal(tr, &r.field, &r.message));
            }
            debug_assert!(view.errors.any());
            view.form_name = form.name;
            view.form_labels = form.labels;
            view.form_notes = form.notes;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
    }
}
