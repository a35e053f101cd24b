//! `/accept-invitation?token=`: an invited operator chooses their first
//! password (see `api::admin::invitations`). Anonymous, so the form carries
//! the double-submit CSRF token like `/login`.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use flowhq_store::tokens::TokenPurpose;
use serde::Deserialize;

use crate::api::admin::invitations::accept_invitation;
use crate::error::AppError;
use crate::extract::Query;
use crate::pages::auth::{link_is_live, with_anon_cookie};
use crate::pages::csrf::{AnonForm, anon_token};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/accept-invitation", get(page).post(accept))
}

#[derive(Template)]
#[template(path = "accept_invitation.html")]
struct AcceptPage {
    chrome: Chrome,
    csrf_token: String,
    token: String,
    valid: bool,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn live(state: &AppState, token: &str) -> Result<bool, AppError> {
    link_is_live(state, token, TokenPurpose::Invitation).await
}

#[tracing::instrument(skip_all)]
async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> PageResult {
    let token = query.token.unwrap_or_default();
    let valid = live(&state, &token).await?;
    let (csrf_token, cookie) = anon_token(&headers);
    let view = AcceptPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        token,
        valid,
        error: None,
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(with_anon_cookie(cookie, render(status, &view)))
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

#[tracing::instrument(skip_all)]
async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonForm(form): AnonForm<AcceptForm>,
) -> PageResult {
    let error = if form.password != form.password_again {
        Some(crate::i18n::current().t("field-passwords-differ"))
    } else {
        match accept_invitation(&state, &form.token, form.password).await {
            Ok(_) => return Ok(Redirect::to("/login?invited=1").into_response()),
            Err(AppError::Invalid { field, message }) => Some(crate::i18n::refusal(
                crate::i18n::current(),
                &field,
                &message,
            )),
            Err(other) => return Err(other.into()),
        }
    };
    let valid = live(&state, &form.token).await?;
    let (csrf_token, cookie) = anon_token(&headers);
    let view = AcceptPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        token: form.token,
        valid,
        error,
    };
    Ok(with_anon_cookie(
        cookie,
        render(StatusCode::UNPROCESSABLE_ENTITY, &view),
    ))
}
