//! `/app/quick-replies`: the owner's saved answers (a shortcut, a text, an
//! optional photo or PDF), inserted in the inbox by typing "/".

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flowhq_domain::QuickReplyId;
use flowhq_domain::inbox::QuickReply;
use serde::Deserialize;

use crate::api::inbox::MAX_ANSWER_BODY_BYTES;
use crate::error::AppError;
use crate::extract::Query;
use crate::pages::csrf::{self, CsrfForm};
use crate::pages::guard::OwnerPage;
use crate::pages::portal::inbox::read_file;
use crate::pages::{Chrome, PageError, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/quick-replies",
            get(show)
                .post(create)
                .layer(DefaultBodyLimit::max(MAX_ANSWER_BODY_BYTES)),
        )
        .route("/quick-replies/{id}/delete", post(delete))
}

/// The form's refusals, next to their fields.
#[derive(Default)]
pub struct Errors {
    pub shortcut: Option<String>,
    pub text: Option<String>,
    pub file: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/quick_replies.html")]
struct QuickRepliesPage {
    chrome: Chrome,
    replies: Vec<QuickReply>,
    shortcut: String,
    text: String,
    errors: Errors,
    notice: Option<String>,
}

async fn page_view(state: &AppState, page: &OwnerPage) -> Result<QuickRepliesPage, PageError> {
    Ok(QuickRepliesPage {
        chrome: page.chrome("quick-replies"),
        replies: state.store.quick_replies(page.owner.tenant_id).await?,
        shortcut: String::new(),
        text: String::new(),
        errors: Errors::default(),
        notice: None,
    })
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    notice: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn show(
    State(state): State<AppState>,
    page: OwnerPage,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let mut view = page_view(&state, &page).await?;
    let tr = crate::i18n::current();
    view.notice = match query.notice.as_deref() {
        Some("saved") => Some(tr.t("app-quick-saved")),
        Some("deleted") => Some(tr.t("app-quick-deleted")),
        _ => None,
    };
    Ok(render(StatusCode::OK, &view))
}

/// The form (`multipart/form-data`: `csrf_token`, `shortcut`, `text`,
/// `file`), its token checked before anything is kept.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn create(
    State(state): State<AppState>,
    page: OwnerPage,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let (mut token, mut shortcut, mut text, mut file) =
        (String::new(), String::new(), String::new(), None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        match field.name() {
            Some(csrf::FIELD) => token = field.text().await.unwrap_or_default(),
            Some("shortcut") => shortcut = field.text().await.unwrap_or_default(),
            Some("text") => text = field.text().await.unwrap_or_default(),
            Some("file") => file = read_file(field).await?,
            _ => {}
        }
    }
    if !csrf::matches(&page.chrome.csrf_token, &token) {
        return Err(PageError::Csrf);
    }
    match crate::api::inbox::quick_replies::save(
        &state,
        page.owner.tenant_id,
        &shortcut,
        &text,
        file,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/app/quick-replies?notice=saved").into_response()),
        Err(AppError::Invalid { field, message }) => {
            let tr = crate::i18n::current();
            let mut view = page_view(&state, &page).await?;
            // Every refusal of the message, each under its field.
            for part in message.split("; ") {
                let (slot, said) = if part.starts_with("shortcut")
                    || field == "shortcut" && !part.starts_with("text")
                {
                    (
                        &mut view.errors.shortcut,
                        if part.contains("taken") {
                            tr.t("app-quick-taken")
                        } else {
                            crate::i18n::refusal(tr, "shortcut", part)
                        },
                    )
                } else if part.starts_with("text") {
                    (
                        &mut view.errors.text,
                        crate::i18n::refusal(tr, "text", part),
                    )
                } else {
                    (&mut view.errors.file, tr.t("app-inbox-file-refused"))
                };
                slot.get_or_insert(said);
            }
            view.shortcut = shortcut;
            view.text = text;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn delete(
    State(state): State<AppState>,
    page: OwnerPage,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id: QuickReplyId = id
        .parse()
        .map_err(|_| PageError::not_found("quick reply"))?;
    if !state
        .store
        .delete_quick_reply(page.owner.tenant_id, id)
        .await?
    {
        return Err(PageError::not_found("quick reply"));
    }
    Ok(Redirect::to("/app/quick-replies?notice=deleted").into_response())
}
