//! Request extractors whose refusals speak API.md's error shape: malformed
//! JSON is a 400, a field of the wrong type a 422 that names the field, a
//! body over the limit a 413, an id that is not an id a 404.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{self, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Middleware: a 413, from the API or a page, says `Connection: close`. The
/// rest of the refused body is never read, so the server closes the
/// connection after the answer; saying so keeps a client from sending its
/// next request down it meanwhile.
pub async fn close_after_refused_body(mut response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// JSON body, like `axum::Json`, with our errors.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(AppError::BadRequest(
                "expected a JSON body (Content-Type: application/json)".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge(MAX_BODY_BYTES)
            } else {
                AppError::BadRequest(rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            let field = if path == "." { "body".to_owned() } else { path };
            AppError::invalid(field.clone(), format!("{field}: {inner}"))
        } else {
            AppError::BadRequest(format!("malformed JSON: {inner}"))
        }
    })
}

/// Query string, with our errors.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|err| {
                let field = err.path().to_string();
                AppError::invalid(
                    field.clone(),
                    format!("query parameter {field}: {}", err.into_inner()),
                )
            })
    }
}

/// Parses a path segment as an id; anything that is not one is simply not
/// found, like an id that does not exist.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::NotFound(what))
}

/// The client's address, for throttling: the socket peer. A proxy's
/// `X-Forwarded-For` is not trusted, since anyone can send one.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        Ok(ClientAddress(address))
    }
}
