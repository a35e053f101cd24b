//! The error responses operations share, for `responses(...)` in
//! `#[utoipa::path]`. Each body is [`ErrorBody`], what `AppError` sends.

use utoipa::IntoResponses;

use crate::error::ErrorBody;

/// Refusals of a JSON request body (see `extract::Json`).
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum BodyErrors {
    /// Malformed JSON, or anything after the JSON value (`malformed_request`).
    #[response(status = 400)]
    Malformed(ErrorBody),
    /// The body is over 1 MiB (`payload_too_large`).
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The `Content-Type` is not `application/json` or `application/*+json`
    /// (`unsupported_media_type`).
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    /// A field is missing, unknown or invalid; `field` names it (`invalid_field`).
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// Refusals of the admin API's credentials (see `auth::Admin`).
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum AdminAuthErrors {
    /// No credentials, or a wrong token (`unauthorized`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// A session that is not an admin's (`forbidden`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// Refusals of the portal's credentials (see `auth::Owner`).
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum OwnerAuthErrors {
    /// No session, or wrong trusted headers (`unauthorized`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// A session that is not a business owner's (`forbidden`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// Refusals of the public API's key (see `auth::ApiCaller`).
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ApiKeyAuthErrors {
    /// No key, or an unknown or revoked one (`unauthorized`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The key lacks the operation's scope (`forbidden`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// No such thing, or another tenant's (`not_found`). An id that is not a
/// UUID is not found either.
#[derive(IntoResponses)]
#[response(status = 404)]
#[allow(dead_code)]
pub struct NotFound(ErrorBody);

/// Not allowed in the current state (`conflict`, `invalid_transition`,
/// `worker_running`); nothing was changed.
#[derive(IntoResponses)]
#[response(status = 409)]
#[allow(dead_code)]
pub struct Conflict(ErrorBody);

/// A query parameter is invalid; `field` names it (`invalid_field`).
#[derive(IntoResponses)]
#[response(status = 422)]
#[allow(dead_code)]
pub struct InvalidQuery(ErrorBody);

/// Too many requests (`rate_limited`): failed logins, or sends through the
/// public API; `Retry-After` says when to try again.
#[derive(IntoResponses)]
#[response(
    status = 429,
    headers(("Retry-After" = u64, description = "Seconds to wait"))
)]
#[allow(dead_code)]
pub struct Throttled(ErrorBody);
