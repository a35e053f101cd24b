//! Refusing requests that another site makes a browser send.
//!
//! A browser attaches our session cookie to requests other pages start;
//! `SameSite=Lax` keeps it off cross-site POSTs, but not off requests from
//! a *same-site* origin (another subdomain or port of the same domain), and
//! not in older browsers. So every unsafe request (POST, PUT, PATCH,
//! DELETE) that would act with the session cookie must come from our own
//! origin: refused (403) when `Origin` names another origin (`null`
//! included) or `Sec-Fetch-Site` says anything but `same-origin` or `none`
//! (typed by the user). A request with neither header is not from a
//! browser that could be tricked, and passes.
//!
//! Requests with credentials a page cannot attach by itself (the admin or
//! worker bearer token, the trusted portal headers) are not the browser's
//! ambient authority and are not checked: adding such a header to a
//! cross-origin request needs a CORS preflight, which this server never
//! grants.

use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{INTERNAL_KEY_HEADER, session};
use crate::error::AppError;
use crate::pages::PageError;

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request acts with the session cookie alone.
fn uses_session_cookie(headers: &HeaderMap) -> bool {
    session::token_from(headers).is_some()
        && !headers.contains_key(AUTHORIZATION)
        && !headers.contains_key(INTERNAL_KEY_HEADER)
}

/// The host the client addressed: `X-Forwarded-Host` from a reverse proxy
/// (a page on another site cannot set it without a preflight), else `Host`,
/// else the URI's authority (HTTP/2).
fn requested_host(headers: &HeaderMap, uri: &Uri) -> Option<Authority> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<Authority>().ok())
    };
    header("x-forwarded-host")
        .or_else(|| header("host"))
        .or_else(|| uri.authority().cloned())
}

/// Whether `origin` (an `Origin` header) is the origin the request was
/// addressed to. The scheme is not compared: behind a TLS-terminating
/// proxy the server cannot tell; host and port are.
fn same_origin(origin: &str, requested: Option<&Authority>) -> bool {
    let Some(requested) = requested else {
        return false;
    };
    let Ok(origin) = origin.parse::<Uri>() else {
        return false;
    };
    let default_port = match origin.scheme_str() {
        Some("http") => 80,
        Some("https") => 443,
        _ => return false,
    };
    let Some(authority) = origin.authority() else {
        return false;
    };
    authority.host().eq_ignore_ascii_case(requested.host())
        && authority.port_u16().unwrap_or(default_port)
            == requested.port_u16().unwrap_or(default_port)
}

/// Whether the browser says this request comes from another origin.
pub fn is_cross_origin(headers: &HeaderMap, uri: &Uri) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or(""));
    if let Some(site) = fetch_site
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match headers.get(ORIGIN) {
        Some(origin) => !origin
            .to_str()
            .is_ok_and(|o| same_origin(o, requested_host(headers, uri).as_ref())),
        None => false,
    }
}

/// Middleware for the JSON API: a cookie-authenticated unsafe request from
/// another origin is a 403 in the API's error shape.
pub async fn refuse_for_api(request: Request, next: Next) -> Response {
    if is_unsafe(request.method())
        && uses_session_cookie(request.headers())
        && is_cross_origin(request.headers(), request.uri())
    {
        tracing::warn!(method = %request.method(), "cross-origin request refused");
        return AppError::Forbidden("cross-origin requests are not accepted with a session cookie")
            .into_response();
    }
    next.run(request).await
}

/// Middleware for the pages: every form post must come from our own pages
/// (on top of the forms' CSRF tokens); a refusal is the expired-form page.
pub async fn refuse_for_pages(request: Request, next: Next) -> Response {
    if is_unsafe(request.method()) && is_cross_origin(request.headers(), request.uri()) {
        tracing::warn!(method = %request.method(), "cross-origin form refused");
        return PageError::Csrf.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn cross(pairs: &[(&'static str, &'static str)]) -> bool {
        is_cross_origin(&headers(pairs), &Uri::from_static("/api/x"))
    }

    #[test]
    fn the_own_origin_passes() {
        assert!(!cross(&[("host", "127.0.0.1:8080")]));
        assert!(!cross(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ]));
        assert!(!cross(&[
            ("host", "Flow.Example.com"),
            ("origin", "https://flow.example.com"),
            ("sec-fetch-site", "same-origin"),
        ]));
        assert!(!cross(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "flow.example.com"),
            ("origin", "https://flow.example.com"),
        ]));
        assert!(!cross(&[("host", "x"), ("sec-fetch-site", "none")]));
    }

    #[test]
    fn other_origins_are_refused() {
        for pairs in [
            &[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://evil.example"),
            ][..],
            &[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8081"),
            ],
            &[
                ("host", "flow.example.com"),
                ("origin", "http://a.flow.example.com"),
            ],
            &[
                ("host", "flow.example.com"),
                ("origin", "http://flow.example.com:8443"),
            ],
            &[("host", "127.0.0.1:8080"), ("origin", "null")],
            &[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")],
            &[("host", "127.0.0.1:8080"), ("sec-fetch-site", "same-site")],
            &[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-site"),
            ],
        ] {
            assert!(cross(pairs), "{pairs:?}");
        }
    }
}
