//! `/admin/tenants` (search, status filter, pages) and `/admin/tenants/{id}`
//! (everything about one tenant, with the buttons that apply to it now).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use flowhq_domain::entities::{MessageLog, WorkerProcess};

use flowhq_domain::lifecycle::{self, Event};
use flowhq_domain::{MessageLogId, TenantId, TenantStatus, WorkerStatus};
use flowhq_store::tenants::{TenantDetail, TenantFilter};
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::extract::{Query, parse_id};
use crate::pages::auth::sentence;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::AdminPage;
use crate::pages::portal::api_keys::KeyRow;
use crate::pages::{Chrome, PageError, PageResult, render, view};
use crate::state::AppState;
use crate::supervisor::SupervisorError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenants", get(list))
        .route("/tenants/{id}", get(show))
        .route("/tenants/{id}/live", get(live))
        .route("/tenants/{id}/delete", post(delete))
        .route("/tenants/{id}/api-guard", post(api_guard))
        .route("/tenants/{id}/api-keys/{key}/revoke", post(revoke_key))
        .route("/tenants/{id}/{action}", post(act))
}

const PAGE_SIZE: u32 = 25;
const MESSAGES_PER_PAGE: u32 = 25;
const LOG_LINES: usize = 40;

pub struct Row {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub status: String,
    pub tone: &'static str,
    pub session: String,
    pub session_tone: &'static str,
    pub worker: String,
    pub worker_tone: &'static str,
    pub heartbeat: String,
    pub created: String,
    /// Messages logged in the last 24 hours.
    pub recent: i64,
    pub last_message: String,
}

