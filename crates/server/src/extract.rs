//! Request extractors whose refusals speak docs/api.md's error shape: malformed
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

/// JSON body, like `axum::Json`, with our errors. The media type must be
/// `application/json` or `application/*+json` (a 415 otherwise): the types
/// a form or a `fetch` without preflight may send from another site
/// (`text/plain`, `application/x-www-form-urlencoded`,
/// `multipart/form-data`) never reach a handler, whatever their parameters
/// say. The body must be one JSON value and nothing after it.
pub struct Json<T>(pub T);

/// Whether a `Content-Type` names JSON: parsed as a media type, so that
/// `text/plain;charset=+json` or `application/jsonx` are not.
pub fn is_json_content_type(value: &str) -> bool {
    value.parse::<mime::Mime>().is_ok_and(|media| {
        media.type_() == mime::APPLICATION
            && match media.suffix() {
                None => media.subtype() == mime::JSON,
                Some(suffix) => suffix == mime::JSON,
            }
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_content_type);
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
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

/// Parses one JSON value; whitespace may follow it, nothing else may.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            let field = if path == "." { "body".to_owned() } else { path };
            AppError::invalid(field.clone(), format!("{field}: {inner}"))
        } else {
            AppError::BadRequest(format!("malformed JSON: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|err| AppError::BadRequest(format!("malformed JSON: {err}")))?;
    Ok(value)
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

/// The `{id}` of a tenant's path (`/api/admin/tenants/{id}/…`). A segment
/// that is not a tenant id is a 404, like an id that does not exist; one
/// that does not even decode (not UTF-8) is a malformed request.
pub struct TenantPath(pub flowhq_domain::TenantId);

impl<S: Send + Sync> FromRequestParts<S> for TenantPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|rejection| AppError::BadRequest(rejection.body_text()))?;
        parse_id(&raw, "tenant").map(TenantPath)
    }
}

/// Parses a path segment as an id; anything that is not one is simply not
/// found, like an id that does not exist.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::NotFound(what))
}

/// The client's address, for throttling: the socket peer. A proxy's
/// `X-Forwarded-For` is not trusted, since anyone can send one. An IPv6
/// client counts as its /64 network: one subscriber is usually handed a
/// whole /64, and would otherwise have 2^64 addresses to rotate through.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| throttling_key(c.0.ip()));
        Ok(ClientAddress(address))
    }
}

fn throttling_key(ip: std::net::IpAddr) -> String {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_media_types_are_json() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/problem+json",
            "application/merge-patch+json; charset=utf-8",
        ] {
            assert!(is_json_content_type(json), "{json:?}");
        }
        for other in [
            "",
            "text/plain;charset=+json",
            "application/x-www-form-urlencoded;+json",
            "multipart/form-data; boundary=+json",
            "application/jsonx",
            "application/json+xml",
            "text/json",
            "json",
        ] {
            assert!(!is_json_content_type(other), "{other:?}");
        }
    }

    #[test]
    fn json_with_anything_after_the_value_is_malformed() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            a: u32,
        }
        assert!(parse_json::<Body>(b" {\"a\": 1} \n").is_ok());
        for trailing in [
            &b"{\"a\": 1}x"[..],
            b"{\"a\": 1} {\"a\": 2}",
            b"{\"a\": 1}]]]",
            b"{\"a\": 1}\0junk",
        ] {
            let err = parse_json::<Body>(trailing).unwrap_err();
            assert!(matches!(err, AppError::BadRequest(_)), "{err:?}");
        }
    }

    #[test]
    fn ipv6_clients_are_throttled_by_their_64_and_mapped_ipv4_as_ipv4() {
        let key = |s: &str| throttling_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::2"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:10.0.0.1"), "10.0.0.1");
        assert_eq!(key("10.0.0.1"), "10.0.0.1");
    }
}
