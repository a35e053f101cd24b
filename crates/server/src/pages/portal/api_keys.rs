//! `/app/api-keys`: the owner's keys to the public API. A new key's secret
//! is shown on the page that answers its form, once; the list shows the
//! prefix, the scopes and the last use, and revokes.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Utc;
use flowhq_domain::api_keys::{ApiKey, Scope};
use serde::Deserialize;

use crate::api::api_keys::{NewKeyBody, create};
use crate::error::AppError;
use crate::extract::Query;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::OwnerPage;
use crate::pages::{Chrome, PageResult, render, view};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api-keys", get(show).post(make))
        .route("/api-keys/{id}/revoke", post(revoke))
}

/// A key as a row of the list.
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

impl KeyRow {
    pub fn of(key: &ApiKey, now: chrono::DateTime<Utc>) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.to_string(),
            prefix: key.prefix.clone(),
            scopes: key.scopes.to_stored().replace(' ', ", "),
            created: view::time(key.created_at),
            last_used: key.last_used_at.map_or_else(
                || crate::i18n::current().t("app-keys-never"),
                |at| view::ago(at, now),
            ),
            revoked: key.revoked_at.map(view::time),
        }
    }
}

/// A scope's checkbox.
pub struct ScopeBox {
    pub name: &'static str,
    pub label: String,
    pub checked: bool,
}

fn scope_label(scope: Scope) -> String {
    let key = match scope {
        Scope::MessagesSend => "app-scope-messages-send",
        Scope::MessagesRead => "app-scope-messages-read",
        Scope::ContactsRead => "app-scope-contacts-read",
        Scope::WebhooksManage => "app-scope-webhooks-manage",
    };
    crate::i18n::current().t(key)
}

#[derive(Template)]
#[template(path = "portal/api_keys.html")]
struct KeysPage {
    chrome: Chrome,
    keys: Vec<KeyRow>,
    scopes: Vec<ScopeBox>,
    name: String,
    /// The key just made: its name and secret, shown this once.
    created: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn keys_page(
    state: &AppState,
    page: &OwnerPage,
    form: Option<(&str, &[String])>,
) -> Result<KeysPage, AppError> {
    let now = Utc::now();
    let keys = state.store.list_api_keys(page.owner.tenant_id).await?;
    let (name, chosen) = form.unwrap_or(("", &[]));
    Ok(KeysPage {
        chrome: page.chrome("api-keys"),
        keys: keys.iter().map(|k| KeyRow::of(k, now)).collect(),
        scopes: Scope::ALL
            .iter()
            .map(|s| ScopeBox {
                name: s.as_str(),
                label: scope_label(*s),
                checked: chosen.iter().any(|c| c == s.as_str()),
            })
            .collect(),
        name: name.to_owned(),
        created: None,
        notice: None,
        error: None,
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
    let mut view = keys_page(&state, &page, None).await?;
    view.notice = match query.notice.as_deref() {
        Some("revoked") => Some(crate::i18n::current().t("app-keys-revoked")),
        _ => None,
    };
    Ok(render(StatusCode::OK, &view))
}

/// The form: `name`, and one checkbox per scope named by the scope.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn make(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let mut name = String::new();
    let mut scopes = Vec::new();
    for (field, value) in fields {
        match field.as_str() {
            "name" => name = value,
            "scope" => scopes.push(value),
            _ => {}
        }
    }
    let body = NewKeyBody {
        name: name.clone(),
        scopes: scopes.clone(),
    };
    match create(&state, page.owner.tenant_id, &body, &page.owner.actor()).await {
        Ok((_, created)) => {
            let mut view = keys_page(&state, &page, None).await?;
            view.created = Some((created.0.key.name.to_string(), created.0.secret.clone()));
            let mut response = render(StatusCode::CREATED, &view);
            // The secret must not stay in a cache or the back button.
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(response)
        }
        Err(err @ AppError::Invalid { .. }) => {
            let mut view = keys_page(&state, &page, Some((&name, &scopes))).await?;
            view.error = Some(key_refusal(&err));
            Ok(render(err.status(), &view))
        }
        Err(other) => Err(other.into()),
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn revoke(
    State(state): State<AppState>,
    page: OwnerPage,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = crate::extract::parse_id(&id, "api key")?;
    state.store.revoke_api_key(page.owner.tenant_id, id).await?;
    Ok(Redirect::to("/app/api-keys?notice=revoked").into_response())
}

/// A refused new key in the page's language: each refusal of the check
/// ("name must not be empty; scopes: must name at least one scope") the
/// usual way where it is a usual one, else as the check put it.
fn key_refusal(err: &AppError) -> String {
    let tr = crate::i18n::current();
    let AppError::Invalid { message, .. } = err else {
        return crate::pages::auth::sentence(&err.to_string());
    };
    message
        .split("; ")
        .map(|part| {
            if part.starts_with("scopes") && part.contains("at least one") {
                tr.t("app-keys-pick-scope")
            } else if part.starts_with("name") {
                let reason = crate::i18n::refusal(tr, "name", part);
                tr.t1("app-keys-name-refused", "reason", reason)
            } else {
                crate::pages::auth::sentence(part)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
