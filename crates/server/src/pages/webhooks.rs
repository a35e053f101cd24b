//! `/app/webhooks` (the owner's endpoints) and `/admin/webhooks` (the
//! operators' endpoint, which gets every tenant's events): add an
//! endpoint, see what was delivered and what failed, replay dead letters,
//! rotate the secret, switch an endpoint off and on. The same actions as
//! the API (`crate::api::webhooks`), as forms.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use flowhq_domain::webhooks::EventType;
use flowhq_store::webhooks::{DeliveryStatus, Owner};

use crate::api::webhooks::{self as hooks, CreateBody, DeliveryQuery, PatchBody};
use crate::error::AppError;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::{AdminPage, OwnerPage};
use crate::pages::{Chrome, PageResult, render, view};
use crate::state::AppState;

pub fn portal_router() -> Router<AppState> {
    actions(
        Router::new().route("/webhooks", get(owner_page).post(owner_create)),
        owner_act,
    )
}

pub fn admin_router() -> Router<AppState> {
    actions(
        Router::new()
            .route("/webhooks", get(admin_page).post(admin_create))
            .route(
                "/tenants/{tenant}/webhooks/{id}/replay",
                post(tenant_replay),
            ),
        admin_act,
    )
}

/// A tenant's endpoint as the console's tenant page shows it.
pub struct TenantHookRow {
    pub id: String,
    pub url: String,
    pub state: String,
    pub tone: &'static str,
    pub dead: usize,
}

/// The tenant's own endpoints with their dead letters, for operators
/// helping its owner.
pub async fn tenant_rows(
    state: &AppState,
    tenant: flowhq_domain::TenantId,
) -> crate::error::AppResult<Vec<TenantHookRow>> {
    let owner = Owner::Tenant(tenant);
    let mut rows = Vec::new();
    for endpoint in state.store.webhook_endpoints(owner).await? {
        let dead = state
            .store
            .webhook_deliveries(owner, endpoint.id, Some(DeliveryStatus::Dead), 200, None)
            .await?
            .items
            .len();
        let (state_text, tone) = state_of(&endpoint);
        rows.push(TenantHookRow {
            id: endpoint.id.to_string(),
            url: endpoint.url,
            state: state_text,
            tone,
            dead,
        });
    }
    Ok(rows)
}

