//! `/admin/alerts` (every incident, and the operator's own alert mails)
//! and `/app/alerts` (the owner's alert mails): each user turns each kind
//! of alert mail on or off for themself.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use flowhq_domain::UserId;
use flowhq_domain::alerts::{AlertKind, Audience};
use serde::Deserialize;
use uuid::Uuid;

use crate::extract::Query;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::{AdminPage, OwnerPage};
use crate::pages::{Chrome, PageResult, render, view};
use crate::state::AppState;

pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(admin_list))
        .route("/alerts/preferences", post(admin_prefs))
}

pub fn portal_router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(owner_page))
        .route("/alerts/preferences", post(owner_prefs))
}

/// An alert kind in words, in the page's language.
pub fn label(kind: AlertKind) -> String {
    let key = match kind {
        AlertKind::Unlinked => "app-alert-unlinked",
        AlertKind::QrExpired => "app-alert-qr-expired",
        AlertKind::Banned => "app-alert-banned",
        AlertKind::Disconnected => "app-alert-disconnected",
        AlertKind::WorkerError => "app-alert-worker-error",
        AlertKind::OutdatedClient => "app-alert-outdated-client",
        AlertKind::Silent => "app-alert-silent",
    };
    crate::i18n::current().t(key)
}

pub struct Pref {
    pub kind: &'static str,
    pub label: String,
    pub enabled: bool,
}

async fn prefs_for(state: &AppState, user: UserId, audience: Audience) -> PageResult<Vec<Pref>> {
    let off = state.store.alerts_turned_off(user).await?;
    Ok(AlertKind::ALL
        .iter()
        .filter(|k| k.audience() == audience)
        .map(|&kind| Pref {
            kind: kind.as_str(),
            label: label(kind),
            enabled: !off.contains(&kind),
        })
        .collect())
}

/// Saves a preferences form: a kind's checkbox is there when it is on.
async fn save_prefs(
    state: &AppState,
    user: UserId,
    audience: Audience,
    form: &HashMap<String, String>,
) -> PageResult<()> {
    for kind in AlertKind::ALL.iter().filter(|k| k.audience() == audience) {
        state
            .store
            .set_alert_pref(user, *kind, form.contains_key(kind.as_str()))
            .await?;
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    cursor: Option<String>,
    saved: Option<String>,
}

pub struct Row {
    pub tenant_id: String,
    pub tenant: String,
    pub label: String,
    pub detail: Option<String>,
    pub count: i64,
    pub state: String,
    pub tone: &'static str,
    pub opened: String,
    pub cleared: String,
    pub told: String,
}

#[derive(Template)]
#[template(path = "admin/alerts.html")]
struct AdminAlerts {
    chrome: Chrome,
    items: Vec<Row>,
    next_url: Option<String>,
    prefs: Vec<Pref>,
    prefs_action: &'static str,
    saved: bool,
}

#[tracing::instrument(skip_all)]
async fn admin_list(
    State(state): State<AppState>,
    page: AdminPage,
    Query(query): Query<PageQuery>,
) -> PageResult {
    let cursor = query.cursor.as_deref().and_then(|c| c.parse::<Uuid>().ok());
    let result = state.store.list_alerts(50, cursor).await?;
    let tr = crate::i18n::current();
    let items = result
        .items
        .into_iter()
        .map(|a| {
            let told = match (a.notified_at, a.cleared_notified_at) {
                (Some(_), Some(_)) => "app-alerts-told-both",
                (Some(_), None) => "app-alerts-told-alert",
                (None, _) => "app-alerts-told-none",
            };
            Row {
                tenant_id: a.tenant_id.to_string(),
                tenant: a.tenant_name,
                label: label(a.kind),
                detail: a.detail,
                count: a.raised_count,
                state: tr.t(if a.cleared_at.is_some() {
                    "app-alerts-state-cleared"
                } else {
                    "app-alerts-state-open"
                }),
                tone: if a.cleared_at.is_some() { "ok" } else { "bad" },
                opened: view::time(a.opened_at),
                cleared: a.cleared_at.map(view::time).unwrap_or_default(),
                told: tr.t(told),
            }
        })
        .collect();
    let view = AdminAlerts {
        chrome: page.chrome("alerts"),
        items,
        next_url: result
            .next_cursor
            .map(|c| format!("/admin/alerts?cursor={c}")),
        prefs: prefs_for(&state, page.user.id, Audience::Operators).await?,
        prefs_action: "/admin/alerts/preferences",
        saved: query.saved.is_some(),
    };
    Ok(render(StatusCode::OK, &view))
}

#[tracing::instrument(skip_all)]
async fn admin_prefs(
    State(state): State<AppState>,
    page: AdminPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    save_prefs(&state, page.user.id, Audience::Operators, &form).await?;
    Ok(Redirect::to("/admin/alerts?saved=1").into_response())
}

#[derive(Template)]
#[template(path = "portal/alerts.html")]
struct OwnerAlerts {
    chrome: Chrome,
    prefs: Vec<Pref>,
    prefs_action: &'static str,
    saved: bool,
}

#[tracing::instrument(skip_all)]
async fn owner_page(
    State(state): State<AppState>,
    page: OwnerPage,
    Query(query): Query<PageQuery>,
) -> PageResult {
    let mut prefs = prefs_for(&state, page.owner.user.id, Audience::Owner).await?;
    prefs.push(Pref {
        kind: flowhq_store::digest::DIGEST_PREF,
        label: crate::i18n::current().t("app-alert-digest"),
        enabled: state.store.digest_enabled(page.owner.user.id).await?,
    });
    let view = OwnerAlerts {
        chrome: page.chrome("alerts"),
        prefs,
        prefs_action: "/app/alerts/preferences",
        saved: query.saved.is_some(),
    };
    Ok(render(StatusCode::OK, &view))
}

#[tracing::instrument(skip_all)]
async fn owner_prefs(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    save_prefs(&state, page.owner.user.id, Audience::Owner, &form).await?;
    let digest = form.contains_key(flowhq_store::digest::DIGEST_PREF);
    state
        .store
        .set_digest_enabled(page.owner.user.id, digest)
        .await?;
    Ok(Redirect::to("/app/alerts?saved=1").into_response())
}
