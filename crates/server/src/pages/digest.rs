//! `/digest/off?token=`: the link at the foot of every weekly digest. The
//! page shows a button; the digest is turned off when it is pressed (a
//! POST, so a mail scanner opening links changes nothing), without logging
//! in. `/digest/on` turns it back on from the same page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use flowhq_domain::UserId;
use serde::Deserialize;

use crate::auth::session;
use crate::extract::Query;
use crate::pages::auth::with_anon_cookie;
use crate::pages::csrf::{AnonForm, anon_token};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/digest/off", get(page).post(turn_off))
        .route("/digest/on", post(turn_on))
}

#[derive(Template)]
#[template(path = "digest.html")]
struct DigestPage {
    chrome: Chrome,
    csrf_token: String,
    token: String,
    /// The link names a user.
    valid: bool,
    /// Whether the digest is on now.
    enabled: bool,
    /// What the last press did, for the status line.
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    token: String,
}

async fn user_of(state: &AppState, token: &str) -> PageResult<Option<UserId>> {
    if token.is_empty() {
        return Ok(None);
    }
    Ok(state
        .store
        .digest_link_user(&session::hash_token(token))
        .await?)
}

async fn show(
    state: &AppState,
    headers: &HeaderMap,
    token: String,
    done: Option<&'static str>,
) -> PageResult {
    let user = user_of(state, &token).await?;
    let enabled = match user {
        Some(user) => state.store.digest_enabled(user).await?,
        None => false,
    };
    let (csrf_token, cookie) = anon_token(headers);
    let status = if user.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let view = DigestPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        valid: user.is_some(),
        token,
        enabled,
        done: done.map(str::to_owned),
    };
    Ok(with_anon_cookie(cookie, render(status, &view)))
}

#[tracing::instrument(skip_all)]
async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> PageResult {
    show(&state, &headers, query.token.unwrap_or_default(), None).await
}

async fn set(state: AppState, headers: HeaderMap, form: TokenForm, enabled: bool) -> PageResult {
    if let Some(user) = user_of(&state, &form.token).await? {
        state.store.set_digest_enabled(user, enabled).await?;
        tracing::info!(%user, enabled, "weekly digest switched from its link");
    }
    let done = if enabled { "on" } else { "off" };
    show(&state, &headers, form.token, Some(done)).await
}

#[tracing::instrument(skip_all)]
async fn turn_off(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonForm(form): AnonForm<TokenForm>,
) -> PageResult {
    set(state, headers, form, false).await
}

#[tracing::instrument(skip_all)]
async fn turn_on(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonForm(form): AnonForm<TokenForm>,
) -> PageResult {
    set(state, headers, form, true).await
}
