//! `/admin/setup-requests`: the approval queue, with approve and
//! reject-with-notes on each pending request.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use flowhq_domain::{SetupRequestId, SetupRequestStatus, TenantId};
use serde::Deserialize;

use crate::api::admin::setup_requests::{approve_request, reject_request};
use crate::error::AppError;
use crate::extract::{Query, parse_id};
use crate::pages::auth::sentence;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::AdminPage;
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup-requests", get(queue))
        .route("/setup-requests/{id}/approve", post(approve))
        .route("/setup-requests/{id}/reject", post(reject))
}

const PAGE_SIZE: u32 = 25;

pub struct Item {
    pub id: String,
    pub tenant_id: String,
    pub business: String,
    pub owner: String,
    /// The owner followed the link mailed at sign-up.
    pub owner_verified: bool,
    pub template: String,
    pub language: String,
    pub timezone: String,
    /// The week in words, one line per run of days.
    pub hours: String,
    pub number: String,
    pub status: String,
    pub tone: &'static str,
    pub pending: bool,
    pub at: String,
    pub notes: String,
    /// What the admin typed in the reject box, kept after an error.
    pub draft: String,
    pub error: Option<String>,
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin/setup_requests.html")]
struct Queue {
    chrome: Chrome,
    tabs: Vec<Tab>,
    items: Vec<Item>,
    next_url: Option<String>,
    notice: Option<Notice>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct QueueQuery {
    status: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
    /// The tenant the notice is about.
    tenant: Option<String>,
}

/// `None` in the query means PENDING; `all` means every status.
fn parse_status(raw: Option<&str>) -> Option<SetupRequestStatus> {
    match raw {
        None | Some("") => Some(SetupRequestStatus::Pending),
        Some("all") => None,
        Some(raw) => raw.parse().ok().or(Some(SetupRequestStatus::Pending)),
    }
}

struct Draft {
    id: SetupRequestId,
    notes: String,
    error: String,
}

/// "Approved <the business>. …", the business linked to its page.
pub struct Notice {
    pub before: String,
    pub name: String,
    pub href: String,
    pub after: String,
}

/// A refused decision in the operator's language: the usual conflict (the
/// request was decided meanwhile) translated, anything else as the API
/// says it.
fn conflict_text(err: &AppError) -> String {
    let message = err.to_string();
    if message.starts_with("this setup request is already") {
        crate::i18n::current().t("console-request-decided")
    } else {
        sentence(&message)
    }
}

/// A refused note in the operator's language.
fn notes_text(err: &AppError) -> String {
    let tr = crate::i18n::current();
    match err {
        AppError::Invalid { message, .. } if message.starts_with("notes must say why") => {
            tr.t("console-reject-why")
        }
        AppError::Invalid { field, message } => crate::i18n::refusal(tr, field, message),
        other => sentence(&other.to_string()),
    }
}

async fn render_queue(
    state: &AppState,
    page: &AdminPage,
    query: QueueQuery,
    draft: Option<Draft>,
    status_code: StatusCode,
    error: Option<String>,
) -> PageResult {
    let tr = crate::i18n::current();
    let status = parse_status(query.status.as_deref());
    let notice_tenant = match query
        .tenant
        .as_deref()
        .and_then(|t| t.parse::<TenantId>().ok())
    {
        Some(id) => match state.store.tenant(id).await {
            Ok(tenant) => Some((id, tenant.name.to_string())),
            Err(_) => None,
        },
        None => None,
    };
    let cursor = query
        .cursor
        .as_deref()
        .and_then(|c| c.parse::<SetupRequestId>().ok());
    let result = state
        .store
        .list_setup_requests(status, PAGE_SIZE, cursor)
        .await?;
    let status_param = status.map_or("all", SetupRequestStatus::as_str);
    let tabs = [
        ("PENDING", "console-tab-pending"),
        ("APPROVED", "console-tab-approved"),
        ("REJECTED", "console-tab-rejected"),
        ("all", "console-tab-all"),
    ]
    .into_iter()
    .map(|(raw, label)| Tab {
        href: format!("/admin/setup-requests?status={raw}"),
        label: tr.t(label),
        current: raw == status_param,
    })
    .collect();
    let items = result
        .items
        .into_iter()
        .map(|q| {
            let mine = draft.as_ref().filter(|d| d.id == q.request.id);
            Item {
                id: q.request.id.to_string(),
                tenant_id: q.request.tenant_id.to_string(),
                business: q.business_name,
                owner: q.owner_email.unwrap_or_default(),
                owner_verified: q.owner_email_verified,
                language: tr.t(&format!(
                    "language-{}",
                    crate::i18n::negotiate::code(q.language)
                )),
                timezone: crate::pages::zones::label(q.hours.timezone.name()),
                hours: flowhq_domain::bot::week_in_words(tr.language(), &q.hours),
                template: tr.state("template-type", q.request.template_type.as_str()),
                number: q.request.whatsapp_number.to_string(),
                status: tr.state("setup-request-status", q.request.status.as_str()),
                tone: match q.request.status {
                    SetupRequestStatus::Pending => "wait",
                    SetupRequestStatus::Approved => "ok",
                    SetupRequestStatus::Rejected => "bad",
                },
                pending: q.request.status == SetupRequestStatus::Pending,
                at: tr.utc_time(q.request.created_at),
                notes: q.request.notes.unwrap_or_default(),
                draft: mine.map(|d| d.notes.clone()).unwrap_or_default(),
                error: mine.map(|d| d.error.clone()),
            }
        })
        .collect();
    let view = Queue {
        chrome: page.chrome("requests"),
        tabs,
        items,
        next_url: result
            .next_cursor
            .map(|c| format!("/admin/setup-requests?status={status_param}&cursor={c}")),
        notice: match (query.notice.as_deref(), notice_tenant) {
            (Some("approved"), Some((id, name))) => Some(Notice {
                before: tr.t("console-request-approved-before"),
                name,
                href: format!("/admin/tenants/{id}"),
                after: tr.t("console-request-approved-after"),
            }),
            (Some("rejected"), Some((id, name))) => Some(Notice {
                before: tr.t("console-request-rejected-before"),
                name,
                href: format!("/admin/tenants/{id}"),
                after: tr.t("console-request-rejected-after"),
            }),
            _ => None,
        },
        error,
    };
    Ok(render(status_code, &view))
}

#[tracing::instrument(skip_all)]
async fn queue(
    State(state): State<AppState>,
    page: AdminPage,
    Query(query): Query<QueueQuery>,
) -> PageResult {
    render_queue(&state, &page, query, None, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct Empty {}

#[tracing::instrument(skip_all, fields(request_id = %id))]
async fn approve(
    State(state): State<AppState>,
    page: AdminPage,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let id: SetupRequestId = parse_id(&id, "setup request")?;
    match approve_request(&state, &page.admin, id).await {
        Ok(()) => {
            let tenant = state.store.setup_request(id).await?.request.tenant_id;
            Ok(Redirect::to(&format!(
                "/admin/setup-requests?notice=approved&tenant={tenant}"
            ))
            .into_response())
        }
        Err(err @ AppError::Conflict { .. }) => {
            let status = err.status();
            render_queue(
                &state,
                &page,
                QueueQuery::default(),
                None,
                status,
                Some(conflict_text(&err)),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct RejectForm {
    #[serde(default)]
    notes: String,
}

#[tracing::instrument(skip_all, fields(request_id = %id))]
async fn reject(
    State(state): State<AppState>,
    page: AdminPage,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> PageResult {
    let id: SetupRequestId = parse_id(&id, "setup request")?;
    match reject_request(&state, &page.admin, id, &form.notes).await {
        Ok(()) => {
            let tenant = state.store.setup_request(id).await?.request.tenant_id;
            Ok(Redirect::to(&format!(
                "/admin/setup-requests?notice=rejected&tenant={tenant}"
            ))
            .into_response())
        }
        Err(err @ AppError::Invalid { .. }) => {
            let status = err.status();
            let draft = Draft {
                id,
                notes: form.notes,
                error: notes_text(&err),
            };
            render_queue(
                &state,
                &page,
                QueueQuery::default(),
                Some(draft),
                status,
                None,
            )
            .await
        }
        Err(err @ AppError::Conflict { .. }) => {
            let status = err.status();
            render_queue(
                &state,
                &page,
                QueueQuery::default(),
                None,
                status,
                Some(conflict_text(&err)),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
