//! Login sessions: a random token in an HttpOnly, SameSite=Lax cookie; the
//! database keeps only its SHA-256, with idle and absolute expiry. Logging in
//! always issues a new token (no session fixation).

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use chrono::{Duration, Utc};
use flowhq_domain::entities::User;
use flowhq_store::web_sessions::WebSession;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::AppResult;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "flowhq_session";
/// A session unused this long is over.
pub const IDLE_TIMEOUT: Duration = Duration::hours(12);
/// No session lives longer than this, used or not.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(7);

/// 32 random bytes, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token the request carries, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    token_cookie(headers, COOKIE_NAME)
}

/// The value of cookie `name` when it has the shape of our tokens (64 hex
/// digits); anything else is treated as absent.
pub fn token_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie(headers, name)
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The raw value of cookie `name`, if the request has it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
}

/// The live session of the request, if any.
pub async fn current(state: &AppState, headers: &HeaderMap) -> AppResult<Option<WebSession>> {
    let Some(token) = token_from(headers) else {
        return Ok(None);
    };
    Ok(state
        .store
        .web_session(&hash_token(&token), IDLE_TIMEOUT)
        .await?)
}

/// Whether the client reached us over https (directly or through a proxy
/// that says so), which decides the cookie's `Secure` flag.
fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Starts a session for `user`, ending the one the request carried, and
/// returns the `Set-Cookie` header for it.
pub async fn start(
    state: &AppState,
    request_headers: &HeaderMap,
    user: &User,
) -> AppResult<HeaderValue> {
    if let Some(old) = token_from(request_headers) {
        state.store.delete_web_session(&hash_token(&old)).await?;
    }
    let token = random_token();
    let csrf = random_token();
    let expires_at = Utc::now() + ABSOLUTE_TIMEOUT;
    state
        .store
        .create_web_session(&hash_token(&token), user.id, &csrf, expires_at)
        .await?;
    let secure = if is_https(request_headers) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        ABSOLUTE_TIMEOUT.num_seconds()
    );
    Ok(HeaderValue::from_str(&cookie).expect("cookie is ASCII"))
}

/// Ends the request's session and returns the header that clears the cookie.
pub async fn end(state: &AppState, request_headers: &HeaderMap) -> AppResult<HeaderValue> {
    if let Some(token) = token_from(request_headers) {
        state.store.delete_web_session(&hash_token(&token)).await?;
    }
    Ok(HeaderValue::from_static(
        "flowhq_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
    ))
}

/// Adds a `Set-Cookie` header to a response's headers.
pub fn set_cookie(headers: &mut HeaderMap, cookie: HeaderValue) {
    headers.append(SET_COOKIE, cookie);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_hash_stably() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let token = random_token();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("a=1; {COOKIE_NAME}={token}; b=2")).unwrap(),
        );
        assert_eq!(token_from(&headers), Some(token));
        let mut forged = HeaderMap::new();
        forged.insert(COOKIE, HeaderValue::from_static("flowhq_session=../../etc"));
        assert_eq!(token_from(&forged), None);
    }
}