pub struct StatusOption {
    pub raw: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/tenants.html")]
struct TenantList {
    chrome: Chrome,
    q: String,
    status_options: Vec<StatusOption>,
    rows: Vec<Row>,
    next_url: Option<String>,
    first_url: Option<String>,
    /// The business just deleted, named.
    deleted: Option<String>,
    /// How many tenants the filter matches, on every page.
    total: i64,
    filtered: bool,
    /// "Page 2 of 40": this page's number (carried along the cursor) and
    /// how many pages the filter makes.
    page_number: u32,
    pages: i64,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
    deleted: Option<String>,
    /// The page's number, for "page 2 of 40"; the cursor says where it is.
    page: Option<u32>,
}

/// The latest heartbeat known: in memory (fresh) or persisted.
fn last_beat(state: &AppState, worker: &WorkerProcess) -> Option<DateTime<Utc>> {
    [
        state.supervisor.last_beat(worker.tenant_id),
        worker.last_heartbeat_at,
    ]
    .into_iter()
    .flatten()
    .max()
}

#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    page: AdminPage,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let status = query
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<TenantStatus>().ok());
    let cursor = query
        .cursor
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<TenantId>().ok());
    let q = query.q.unwrap_or_default().trim().to_owned();
    let filter = TenantFilter {
        status,
        q: Some(q.clone()).filter(|q| !q.is_empty()),
        limit: PAGE_SIZE,
        cursor,
    };
    let result = state.store.list_tenants(&filter).await?;
    let total = state.store.count_tenants(&filter).await?;
    let page_number = if cursor.is_some() {
        query.page.unwrap_or(2).max(2)
    } else {
        1
    };
    let now = Utc::now();
    let tr = crate::i18n::current();
    let ids: Vec<TenantId> = result.items.iter().map(|d| d.tenant.id).collect();
    let activity: std::collections::HashMap<TenantId, (i64, Option<DateTime<Utc>>)> = state
        .store
        .tenant_activity(&ids, now - chrono::TimeDelta::hours(24))
        .await?
        .into_iter()
        .map(|(id, recent, last)| (id, (recent, last)))
        .collect();
    let rows = result
        .items
        .iter()
        .map(|d| Row {
            id: d.tenant.id.to_string(),
            name: d.tenant.name.to_string(),
            phone: d.tenant.phone_number.to_string(),
            status: tr.state("tenant-status", d.tenant.status.as_str()),
            tone: view::tenant_tone(d.tenant.status),
            session: view::session_shown(d.session.state, d.worker.status).0,
            session_tone: view::session_shown(d.session.state, d.worker.status).1,
            worker: tr.state("worker-status", d.worker.status.as_str()),
            worker_tone: view::worker_tone(d.worker.status),
            heartbeat: last_beat(&state, &d.worker)
                .map_or_else(|| tr.t("console-never"), |at| tr.ago(at, now)),
            created: tr.utc_time(d.tenant.created_at),
            recent: activity.get(&d.tenant.id).map_or(0, |a| a.0),
            last_message: activity
                .get(&d.tenant.id)
                .and_then(|a| a.1)
                .map_or_else(|| tr.t("console-never"), |at| tr.ago(at, now)),
        })
        .collect();
    let base = format!(
        "/admin/tenants?q={}&status={}",
        view::urlencode(&q),
        status.map_or("", TenantStatus::as_str)
    );
    let page = TenantList {
        chrome: page.chrome("tenants"),
        status_options: TenantStatus::ALL
            .iter()
            .map(|s| StatusOption {
                raw: s.as_str(),
                label: tr.state("tenant-status", s.as_str()),
                selected: Some(*s) == status,
            })
            .collect(),
        q,
        rows,
        next_url: result.next_cursor.map(|c| {
            format!(
                "{base}&cursor={}&page={}",
                view::urlencode(&c),
                page_number + 1
            )
        }),
        first_url: cursor.map(|_| base.clone()),
        deleted: query.deleted,
        total,
        filtered: status.is_some(),
        page_number,
        pages: (total + i64::from(PAGE_SIZE) - 1) / i64::from(PAGE_SIZE),
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct Message {
    pub at: String,
    pub inbound: bool,
    pub from: String,
    pub to: String,
    pub text: String,
}

impl Message {
    /// A logged message, its time in `tz` (else in UTC, saying so), in the
    /// page's language.
    pub fn from_log(m: &MessageLog, tz: Option<chrono_tz::Tz>) -> Self {
        let tr = crate::i18n::current();
        Message {
            at: match tz {
                Some(tz) => tr.date_time(m.created_at, tz),
                None => tr.utc_time(m.created_at),
            },
            inbound: m.direction == flowhq_domain::Direction::Inbound,
            from: m.from_number.clone(),
            to: m.to_number.clone(),
            text: m.message_text.clone(),
        }
    }
}

pub struct HistoryRow {
    pub at: String,
    pub from: String,
    pub to: String,
    pub to_tone: &'static str,
    pub event: String,
    pub actor: String,
}

pub struct Action {
    pub path: &'static str,
    pub label: String,
    pub style: &'static str,
    /// The question asked before posting; empty for none.
    pub confirm: String,
}

#[derive(Template)]
#[template(path = "admin/tenant.html")]
struct TenantPage {
    chrome: Chrome,
    id: String,
    name: String,
    phone: String,
    status: String,
    tone: &'static str,
    created: String,
    business_name: String,
    template: String,
    language: String,
    timezone: String,
    /// The week in words, one line per run of days.
    hours: String,
    overrides: usize,
    session_state: String,
    session_tone: &'static str,
    session_seen: String,
    qr: String,
    qr_svg: Option<String>,
    live_key: String,
    pairing_code: String,
    worker_status: String,
    worker_tone: &'static str,
    process_name: String,
    pid: String,
    restarts: u32,
    heartbeat: String,
    last_error: String,
    lifecycle_actions: Vec<Action>,
    worker_actions: Vec<Action>,
    request: Option<RequestSummary>,
    history: Vec<HistoryRow>,
    messages: Vec<Message>,
    older_url: Option<String>,
    newer_url: Option<String>,
    log_lines: Option<Vec<String>>,
    log_path: String,
    api_keys: Vec<KeyRow>,
    send_any_contact: bool,
    webhooks: Vec<crate::pages::webhooks::TenantHookRow>,
    /// The last 30 days: figures and a chart.
    activity: crate::pages::activity::Activity,
    notice: Option<String>,
    error: Option<String>,
}

pub struct RequestSummary {
    pub status: String,
    pub at: String,
    pub notes: String,
    pub number: String,
}

/// The lifecycle buttons a tenant in `status` can take: only those the
/// status machine would allow.
fn lifecycle_actions(status: TenantStatus) -> Vec<Action> {
    let tr = crate::i18n::current();
    [
        (Event::Pause, "pause", "console-action-pause", "secondary"),
        (Event::Resume, "resume", "console-action-resume", ""),
        (Event::Retry, "retry", "console-action-retry", ""),
    ]
    .into_iter()
    .filter(|(event, ..)| lifecycle::next(status, *event).is_ok())
    .enumerate()
    // One primary action per state; the others look secondary.
    .map(|(i, (_, path, label, style))| Action {
        path,
        label: tr.t(label),
        style: if i == 0 { style } else { "secondary" },
        confirm: String::new(),
    })
    .collect()
}

/// The worker buttons that make sense for a worker in `status`; none before
/// the tenant is approved (there is nothing to run yet).
fn worker_actions(tenant: TenantStatus, status: WorkerStatus) -> Vec<Action> {
    if matches!(tenant, TenantStatus::New | TenantStatus::Pending) {
        return Vec::new();
    }
    let tr = crate::i18n::current();
    let start = Action {
        path: "start",
        label: tr.t("console-action-start"),
        style: "",
        confirm: String::new(),
    };
    let stop = Action {
        path: "stop",
        label: tr.t("console-action-stop"),
        style: "danger",
        confirm: tr.t("console-action-stop-confirm"),
    };
    let restart = Action {
        path: "restart",
        label: tr.t("console-action-restart"),
        style: "secondary",
        confirm: String::new(),
    };
    match status {
        WorkerStatus::Stopped => vec![start],
        WorkerStatus::Error => vec![start, restart],
        WorkerStatus::Starting | WorkerStatus::Running => vec![restart, stop],
        WorkerStatus::Stopping => Vec::new(),
    }
}

/// The notice after a button (`?notice=`), in the operator's language.
fn notice_text(code: &str) -> Option<String> {
    let key = match code {
        "start" => "console-notice-start",
        "stop" => "console-notice-stop",
        "restart" => "console-notice-restart",
        "pause" => "console-notice-pause",
        "resume" => "console-notice-resume",
        "retry" => "console-notice-retry",
        "api-guard-on" => "console-notice-api-guard-on",
        "api-guard-off" => "console-notice-api-guard-off",
        "key-revoked" => "console-notice-key-revoked",
        _ => return None,
    };
    Some(crate::i18n::current().t(key))
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    before: Option<String>,
    notice: Option<String>,
}

/// A live key changes when anything shown around the QR code changes: then
/// the page is fetched again.
pub fn live_key(detail: &TenantDetail, has_qr: bool) -> String {
    format!(
        "{}:{}:{}:{}:{}",
        detail.tenant.status,
        detail.session.state,
        detail.worker.status,
        has_qr,
        current_pairing_code(&detail.session).unwrap_or_default()
    )
}

pub use crate::api::admin::qr::current_pairing_code;

/// The tenant's current QR code, if one is showing and not yet expired.
pub fn current_qr(detail: &TenantDetail) -> Option<String> {
    detail
        .session
        .last_qr
        .clone()
        .filter(|_| {
            detail
                .session
                .qr_expires_at
                .is_none_or(|at| at > Utc::now())
        })
        .filter(|_| {
            !matches!(
                detail.tenant.status,
                TenantStatus::New | TenantStatus::Pending | TenantStatus::Active
            )
        })
}

async fn tenant_page(
    state: &AppState,
    page: &AdminPage,
    id: TenantId,
    before: Option<MessageLogId>,
    notice: Option<String>,
    error: Option<String>,
) -> AppResult<TenantPage> {
    let store = &state.store;
    let detail = store.tenant_detail(id).await?;
    let (events, messages, api_keys, send_any_contact) = tokio::try_join!(
        store.tenant_events(id),
        store.list_messages(id, MESSAGES_PER_PAGE, before),
        store.list_api_keys(id),
        store.api_send_any_contact(id),
    )?;
    let webhooks = crate::pages::webhooks::tenant_rows(state, id).await?;
    let now = Utc::now();
    let tr = crate::i18n::current();
    let tz = detail.config.hours.timezone;
    let hours = flowhq_domain::bot::week_in_words(tr.language(), &detail.config.hours);
    let qr = current_qr(&detail);
    let log_path = state
        .settings
        .data_dir
        .join("logs")
        .join(format!("{}.log", detail.worker.process_name));
    let log_lines = {
        let path = log_path.clone();
        tokio::task::spawn_blocking(move || view::tail_lines(&path, LOG_LINES))
            .await
            .map_err(anyhow::Error::from)?
    };
    let mut history: Vec<HistoryRow> = events
        .iter()
        .map(|e| HistoryRow {
            at: tr.utc_time(e.at),
            from: tr.state("tenant-status", e.from_status.as_str()),
            to: tr.state("tenant-status", e.to_status.as_str()),
            to_tone: view::tenant_tone(e.to_status),
            event: tr.state("console-event", e.event.as_str()),
            actor: e.actor.clone(),
        })
        .collect();
    history.reverse();
    let activity =
        crate::pages::activity::of(state, id, 30, crate::pages::activity::Reader::Operator).await?;
    Ok(TenantPage {
        activity,
        chrome: page.chrome("tenants"),
        id: id.to_string(),
        name: detail.tenant.name.to_string(),
        phone: detail.tenant.phone_number.to_string(),
        status: tr.state("tenant-status", detail.tenant.status.as_str()),
        tone: view::tenant_tone(detail.tenant.status),
        created: tr.utc_time(detail.tenant.created_at),
        business_name: detail.config.business_name.clone(),
        template: tr.state("template-type", detail.config.template_type.as_str()),
        language: tr.t(&format!(
            "language-{}",
            crate::i18n::negotiate::code(detail.config.language)
        )),
        timezone: crate::pages::zones::label(tz.name()),
        hours,
        overrides: detail.config.overrides.len(),
        session_state: view::session_shown(detail.session.state, detail.worker.status).0,
        session_tone: view::session_shown(detail.session.state, detail.worker.status).1,
        session_seen: detail
            .session
            .last_seen_at
            .map_or_else(|| tr.t("console-never"), |at| tr.ago(at, now)),
        qr_svg: qr.as_deref().and_then(view::qr_svg),
        live_key: live_key(&detail, qr.is_some()),
        pairing_code: current_pairing_code(&detail.session).unwrap_or_default(),
        qr: qr.unwrap_or_default(),
        worker_status: tr.state("worker-status", detail.worker.status.as_str()),
        worker_tone: view::worker_tone(detail.worker.status),
        process_name: detail.worker.process_name.clone(),
        pid: detail
            .worker
            .pid
            .map_or_else(|| "—".to_owned(), |p| p.to_string()),
        restarts: detail.worker.restarts,
        heartbeat: last_beat(state, &detail.worker)
            .map_or_else(|| tr.t("console-never"), |at| tr.ago(at, now)),
        last_error: detail.worker.last_error.clone().unwrap_or_default(),
        lifecycle_actions: lifecycle_actions(detail.tenant.status),
        worker_actions: worker_actions(detail.tenant.status, detail.worker.status),
        request: detail.setup_request.as_ref().map(|r| RequestSummary {
            status: tr.state("setup-request-status", r.status.as_str()),
            at: tr.utc_time(r.created_at),
            notes: r.notes.clone().unwrap_or_default(),
            number: r.whatsapp_number.to_string(),
        }),
        history,
        older_url: messages
            .next_cursor
            .as_ref()
            .map(|c| format!("/admin/tenants/{id}?before={c}#messages")),
        newer_url: before.map(|_| format!("/admin/tenants/{id}#messages")),
        messages: messages
            .items
            .iter()
            .map(|m| Message::from_log(m, None))
            .collect(),
        log_lines,
        log_path: log_path.display().to_string(),
        api_keys: api_keys.iter().map(|k| KeyRow::of(k, now)).collect(),
        send_any_contact,
        webhooks,
        notice,
        error,
    })
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn show(
    State(state): State<AppState>,
    page: AdminPage,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let id: TenantId = parse_id(&id, "tenant")?;
    let before = match query.before.as_deref().filter(|b| !b.is_empty()) {
        Some(raw) => Some(raw.parse().map_err(|_| PageError::not_found("message"))?),
        None => None,
    };
    let notice = query.notice.as_deref().and_then(notice_text);
    let view = tenant_page(&state, &page, id, before, notice, None).await?;
    Ok(render(StatusCode::OK, &view))
}

/// `{key, qr, qr_svg}` for the page's live script.
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn live(
    State(state): State<AppState>,
    _page: AdminPage,
    Path(id): Path<String>,
) -> PageResult {
    let id: TenantId = parse_id(&id, "tenant")?;
    let detail = state.store.tenant_detail(id).await?;
    Ok(live_json(&detail).into_response())
}

pub fn live_json(detail: &TenantDetail) -> Response {
    let qr = current_qr(detail);
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "key": live_key(detail, qr.is_some()),
            "status": detail.tenant.status,
            "qr": qr,
            "qr_svg": qr.as_deref().and_then(view::qr_svg),
        })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Empty {}

/// The buttons of the console's tenant page, by the last segment of the
/// path they post to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ConsoleAction {
    Start,
    Stop,
    Restart,
    Pause,
    Resume,
    Retry,
}

