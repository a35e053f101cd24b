//! Server-rendered pages: the admin console (`/admin/…`), the owner portal
//! (`/app/…`), and logging in, signing up and out. Templates live in
//! `crates/server/templates/` and are checked at compile time (askama); the
//! one stylesheet and the small script for live parts are served from the
//! binary.
//!
//! Every form POST carries a `csrf_token` (see [`csrf`]); a refused token is
//! a 403 that changes nothing.

pub mod accept_invitation;
pub mod activity;
pub mod admin;
pub mod alerts;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod csrf;
pub mod digest;
pub mod guard;
pub mod language;
pub mod password_reset;
pub mod phone;
pub mod portal;
pub mod verify_email;
pub mod view;
pub mod webhooks;
pub mod zones;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flowhq_store::StoreError;

use crate::error::AppError;
use crate::i18n::{self, Tr};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(assets::router())
        .merge(auth::router())
        .merge(password_reset::router())
        .merge(verify_email::router())
        .merge(digest::router())
        .merge(accept_invitation::router())
        .merge(language::router())
        .nest(
            "/admin",
            admin::router()
                .merge(alerts::admin_router())
                .merge(webhooks::admin_router()),
        )
        .nest(
            "/app",
            portal::router()
                .merge(alerts::portal_router())
                .merge(webhooks::portal_router()),
        )
        .layer(axum::middleware::from_fn(
            crate::auth::cross_site::refuse_for_pages,
        ))
        .layer(axum::middleware::from_fn(i18n::scope))
}

/// What every page's layout needs: who is logged in, the token for the
/// log-out form, which section of the navigation is current, the page's
/// language and its own address (for the language switcher).
#[derive(Clone, Debug, Default)]
pub struct Chrome {
    pub user: Option<NavUser>,
    pub csrf_token: String,
    pub section: &'static str,
    pub tr: Tr,
    pub here: String,
}

/// One entry of the language switcher.
pub struct LanguageChoice {
    pub code: &'static str,
    pub lang: &'static str,
    pub short: &'static str,
    pub name: String,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct NavUser {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    /// Staff see the inbox only.
    pub is_staff: bool,
}

impl Chrome {
    /// The layout of a page for whoever is not logged in, in the request's
    /// language.
    pub fn anonymous() -> Self {
        Self {
            tr: i18n::current(),
            here: i18n::current_path(),
            ..Self::default()
        }
    }

    /// The text of `key` in the page's language (see [`Tr::t`]).
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.t1(key, name, value)
    }

    pub fn t2(
        &self,
        key: &str,
        name1: &str,
        value1: impl std::fmt::Display,
        name2: &str,
        value2: impl std::fmt::Display,
    ) -> String {
        self.tr.t2(key, name1, value1, name2, value2)
    }

    pub fn tn(&self, key: &str, count: impl i18n::Count) -> String {
        self.tr.tn(key, count)
    }

    pub fn number(&self, n: impl i18n::Count) -> String {
        self.tr.number(n)
    }

    /// This page's address as a query value (the switcher's `next`).
    pub fn here_encoded(&self) -> String {
        view::urlencode(&self.here)
    }

    /// The switcher's entries, the page's own language marked.
    pub fn languages(&self) -> Vec<LanguageChoice> {
        i18n::FILES
            .iter()
            .map(|(language, _, _)| LanguageChoice {
                code: i18n::negotiate::code(*language),
                lang: i18n::html_lang(*language),
                short: match language {
                    flowhq_domain::Language::En => "EN",
                    flowhq_domain::Language::Es => "ES",
                    flowhq_domain::Language::Pt => "PT",
                },
                name: self.t(&format!("language-{}", i18n::negotiate::code(*language))),
                current: *language == self.tr.language(),
            })
            .collect()
    }
}

/// Renders a template with a status code; a template that fails to render
/// is a logged 500.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (
            status,
            [
                (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (axum::http::header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    title: String,
    message: String,
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not logged in: off to the login page, then back to `next`.
    /// `expired`: the browser had a session that has ended, which the
    /// login page says.
    Login {
        next: String,
        expired: bool,
    },
    /// The form's CSRF token is missing or wrong.
    Csrf,
    App(AppError),
}

pub type PageResult<T = Response> = Result<T, PageError>;

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        PageError::App(err)
    }
}

impl From<StoreError> for PageError {
    fn from(err: StoreError) -> Self {
        PageError::App(err.into())
    }
}

impl PageError {
    pub fn not_found(what: &'static str) -> Self {
        PageError::App(AppError::NotFound(what))
    }
}

/// What answers a path nothing serves: the API's JSON error under `/api/`,
/// a page everywhere else (a person followed a link or typed it), in the
/// visitor's language (this fallback sits outside the pages' router and
/// its language middleware, so it sets the language itself).
pub async fn not_found(request: axum::extract::Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        AppError::NotFound("route").into_response()
    } else {
        let (parts, _) = request.into_parts();
        i18n::within(&parts, async {
            PageError::not_found("page").into_response()
        })
        .await
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let tr = i18n::current();
        let (status, title, message) = match self {
            PageError::Login { next, expired } => {
                let expired = if expired { "&expired=1" } else { "" };
                return Redirect::to(&format!("/login?next={}{expired}", view::urlencode(&next)))
                    .into_response();
            }
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                tr.t("error-form-expired"),
                tr.t("error-form-expired-text"),
            ),
            PageError::App(err) => match err {
                AppError::Unauthorized | AppError::InvalidCredentials => {
                    return Redirect::to("/login").into_response();
                }
                AppError::NotFound(_) => (
                    StatusCode::NOT_FOUND,
                    tr.t("error-not-found"),
                    tr.t("error-not-found-text"),
                ),
                AppError::Forbidden(_) => (
                    StatusCode::FORBIDDEN,
                    tr.t("error-forbidden"),
                    tr.t("error-forbidden-text"),
                ),
                AppError::Internal(e) => {
                    tracing::error!(error = ?e, "internal error on a page");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        tr.t("error-internal"),
                        tr.t("error-internal-text"),
                    )
                }
                AppError::Unavailable(_) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    tr.t("error-other"),
                    tr.t("error-unavailable-text"),
                ),
                AppError::TooManyRequests { retry_after_s } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    tr.t("error-other"),
                    tr.t1("error-too-many", "minutes", retry_after_s.div_ceil(60)),
                ),
                // A refusal the page did not place next to a field: the
                // check's own words.
                other => {
                    let status = other.status();
                    (
                        status,
                        tr.t("error-other"),
                        auth::sentence(&other.to_string()),
                    )
                }
            },
        };
        render(
            status,
            &ErrorPage {
                chrome: Chrome::anonymous(),
                status: status.as_u16(),
                title,
                message,
            },
        )
    }
}
