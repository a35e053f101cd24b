//! `/verify-email?token=`: the page of the link mailed at sign-up. Opening
//! it shows a button; the address is verified when the button is pressed
//! (a POST), not when the page loads, so that a mail scanner that opens
//! links does not use the token up for the owner.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use flowhq_store::tokens::TokenPurpose;
use serde::Deserialize;

use crate::api::portal::email_verification::verify_token;
use crate::error::AppError;
use crate::extract::Query;
use crate::pages::auth::{link_is_live, with_anon_cookie};
use crate::pages::csrf::{AnonForm, anon_token};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/verify-email", get(page).post(confirm))
}

#[derive(Template)]
#[template(path = "verify_email.html")]
struct VerifyPage {
    chrome: Chrome,
    csrf_token: String,
    token: String,
    /// The link is live: offer the button.
    valid: bool,
    /// Done: the address is verified.
    verified: bool,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> PageResult {
    let token = query.token.unwrap_or_default();
    let valid = link_is_live(&state, &token, TokenPurpose::VerifyEmail).await?;
    let (csrf_token, cookie) = anon_token(&headers);
    let view = VerifyPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        token,
        valid,
        verified: false,
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
struct VerifyForm {
    #[serde(default)]
    token: String,
}

#[tracing::instrument(skip_all)]
async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonForm(form): AnonForm<VerifyForm>,
) -> PageResult {
    let (status, verified, error) = match verify_token(&state, &form.token).await {
        Ok(_) => (StatusCode::OK, true, None),
        Err(err @ AppError::Invalid { .. }) => (err.status(), false, None),
        Err(other) => return Err(other.into()),
    };
    let (csrf_token, cookie) = anon_token(&headers);
    let view = VerifyPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        token: String::new(),
        valid: false,
        verified,
        error,
    };
    Ok(with_anon_cookie(cookie, render(status, &view)))
}