impl ConsoleAction {
    fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "start" => Self::Start,
            "stop" => Self::Stop,
            "restart" => Self::Restart,
            "pause" => Self::Pause,
            "resume" => Self::Resume,
            "retry" => Self::Retry,
            _ => return None,
        })
    }

    /// The notice the page shows afterwards (`?notice=`).
    fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Retry => "retry",
        }
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %id, action = %action))]
async fn act(
    State(state): State<AppState>,
    page: AdminPage,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let actor = &page.admin.actor.0;
    let action = ConsoleAction::parse(&action).ok_or_else(|| PageError::not_found("action"))?;
    let supervised = |done: Result<_, SupervisorError>| done.map(drop).map_err(AppError::from);
    let result: AppResult<()> = match action {
        ConsoleAction::Start => supervised(state.supervisor.start(tenant).await),
        ConsoleAction::Stop => supervised(state.supervisor.stop(tenant).await),
        ConsoleAction::Restart => supervised(state.supervisor.restart(tenant).await),
        ConsoleAction::Pause => {
            crate::lifecycle::pause_or_resume(&state, tenant, Event::Pause, actor)
                .await
                .map(drop)
        }
        ConsoleAction::Resume => {
            crate::lifecycle::pause_or_resume(&state, tenant, Event::Resume, actor)
                .await
                .map(drop)
        }
        ConsoleAction::Retry => match state.store.apply_event(tenant, Event::Retry, actor).await {
            Ok(_) => crate::lifecycle::after_retry(&state, tenant).await,
            Err(e) => Err(e.into()),
        },
    };
    let action = action.as_str();
    match result {
        Ok(()) => {
            tracing::info!(tenant_id = %tenant, action, "admin action from the console");
            Ok(Redirect::to(&format!("/admin/tenants/{tenant}?notice={action}")).into_response())
        }
        Err(err @ (AppError::Conflict { .. } | AppError::Invalid { .. })) => {
            let status = err.status();
            let view = tenant_page(
                &state,
                &page,
                tenant,
                None,
                None,
                Some(sentence(&err.to_string())),
            )
            .await?;
            Ok(render(status, &view))
        }
        Err(other) => Err(other.into()),
    }
}

