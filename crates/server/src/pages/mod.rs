//! Server-rendered pages: the admin console (`/admin/…`), the owner portal
//! (`/app/…`), and logging in, signing up and out. Templates live in
//! `crates/server/templates/` and are checked at compile time (askama); the
//! one stylesheet and the small script for live parts are served from the
//! binary.
//!
//! Every form POST carries a `csrf_token` (see [`csrf`]); a refused token is
//! a 403 that changes nothing.

pub mod accept_invitation;
pub mod admin;
pub mod alerts;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod csrf;
pub mod digest;
pub mod guard;
pub mod password_reset;
pub mod phone;
pub mod portal;
pub mod verify_email;
pub mod view;
pub mod webhooks;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use flowhq_store::StoreError;

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(assets::router())
        .merge(auth::router())
        .merge(password_reset::router())
        .merge(verify_email::router())
        .merge(digest::router())
        .merge(accept_invitation::router())
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
}

/// What every page's layout needs: who is logged in, the token for the
/// log-out form, and which section of the navigation is current.
#[derive(Clone, Debug, Default)]
pub struct Chrome {
    pub user: Option<NavUser>,
    pub csrf_token: String,
    pub section: &'static str,
}

#[derive(Clone, Debug)]
pub struct NavUser {
    pub name: String,
    pub email: String,
    pub is_admin: bool,
}

impl Chrome {
    pub fn anonymous() -> Self {
        Self::default()
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
    title: &'static str,
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
/// a page everywhere else (a person followed a link or typed it).
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        AppError::NotFound("route").into_response()
    } else {
        PageError::not_found("page").into_response()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::Login { next, expired } => {
                let expired = if expired { "&expired=1" } else { "" };
                return Redirect::to(&format!("/login?next={}{expired}", view::urlencode(&next)))
                    .into_response();
            }
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your safety the form was refused. Go back, reload the page and try again."
                    .to_owned(),
            ),
            PageError::App(err) => match err {
                AppError::Unauthorized | AppError::InvalidCredentials => {
                    return Redirect::to("/login").into_response();
                }
                AppError::NotFound(what) => (
                    StatusCode::NOT_FOUND,
                    "Not found",
                    format!("We could not find that {what}."),
                ),
                AppError::Forbidden(why) => (
                    StatusCode::FORBIDDEN,
                    "Not allowed",
                    format!("You cannot open this page: {why}."),
                ),
                AppError::Internal(e) => {
                    tracing::error!(error = ?e, "internal error on a page");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Something went wrong",
                        "Something went wrong on our side; it has been logged.".to_owned(),
                    )
                }
                other => {
                    let status = other.status();
                    (status, "That did not work", other.to_string())
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
