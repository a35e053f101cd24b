//! Errors the framework makes, in docs/api.md's shape on `/api/*`.
//!
//! Handlers answer with [`AppError`](crate::error::AppError), but some
//! refusals happen before a handler runs: a method the route does not have
//! (405, from the router), a rejection of axum's own extractors (a path or
//! query that does not parse), a body over the limit, a body that stops
//! arriving, a URI over [`MAX_URI_BYTES`]. Those come with a plain-text or
//! empty body; on the API, where clients parse every error as
//! `{"error": {"code", "message"}}`, this middleware rewrites them.
//!
//! Requests hyper cannot parse at all (a request line over 64 KiB, a
//! malformed one, headers over its buffer) are answered by hyper itself,
//! with an empty body, before any of this runs.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ErrorBody, ErrorDetail};

/// The longest URI accepted; longer ones are a 414. As nginx's default
/// buffer for a request line: no URL of ours comes near it.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The longest framework message passed on; longer ones are cut.
const MAX_MESSAGE_CHARS: usize = 300;

/// Middleware: a 414 for a URI over [`MAX_URI_BYTES`].
pub async fn limit_uri(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if length > MAX_URI_BYTES {
        return (
            StatusCode::URI_TOO_LONG,
            format!("the URI is longer than {MAX_URI_BYTES} bytes"),
        )
            .into_response();
    }
    next.run(request).await
}

/// Middleware: on `/api/*`, an error response that is not JSON becomes
/// docs/api.md's error shape, with the same status and headers (`Allow`,
/// `Retry-After`, `Connection`).
pub async fn json_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path == "/api" || path.starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    if !is_api || !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let (code, field) = code_for(status);
    let message = if status.is_server_error() || text.is_empty() {
        default_message(status)
    } else {
        text.chars().take(MAX_MESSAGE_CHARS).collect()
    };
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            field: field.map(str::to_owned),
        },
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let json = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, Body::from(json))
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The stable code of a status, as [`AppError`](crate::error::AppError)
/// names the ones it makes itself, and the field a 422 names.
fn code_for(status: StatusCode) -> (&'static str, Option<&'static str>) {
    let code = match status {
        StatusCode::BAD_REQUEST => "malformed_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::CONFLICT => "conflict",
        StatusCode::LENGTH_REQUIRED => "length_required",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => return ("invalid_field", Some("body")),
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "request_refused",
    };
    (code, None)
}

fn default_message(status: StatusCode) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "this path does not take that method".to_owned(),
        StatusCode::SERVICE_UNAVAILABLE => "unavailable; try again shortly".to_owned(),
        s if s.is_server_error() => {
            "something went wrong on our side; it has been logged".to_owned()
        }
        s => s
            .canonical_reason()
            .map_or_else(|| format!("refused ({})", s.as_u16()), str::to_owned),
    }
}