/// Deletes the tenant and everything of it, after the page's confirmation;
/// the list then names what was deleted.
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn delete(
    State(state): State<AppState>,
    _page: AdminPage,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let name = state.store.tenant(tenant).await?.name.to_string();
    crate::lifecycle::before_delete(&state, tenant).await?;
    state.store.delete_tenant(tenant).await?;
    tracing::info!(tenant_id = %tenant, "tenant deleted from the console");
    Ok(Redirect::to(&format!(
        "/admin/tenants?deleted={}",
        view::urlencode(&name)
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
struct GuardForm {
    /// The checkbox: present when ticked.
    send_any_contact: Option<String>,
}

/// Lifts the public API's anti-ban guard for this tenant, or puts it back.
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn api_guard(
    State(state): State<AppState>,
    page: AdminPage,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<GuardForm>,
) -> PageResult {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let any = form.send_any_contact.is_some();
    state.store.set_api_send_any_contact(tenant, any).await?;
    tracing::info!(actor = %page.admin.actor.0, send_any_contact = any, "public API guard set from the console");
    let notice = if any { "api-guard-on" } else { "api-guard-off" };
    Ok(Redirect::to(&format!(
        "/admin/tenants/{tenant}?notice={notice}#public-api"
    ))
    .into_response())
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn revoke_key(
    State(state): State<AppState>,
    _page: AdminPage,
    Path((id, key)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let key = parse_id(&key, "api key")?;
    state.store.revoke_api_key(tenant, key).await?;
    Ok(Redirect::to(&format!(
        "/admin/tenants/{tenant}?notice=key-revoked#public-api"
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_buttons_follow_the_status_machine() {
        let paths = |s| {
            lifecycle_actions(s)
                .into_iter()
                .map(|a| a.path)
                .collect::<Vec<_>>()
        };
        assert_eq!(paths(TenantStatus::Active), ["pause"]);
        assert_eq!(paths(TenantStatus::Paused), ["resume", "retry"]);
        assert_eq!(paths(TenantStatus::Error), ["pause", "retry"]);
        assert!(paths(TenantStatus::New).is_empty());
        assert!(paths(TenantStatus::QrPending).is_empty());
    }

    #[test]
    fn every_lifecycle_event_has_a_name() {
        let tr = crate::i18n::Tr::new(flowhq_domain::Language::En);
        for event in Event::ALL {
            let key = crate::i18n::state_key("console-event", event.as_str());
            assert_ne!(tr.t(&key), key, "no message {key}");
        }
    }

    #[test]
    fn worker_buttons_fit_the_worker() {
        let paths = |t, w| {
            worker_actions(t, w)
                .into_iter()
                .map(|a| a.path)
                .collect::<Vec<_>>()
        };
        assert!(paths(TenantStatus::Pending, WorkerStatus::Stopped).is_empty());
        assert_eq!(
            paths(TenantStatus::Approved, WorkerStatus::Stopped),
            ["start"]
        );
        assert_eq!(
            paths(TenantStatus::Active, WorkerStatus::Running),
            ["restart", "stop"]
        );
    }
}