/// The console replays a tenant endpoint's dead letters.
#[tracing::instrument(skip_all)]
async fn tenant_replay(
    State(state): State<AppState>,
    _page: AdminPage,
    Path((tenant, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let tenant: flowhq_domain::TenantId = crate::extract::parse_id(&tenant, "tenant")?;
    hooks::replay(&state, Owner::Tenant(tenant), &id, None).await?;
    Ok(Redirect::to(&format!("/admin/tenants/{tenant}#public-api")).into_response())
}

/// An endpoint's state in words, and its badge's tone.
fn state_of(endpoint: &flowhq_store::webhooks::WebhookEndpoint) -> (String, &'static str) {
    match (&endpoint.disabled_at, &endpoint.failing_since) {
        (Some(at), _) => (
            crate::i18n::current().t2(
                "app-hooks-off-since",
                "at",
                view::time(*at),
                "reason",
                endpoint.disabled_reason.clone().unwrap_or_default(),
            ),
            "bad",
        ),
        (None, Some(since)) => (
            crate::i18n::current().t1("app-hooks-failing-since", "at", view::time(*since)),
            "wait",
        ),
        (None, None) => (crate::i18n::current().t("app-hooks-on"), "ok"),
    }
}

/// `POST /webhooks/{id}/{action}` and `…/deliveries/{delivery}/replay`.
fn actions<H, T>(router: Router<AppState>, act: H) -> Router<AppState>
where
    H: axum::handler::Handler<T, AppState> + Clone,
    T: 'static,
{
    router
        .route("/webhooks/{id}/{action}", post(act.clone()))
        .route("/webhooks/{id}/deliveries/{delivery}/{action}", post(act))
}

/// What an event type is called on the page.
fn event_label(event: EventType) -> String {
    let key = match event {
        EventType::MessageReceived => "app-event-message-received",
        EventType::MessageSent => "app-event-message-sent",
        EventType::MessageStatus => "app-event-message-status",
        EventType::HandoffRequested => "app-event-handoff-requested",
        EventType::SessionStatus => "app-event-session-status",
        EventType::TenantStatus => "app-event-tenant-status",
        EventType::AlertOpened => "app-event-alert-opened",
        EventType::AlertCleared => "app-event-alert-cleared",
    };
    crate::i18n::current().t(key)
}

pub struct EventChoice {
    pub name: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct DeliveryRow {
    pub id: String,
    pub event_type: String,
    pub status: String,
    pub tone: &'static str,
    pub attempts: i64,
    pub last: String,
    pub created: String,
    pub dead: bool,
}

pub struct EndpointCard {
    pub id: String,
    pub url: String,
    pub events: String,
    pub state: String,
    pub tone: &'static str,
    pub enabled: bool,
    pub dead: usize,
    pub deliveries: Vec<DeliveryRow>,
}

#[derive(Default)]
pub struct Form {
    pub url: String,
    pub url_error: Option<String>,
    pub events_error: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    chrome: Chrome,
    base: &'static str,
    operators: bool,
    endpoints: Vec<EndpointCard>,
    choices: Vec<EventChoice>,
    form: Form,
    /// A secret just made: shown this once.
    secret: Option<String>,
    notice: Option<String>,
}

struct Area {
    owner: Owner,
    base: &'static str,
    chrome: Chrome,
}

fn owner_area(page: &OwnerPage) -> Area {
    Area {
        owner: Owner::Tenant(page.owner.tenant_id),
        base: "/app/webhooks",
        chrome: page.chrome("webhooks"),
    }
}

fn admin_area(page: &AdminPage) -> Area {
    Area {
        owner: Owner::Operator,
        base: "/admin/webhooks",
        chrome: page.chrome("webhooks"),
    }
}

async fn show(
    state: &AppState,
    area: Area,
    status: StatusCode,
    form: Form,
    picked: &[String],
    secret: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let mut endpoints = Vec::new();
    for endpoint in state.store.webhook_endpoints(area.owner).await? {
        let log = hooks::deliveries(
            state,
            area.owner,
            &endpoint.id.to_string(),
            DeliveryQuery {
                status: None,
                limit: Some(20),
                before: None,
            },
        )
        .await?;
        let dead = state
            .store
            .webhook_deliveries(
                area.owner,
                endpoint.id,
                Some(DeliveryStatus::Dead),
                200,
                None,
            )
            .await?
            .items
            .len();
        let (state_text, tone) = state_of(&endpoint);
        endpoints.push(EndpointCard {
            id: endpoint.id.to_string(),
            url: endpoint.url,
            events: endpoint
                .events
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            state: state_text,
            tone,
            enabled: endpoint.disabled_at.is_none(),
            dead,
            deliveries: log
                .items
                .into_iter()
                .map(|d| {
                    let tr = crate::i18n::current();
                    let (status, tone) = match d.status {
                        DeliveryStatus::Delivered => ("app-delivery-delivered", "ok"),
                        DeliveryStatus::Pending if d.attempts == 0 => {
                            ("app-delivery-queued", "neutral")
                        }
                        DeliveryStatus::Pending => ("app-delivery-retrying", "wait"),
                        DeliveryStatus::Dead => ("app-delivery-dead", "bad"),
                    };
                    let status = tr.t(status);
                    let last = match (d.last_status_code, d.last_error) {
                        (_, Some(error)) => error,
                        (Some(code), None) => tr.t1("app-delivery-answered", "code", code),
                        (None, None) => String::new(),
                    };
                    DeliveryRow {
                        id: d.id,
                        event_type: d.event_type,
                        status,
                        tone,
                        attempts: d.attempts,
                        last,
                        created: view::time(d.created_at),
                        dead: d.status == DeliveryStatus::Dead,
                    }
                })
                .collect(),
        });
    }
    let choices = EventType::ALL
        .iter()
        .map(|&event| EventChoice {
            name: event.as_str(),
            label: event_label(event),
            checked: picked.iter().any(|p| p == event.as_str()),
        })
        .collect();
    let page = WebhooksPage {
        chrome: area.chrome,
        base: area.base,
        operators: area.owner == Owner::Operator,
        endpoints,
        choices,
        form,
        secret,
        notice,
    };
    Ok(render(status, &page))
}

#[tracing::instrument(skip_all)]
async fn owner_page(State(state): State<AppState>, page: OwnerPage) -> PageResult {
    let area = owner_area(&page);
    show(
        &state,
        area,
        StatusCode::OK,
        Form::default(),
        &[],
        None,
        None,
    )
    .await
}

#[tracing::instrument(skip_all)]
async fn admin_page(State(state): State<AppState>, page: AdminPage) -> PageResult {
    let area = admin_area(&page);
    show(
        &state,
        area,
        StatusCode::OK,
        Form::default(),
        &[],
        None,
        None,
    )
    .await
}

#[tracing::instrument(skip_all)]
async fn owner_create(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    create(&state, owner_area(&page), form).await
}

#[tracing::instrument(skip_all)]
async fn admin_create(
    State(state): State<AppState>,
    page: AdminPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    create(&state, admin_area(&page), form).await
}

/// Adds an endpoint from the form: every event type is a checkbox named
/// `event:<type>`. The page comes back with the secret, or with the
/// refusals next to their fields and nothing made.
async fn create(state: &AppState, area: Area, form: HashMap<String, String>) -> PageResult {
    let url = form.get("url").cloned().unwrap_or_default();
    let events: Vec<String> = EventType::ALL
        .iter()
        .map(|e| e.as_str().to_owned())
        .filter(|e| form.contains_key(&format!("event:{e}")))
        .collect();
    // Every refusal at once: the URL and the events are checked apart.
    let mut errors = Form {
        url: url.clone(),
        ..Form::default()
    };
    let tr = crate::i18n::current();
    if let Err(e) = flowhq_domain::webhooks::EndpointUrl::parse(&url) {
        errors.url_error = Some(url_refusal(&e.to_string()));
    }
    if events.is_empty() {
        errors.events_error = Some(tr.t("app-hooks-pick-event"));
    }
    if errors.url_error.is_some() || errors.events_error.is_some() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show(state, area, status, errors, &events, None, None).await;
    }
    let body = CreateBody {
        url,
        events: events.clone(),
        secret: None,
    };
    match hooks::create(state, area.owner, body).await {
        Ok(created) => {
            let notice = Some(tr.t1("app-hooks-added", "url", &created.endpoint.url));
            show(
                state,
                area,
                StatusCode::OK,
                Form::default(),
                &[],
                created.secret,
                notice,
            )
            .await
        }
        Err(AppError::Invalid { message, .. }) => {
            errors.error = Some(message);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(state, area, status, errors, &events, None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip_all)]
async fn owner_act(
    State(state): State<AppState>,
    page: OwnerPage,
    Path(params): Path<HashMap<String, String>>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    act(&state, owner_area(&page), params).await
}

#[tracing::instrument(skip_all)]
async fn admin_act(
    State(state): State<AppState>,
    page: AdminPage,
    Path(params): Path<HashMap<String, String>>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    act(&state, admin_area(&page), params).await
}

/// One button's action on an endpoint (or on one of its dead letters).
async fn act(state: &AppState, area: Area, params: HashMap<String, String>) -> PageResult {
    let id = params.get("id").map(String::as_str).unwrap_or_default();
    let action = params.get("action").map(String::as_str).unwrap_or_default();
    let delivery = params.get("delivery").map(String::as_str);
    let patch = |enabled: Option<bool>, rotate_secret: bool| PatchBody {
        enabled,
        rotate_secret,
        ..PatchBody::default()
    };
    match (action, delivery) {
        ("replay", Some(delivery)) => {
            hooks::replay(state, area.owner, id, Some(delivery)).await?;
        }
        ("replay", None) => {
            hooks::replay(state, area.owner, id, None).await?;
        }
        ("enable", None) => {
            hooks::update(state, area.owner, id, patch(Some(true), false)).await?;
        }
        ("disable", None) => {
            hooks::update(state, area.owner, id, patch(Some(false), false)).await?;
        }
        ("delete", None) => hooks::delete(state, area.owner, id).await?,
        ("rotate", None) => {
            let rotated = hooks::update(state, area.owner, id, patch(None, true)).await?;
            let notice = Some(crate::i18n::current().t("app-hooks-rotated"));
            return show(
                state,
                area,
                StatusCode::OK,
                Form::default(),
                &[],
                rotated.secret,
                notice,
            )
            .await;
        }
        _ => return Err(AppError::NotFound("action").into()),
    }
    Ok(Redirect::to(area.base).into_response())
}

/// A refused endpoint address in the page's language where the refusal is
/// a usual one (empty, not https), else in the check's words.
fn url_refusal(message: &str) -> String {
    let tr = crate::i18n::current();
    if message.contains("https://") {
        tr.t("app-hooks-url-https")
    } else if message.contains("user name or password") {
        tr.t("app-hooks-url-credentials")
    } else {
        crate::pages::auth::sentence(message)
    }
}
