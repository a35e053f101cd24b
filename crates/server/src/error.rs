//! The one error type of the HTTP layer. It renders docs/api.md's shape,
//! `{"error": {"code": "…", "message": "…"}}`, logs internal failures with
//! their context and never sends their details to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flowhq_domain::values::InvalidValue;
use flowhq_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("expected a JSON body (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("too many requests; try again in {retry_after_s} s")]
    TooManyRequests { retry_after_s: u64 },
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// Seconds a client is told to wait after a 503.
pub const UNAVAILABLE_RETRY_AFTER_S: u64 = 1;

impl From<flowhq_sim::SimError> for AppError {
    fn from(e: flowhq_sim::SimError) -> Self {
        use flowhq_sim::SimError;
        match e {
            SimError::Conflict(message) => AppError::Conflict {
                code: "conflict",
                message,
            },
            SimError::Invalid { field, message } => AppError::invalid(field, message),
            e @ (SimError::Storage(_) | SimError::Io(_)) => AppError::Internal(e.into()),
        }
    }
}

/// Every error response's body. The OpenAPI document's error schema is
/// derived from this type, which is also what `into_response` sends.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "invalid_field", "message": "name must not be empty", "field": "name"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable snake_case code: `malformed_request`, `unauthorized`,
    /// `invalid_credentials`, `forbidden`, `not_found`, `conflict`,
    /// `invalid_transition`, `worker_running`, `payload_too_large`,
    /// `unsupported_media_type`, `invalid_field`,
    /// `rate_limited`, `unavailable`, `internal`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The refused field, on a 422 (`config.hours`, `limit`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl AppError {
    /// A 422 for one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A 422 for every refused field at once: named after the first, its
    /// message each refusal's in turn. `None` when nothing was refused.
    pub fn invalid_all<F: AsRef<str>, M: AsRef<str>>(refused: &[(F, M)]) -> Option<Self> {
        let (field, _) = refused.first()?;
        let message = refused
            .iter()
            .map(|(_, m)| m.as_ref())
            .collect::<Vec<_>>()
            .join("; ");
        Some(AppError::invalid(field.as_ref(), message))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            code: "conflict",
            message: message.into(),
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status_and_code().0
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "malformed_request"),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            AppError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
            AppError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// Attaches the field name to a value type's refusal.
pub trait FieldContext<T> {
    fn field(self, name: &str) -> AppResult<T>;
}

impl<T> FieldContext<T> for Result<T, InvalidValue> {
    fn field(self, name: &str) -> AppResult<T> {
        self.map_err(|e| AppError::invalid(name, format!("{name} {}", e.0)))
    }
}

impl From<crate::supervisor::SupervisorError> for AppError {
    fn from(error: crate::supervisor::SupervisorError) -> Self {
        use crate::supervisor::SupervisorError;
        match error {
            SupervisorError::AlreadyRunning => AppError::Conflict {
                code: "worker_running",
                message: error.to_string(),
            },
            SupervisorError::TokenRefused => {
                AppError::Forbidden("this token cannot act for this tenant")
            }
            SupervisorError::Spawn(reason) => AppError::Internal(anyhow::anyhow!(reason)),
            SupervisorError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict(message) => AppError::conflict(message),
            StoreError::Transition(refused) => AppError::Conflict {
                code: "invalid_transition",
                message: refused.to_string(),
            },
            // Every connection is busy: a moment's overload, not a fault.
            // The caller is told to come back, never handed a 500.
            busy if busy.is_busy() => {
                AppError::Unavailable("the database is busy; try again in a moment")
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            AppError::NotFound(what) => format!("{what} not found"),
            other => other.to_string(),
        };
        let field = match &self {
            AppError::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let retry_after_s = match self {
            AppError::TooManyRequests { retry_after_s } => Some(retry_after_s),
            AppError::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_S),
            _ => None,
        };
        if let Some(value) = retry_after_s.and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exhausted_pool_is_a_503_with_retry_after_never_a_500() {
        let busy = StoreError::Database(sqlx::Error::PoolTimedOut);
        let response = AppError::from(busy).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }
}
