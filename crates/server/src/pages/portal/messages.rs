//! `GET /app/messages`: the owner's message log, newest first, in the
//! business's time zone.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use flowhq_domain::MessageLogId;
use serde::Deserialize;

use crate::extract::Query;
use crate::pages::admin::tenants::Message;
use crate::pages::guard::OwnerPage;
use crate::pages::{Chrome, PageError, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/messages", get(messages))
}

const PAGE_SIZE: u32 = 50;

#[derive(Template)]
#[template(path = "portal/messages.html")]
struct MessagesPage {
    chrome: Chrome,
    timezone: String,
    messages: Vec<Message>,
    older_url: Option<String>,
    newer_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct MessagesQuery {
    before: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn messages(
    State(state): State<AppState>,
    page: OwnerPage,
    Query(query): Query<MessagesQuery>,
) -> PageResult {
    let tenant = page.owner.tenant_id;
    let before: Option<MessageLogId> = match query.before.as_deref().filter(|b| !b.is_empty()) {
        Some(raw) => Some(raw.parse().map_err(|_| PageError::not_found("message"))?),
        None => None,
    };
    let (config, list) = tokio::try_join!(
        state.store.tenant_config(tenant),
        state.store.list_messages(tenant, PAGE_SIZE, before),
    )?;
    // A cursor is a message of this tenant's; any other is not found.
    if before.is_some() && list.items.is_empty() {
        return Err(PageError::not_found("message"));
    }
    let tz = config.hours.timezone;
    let view = MessagesPage {
        chrome: page.chrome("messages"),
        timezone: tz.name().to_owned(),
        messages: list
            .items
            .iter()
            .map(|m| Message::from_log(m, Some(tz)))
            .collect(),
        older_url: list
            .next_cursor
            .map(|c| format!("/app/messages?before={c}")),
        newer_url: before.map(|_| "/app/messages".to_owned()),
    };
    Ok(render(StatusCode::OK, &view))
}
