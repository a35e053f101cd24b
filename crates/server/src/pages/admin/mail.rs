//! `/admin/mail`: the mails the platform queued, newest first, each with
//! its plain-text part. Without SMTP this is where a new installation's
//! mails can be read (they are also `.eml` files in `<data dir>/mail/`).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use flowhq_store::mail::MailStatus;
use serde::Deserialize;
use uuid::Uuid;

use crate::extract::Query;
use crate::pages::guard::AdminPage;
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/mail", get(list))
}

const PAGE_SIZE: u32 = 50;

pub struct Row {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub status: String,
    pub tone: &'static str,
    pub error: Option<String>,
    pub created: String,
    pub delivered: String,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    chrome: Chrome,
    to_files: bool,
    mail_dir: String,
    items: Vec<Row>,
    next_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    page: AdminPage,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let cursor = query.cursor.as_deref().and_then(|c| c.parse::<Uuid>().ok());
    let result = state.store.list_mails(None, PAGE_SIZE, cursor).await?;
    let tr = crate::i18n::current();
    let items = result
        .items
        .into_iter()
        .map(|m| Row {
            to: m.to,
            subject: m.subject,
            text: m.text,
            status: tr.t(match m.status {
                MailStatus::Queued => "console-mail-status-queued",
                MailStatus::Sent => "console-mail-status-sent",
                MailStatus::Failed => "console-mail-status-failed",
            }),
            tone: match m.status {
                MailStatus::Queued => "wait",
                MailStatus::Sent => "ok",
                MailStatus::Failed => "bad",
            },
            error: m.last_error,
            created: tr.utc_time(m.created_at),
            delivered: match (m.sent_at, m.delivered_to) {
                (Some(at), Some(to)) => format!("{} ({to})", tr.utc_time(at)),
                (Some(at), None) => tr.utc_time(at),
                _ => String::new(),
            },
        })
        .collect();
    let view = MailPage {
        chrome: page.chrome("mail"),
        to_files: state.mail.to_files(),
        mail_dir: state.settings.data_dir.join("mail").display().to_string(),
        items,
        next_url: result
            .next_cursor
            .map(|c| format!("/admin/mail?cursor={c}")),
    };
    Ok(render(StatusCode::OK, &view))
}
