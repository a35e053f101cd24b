//! `/forgot-password` and `/reset-password?token=`: the pages of the
//! password reset (see `api::portal::password_reset`). Both forms are
//! anonymous, so they carry the double-submit CSRF token like `/login`.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use flowhq_store::tokens::TokenPurpose;
use serde::Deserialize;

use crate::api::portal::password_reset::{confirm_reset, request_reset};
use crate::error::AppError;
use crate::extract::{ClientAddress, Query};
use crate::pages::auth::{link_is_live, with_anon_cookie};
use crate::pages::csrf::{AnonForm, anon_token};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forgot-password", get(forgot_page).post(forgot))
        .route("/reset-password", get(reset_page).post(reset))
}

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage {
    chrome: Chrome,
    csrf_token: String,
    email: String,
    error: Option<String>,
    /// Shown once the request is taken, whoever the address belongs to.
    sent: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn forgot_page(headers: HeaderMap) -> PageResult {
    let (csrf_token, cookie) = anon_token(&headers);
    let page = ForgotPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        email: String::new(),
        error: None,
        sent: None,
    };
    Ok(with_anon_cookie(cookie, render(StatusCode::OK, &page)))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

#[tracing::instrument(skip_all)]
async fn forgot(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    AnonForm(form): AnonForm<ForgotForm>,
) -> PageResult {
    let email = form.email.trim().to_owned();
    let tr = crate::i18n::current();
    let (status, error, sent) = match request_reset(&state, &email, &address) {
        Ok(()) => (StatusCode::OK, None, Some(tr.t("forgot-sent"))),
        Err(AppError::TooManyRequests { retry_after_s }) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(tr.t1("error-too-many", "minutes", retry_after_s.div_ceil(60))),
            None,
        ),
        Err(other) => return Err(other.into()),
    };
    let (csrf_token, cookie) = anon_token(&headers);
    let page = ForgotPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        email,
        error,
        sent,
    };
    Ok(with_anon_cookie(cookie, render(status, &page)))
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    chrome: Chrome,
    csrf_token: String,
    token: String,
    /// Whether the token is live, so the form is worth showing.
    valid: bool,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ResetQuery {
    token: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn reset_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ResetQuery>,
) -> PageResult {
    let token = query.token.unwrap_or_default();
    let valid = link_is_live(&state, &token, TokenPurpose::PasswordReset).await?;
    let (csrf_token, cookie) = anon_token(&headers);
    let page = ResetPage {
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
    Ok(with_anon_cookie(cookie, render(status, &page)))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

#[tracing::instrument(skip_all)]
async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonForm(form): AnonForm<ResetForm>,
) -> PageResult {
    let result = if form.password != form.password_again {
        Err(AppError::invalid(
            "password_again",
            "the two passwords are not the same",
        ))
    } else {
        confirm_reset(&state, &form.token, form.password).await
    };
    let (valid, error) = match result {
        Ok(()) => return Ok(Redirect::to("/login?password_reset=1").into_response()),
        Err(AppError::Invalid { field, message }) => (
            field != "token",
            if field == "password_again" {
                crate::i18n::current().t("field-passwords-differ")
            } else {
                crate::i18n::refusal(crate::i18n::current(), &field, &message)
            },
        ),
        Err(other) => return Err(other.into()),
    };
    let (csrf_token, cookie) = anon_token(&headers);
    let page = ResetPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        token: form.token,
        valid,
        error: Some(error),
    };
    Ok(with_anon_cookie(
        cookie,
        render(StatusCode::UNPROCESSABLE_ENTITY, &page),
    ))
}
