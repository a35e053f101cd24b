//! `/login`, `/signup`, `/logout` and `/`: one login for admins and owners;
//! the account's role decides where it lands.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::api::portal::accounts::{LoginBody, SignupBody, authenticate, create_owner};
use crate::auth::session;
use crate::error::AppError;
use crate::extract::{ClientAddress, Query};
use crate::i18n;
use crate::pages::csrf::{AnonForm, CsrfForm, anon_token};
use crate::pages::guard::{MaybeUser, home_for};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/signup", get(signup_page).post(signup))
        .route("/logout", post(logout))
}

async fn home(MaybeUser(session): MaybeUser) -> Redirect {
    match session {
        Some(s) => Redirect::to(home_for(s.user.role)),
        None => Redirect::to("/login"),
    }
}

/// Only a path on this site may be a place to come back to: one `/`, then
/// anything but a second `/` or a `\` (which would make it `//host`, another
/// site), printable ASCII throughout. Browsers drop tabs and line breaks
/// from a `Location` and read `\` as `/`, so `/\t/evil.com` would become
/// `//evil.com`; a line break would also split the header. The same goes
/// for the path once percent-decoded, in case something on the way decodes
/// it. Anything else falls back to the account's home page.
pub fn safe_next(next: &str) -> Option<&str> {
    const MAX_LEN: usize = 2048;
    fn starts_as_path(s: &[u8]) -> bool {
        s.first() == Some(&b'/')
            && s.get(1)
                .is_none_or(|c| c.is_ascii_graphic() && !matches!(c, b'/' | b'\\'))
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(next).collect();
    let ok = next.len() <= MAX_LEN
        && next.bytes().all(|c| c.is_ascii_graphic() && c != b'\\')
        && starts_as_path(next.as_bytes())
        && starts_as_path(&decoded);
    ok.then_some(next)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf_token: String,
    next: String,
    email: String,
    error: Option<String>,
    signed_out: bool,
    /// Back from `/reset-password`.
    password_reset: bool,
    /// Back from `/accept-invitation`.
    invited: bool,
    /// Sent here because the session ended.
    expired: bool,
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
    password_reset: Option<String>,
    invited: Option<String>,
    expired: Option<String>,
}

/// Renders a page that carries an anonymous form, setting the
/// double-submit cookie when the browser has none yet.
pub fn with_anon_cookie(
    cookie: Option<axum::http::HeaderValue>,
    mut response: Response,
) -> Response {
    if let Some(cookie) = cookie {
        session::set_cookie(response.headers_mut(), cookie);
    }
    response
}

#[tracing::instrument(skip_all)]
async fn login_page(
    MaybeUser(session): MaybeUser,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> PageResult {
    if let Some(s) = session {
        return Ok(Redirect::to(home_for(s.user.role)).into_response());
    }
    let (csrf_token, cookie) = anon_token(&headers);
    let page = LoginPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        next: query
            .next
            .as_deref()
            .and_then(safe_next)
            .unwrap_or_default()
            .to_owned(),
        email: String::new(),
        error: None,
        signed_out: query.signed_out.is_some(),
        password_reset: query.password_reset.is_some(),
        invited: query.invited.is_some(),
        expired: query.expired.is_some(),
    };
    Ok(with_anon_cookie(cookie, render(StatusCode::OK, &page)))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    AnonForm(form): AnonForm<LoginForm>,
) -> PageResult {
    let email = form.email.trim().to_owned();
    let result = authenticate(
        &state,
        LoginBody {
            email: email.clone(),
            password: form.password,
        },
        &address,
    )
    .await;
    let (status, error) = match result {
        Ok(user) => {
            let target = safe_next(&form.next)
                .filter(|n| *n != "/")
                .map_or_else(|| home_for(user.role).to_owned(), str::to_owned);
            let cookie = session::start(&state, &headers, &user).await?;
            let mut response = Redirect::to(&target).into_response();
            session::set_cookie(response.headers_mut(), cookie);
            return Ok(response);
        }
        Err(AppError::InvalidCredentials) => (
            StatusCode::UNAUTHORIZED,
            i18n::current().t("login-mismatch"),
        ),
        Err(AppError::TooManyRequests { retry_after_s }) => (
            StatusCode::TOO_MANY_REQUESTS,
            i18n::current().t1("login-too-many", "minutes", retry_after_s.div_ceil(60)),
        ),
        Err(other) => return Err(other.into()),
    };
    let (csrf_token, cookie) = anon_token(&headers);
    let page = LoginPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        next: safe_next(&form.next).unwrap_or_default().to_owned(),
        email,
        error: Some(error),
        signed_out: false,
        password_reset: false,
        invited: false,
        expired: false,
    };
    Ok(with_anon_cookie(cookie, render(status, &page)))
}

#[derive(Debug, Default, Deserialize)]
struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    business_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

#[derive(Debug, Default)]
struct SignupErrors {
    summary: Option<String>,
    name: Option<String>,
    business_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    chrome: Chrome,
    csrf_token: String,
    /// What was typed, shown again; the password never is.
    form: SignupForm,
    errors: SignupErrors,
}

