//! CSRF protection for the pages' forms.
//!
//! - A logged-in user's forms carry the session's own token (made at log-in,
//!   kept in `web_session.csrf_token`), compared in constant time.
//! - The anonymous forms (`/login`, `/signup`) use a double-submit cookie:
//!   the page sets `flowhq_csrf` (random, HttpOnly, SameSite=Strict) and puts
//!   the same value in the form; a post is accepted only when both are there
//!   and equal. Another site can make a browser send the cookie but can
//!   neither read it nor set it, so it cannot fill in the field.
//!
//! The token is checked before the rest of the form is even parsed; a
//! refusal is a 403 that changes nothing.

use axum::body::Bytes;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::auth::session;
use crate::error::AppError;
use crate::extract::MAX_BODY_BYTES;
use crate::pages::PageError;
use crate::pages::guard::SessionToken;
use crate::state::AppState;

pub const FIELD: &str = "csrf_token";
pub const ANON_COOKIE: &str = "flowhq_csrf";

/// Whether `presented` is exactly `expected`, in constant time; an empty
/// token never matches.
pub fn matches(expected: &str, presented: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

fn anon_cookie(headers: &HeaderMap) -> Option<String> {
    crate::auth::session::token_cookie(headers, ANON_COOKIE)
}

/// The token for an anonymous form: the browser's cookie when it has one,
/// otherwise a new one with the `Set-Cookie` that gives it to the browser.
pub fn anon_token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(token) = anon_cookie(headers) {
        return (token, None);
    }
    let token = session::random_token();
    let cookie = format!("{ANON_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    let value = HeaderValue::from_str(&cookie).expect("cookie is ASCII");
    (token, Some(value))
}

/// The body's `csrf_token` field, if any.
fn presented(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.into_owned())
}

async fn body_bytes(req: Request, state: &AppState) -> Result<Bytes, PageError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            PageError::App(AppError::PayloadTooLarge(MAX_BODY_BYTES))
        } else {
            PageError::App(AppError::BadRequest(rejection.body_text()))
        }
    })
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| PageError::App(AppError::BadRequest(format!("malformed form: {e}"))))
}

/// A form posted by a logged-in user, its token checked against the
/// session's. Use after a guard extractor ([`super::guard::AdminPage`],
/// [`super::guard::OwnerPage`], [`super::guard::AnyUser`]), which finds the
/// session.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = match req.extensions().get::<SessionToken>() {
            Some(token) => token.0.clone(),
            None => match session::current(state, req.headers()).await? {
                Some(session) => session.csrf_token,
                None => {
                    let uri = req
                        .extensions()
                        .get::<OriginalUri>()
                        .map_or(req.uri(), |original| &original.0);
                    let next = crate::pages::guard::page_of_referer(req.headers())
                        .unwrap_or_else(|| uri.path().to_owned());
                    return Err(PageError::Login {
                        next,
                        expired: session::token_from(req.headers()).is_some(),
                    });
                }
            },
        };
        let body = body_bytes(req, state).await?;
        match presented(&body) {
            Some(token) if matches(&expected, &token) => parse(&body).map(CsrfForm),
            _ => {
                tracing::warn!("form refused: bad CSRF token");
                Err(PageError::Csrf)
            }
        }
    }
}

/// A form posted by anyone (log-in, sign-up), checked against the
/// double-submit cookie.
pub struct AnonForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for AnonForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = anon_cookie(req.headers()).unwrap_or_default();
        let body = body_bytes(req, state).await?;
        match presented(&body) {
            Some(token) if matches(&expected, &token) => parse(&body).map(AnonForm),
            _ => {
                tracing::warn!("anonymous form refused: bad CSRF token");
                Err(PageError::Csrf)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;

    #[test]
    fn tokens_match_only_exactly() {
        let token = session::random_token();
        assert!(matches(&token, &token));
        assert!(!matches(&token, &token[1..]));
        assert!(!matches(&token, ""));
        assert!(!matches("", ""));
    }

    #[test]
    fn the_anonymous_cookie_is_reused_or_issued() {
        let (token, cookie) = anon_token(&HeaderMap::new());
        let cookie = cookie.expect("a new cookie");
        assert!(cookie.to_str().unwrap().contains("SameSite=Strict"));
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("{ANON_COOKIE}={token}")).unwrap(),
        );
        assert_eq!(anon_token(&headers), (token, None));
    }

    #[test]
    fn the_token_is_read_from_the_form() {
        assert_eq!(
            presented(b"email=a%40b.c&csrf_token=abc&x=1").as_deref(),
            Some("abc")
        );
        assert_eq!(presented(b"email=a"), None);
    }
}