#[tracing::instrument(skip_all)]
async fn signup_page(MaybeUser(session): MaybeUser, headers: HeaderMap) -> PageResult {
    if let Some(s) = session {
        return Ok(Redirect::to(home_for(s.user.role)).into_response());
    }
    let (csrf_token, cookie) = anon_token(&headers);
    let page = SignupPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        form: SignupForm::default(),
        errors: SignupErrors::default(),
    };
    Ok(with_anon_cookie(cookie, render(StatusCode::OK, &page)))
}

#[tracing::instrument(skip_all)]
async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonForm(mut form): AnonForm<SignupForm>,
) -> PageResult {
    let tr = i18n::current();
    let body = SignupBody {
        name: form.name.clone(),
        email: form.email.clone(),
        password: std::mem::take(&mut form.password),
        phone: crate::pages::phone::normalize(&form.phone, &headers),
        business_name: Some(form.business_name.clone()),
        // Signed up in a language: the business starts in it (its setup
        // form offers it first, and the owner's pages follow it).
        language: Some(tr.language()),
    };
    // Every refused field at once; only then the account (and whether the
    // email is taken).
    let refusals = body.refusals().await;
    if !refusals.is_empty() {
        let mut errors = SignupErrors {
            summary: Some(tr.t("form-correct-fields")),
            ..SignupErrors::default()
        };
        for (field, message) in refusals {
            let slot = match field {
                "name" => &mut errors.name,
                "business_name" => &mut errors.business_name,
                "email" => &mut errors.email,
                "phone" => &mut errors.phone,
                _ => &mut errors.password,
            };
            *slot = Some(i18n::refusal(tr, field, &message));
        }
        let (csrf_token, cookie) = anon_token(&headers);
        let page = SignupPage {
            chrome: Chrome::anonymous(),
            csrf_token,
            form,
            errors,
        };
        return Ok(with_anon_cookie(
            cookie,
            render(StatusCode::UNPROCESSABLE_ENTITY, &page),
        ));
    }
    let err = match create_owner(&state, body).await {
        Ok((user, _)) => {
            let cookie = session::start(&state, &headers, &user).await?;
            let mut response = Redirect::to("/app/setup").into_response();
            session::set_cookie(response.headers_mut(), cookie);
            return Ok(response);
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => err,
        Err(other) => return Err(other.into()),
    };
    let status = err.status();
    let mut errors = SignupErrors {
        summary: Some(tr.t("form-correct-fields")),
        ..SignupErrors::default()
    };
    match err {
        AppError::Invalid { field, message } => {
            let slot = match field.as_str() {
                "name" => &mut errors.name,
                "business_name" => &mut errors.business_name,
                "email" => &mut errors.email,
                "phone" => &mut errors.phone,
                "password" => &mut errors.password,
                _ => &mut errors.summary,
            };
            *slot = Some(i18n::refusal(tr, &field, &message));
        }
        // The one conflict of a sign-up: the email is taken.
        AppError::Conflict { .. } => errors.email = Some(tr.t("field-email-taken")),
        other => errors.email = Some(sentence(&other.to_string())),
    }
    let (csrf_token, cookie) = anon_token(&headers);
    let page = SignupPage {
        chrome: Chrome::anonymous(),
        csrf_token,
        form,
        errors,
    };
    Ok(with_anon_cookie(cookie, render(status, &page)))
}

/// Whether `token` (from a mailed link) is live for `purpose`: what the
/// link pages check before they offer their form.
pub async fn link_is_live(
    state: &AppState,
    token: &str,
    purpose: flowhq_store::tokens::TokenPurpose,
) -> Result<bool, AppError> {
    Ok(!token.is_empty()
        && state
            .store
            .user_for_token(&session::hash_token(token), purpose)
            .await?
            .is_some())
}

/// An API message as a sentence on a page: capitalised, with a full stop.
pub fn sentence(message: &str) -> String {
    let message = message.replace('_', " ");
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.extend(chars);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[derive(Deserialize)]
struct Empty {}

#[tracing::instrument(skip_all)]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let cookie = session::end(&state, &headers).await?;
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    session::set_cookie(response.headers_mut(), cookie);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_path_on_this_site_or_nothing() {
        for good in [
            "/",
            "/admin",
            "/admin/tenants?status=ACTIVE&q=caf%C3%A9",
            "/app/messages#top",
            "/a%20b",
        ] {
            assert_eq!(safe_next(good), Some(good), "{good:?}");
        }
        for bad in [
            "",
            "admin",
            "//evil.com",
            "/\\evil.com",
            "/\t/evil.com",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.com",
            "/admin\\..",
            "/admin/é",
            "/x\u{202e}",
            "/x\0",
            "/%2F/evil.com",
            "/%5Cevil.com",
            "/%09/evil.com",
            "https://evil.com",
            "http:/evil.com",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), None);
    }
}
