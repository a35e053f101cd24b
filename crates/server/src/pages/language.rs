//! The language switcher in every page's header. A visitor's choice is a
//! cookie (`GET /language/{code}`: it changes nothing on the server, so a
//! plain link does); a logged-in person's is saved on their account
//! (`POST /language`, a form with the session's token), so it follows them
//! to every device. Both come back to the page they were on.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::session;
use crate::extract::Query;
use crate::i18n::negotiate;
use crate::pages::auth::safe_next;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::MaybeUser;
use crate::pages::{PageError, PageResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/language", post(choose))
        .route("/language/{code}", get(choose_as_visitor))
}

#[derive(Debug, Default, Deserialize)]
struct Next {
    next: Option<String>,
}

/// Back to the page the switcher was on (only a path of this site).
fn back(next: Option<&str>) -> Redirect {
    Redirect::to(next.and_then(safe_next).unwrap_or("/"))
}

/// A year: the choice outlives the session.
const COOKIE_MAX_AGE_S: u32 = 365 * 24 * 3600;

fn cookie(code: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{}={code}; Path=/; SameSite=Lax; HttpOnly; Max-Age={COOKIE_MAX_AGE_S}",
        negotiate::COOKIE
    ))
    .expect("an ASCII cookie")
}

#[tracing::instrument(skip_all)]
async fn choose_as_visitor(Path(code): Path<String>, Query(query): Query<Next>) -> PageResult {
    let language = negotiate::parse_code(&code).ok_or(PageError::not_found("language"))?;
    let mut response = back(query.next.as_deref()).into_response();
    session::set_cookie(response.headers_mut(), cookie(negotiate::code(language)));
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct Choice {
    language: String,
    #[serde(default)]
    next: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn choose(
    State(state): State<AppState>,
    MaybeUser(session): MaybeUser,
    CsrfForm(choice): CsrfForm<Choice>,
) -> PageResult<Response> {
    let language =
        negotiate::parse_code(&choice.language).ok_or(PageError::not_found("language"))?;
    let mut response = back(choice.next.as_deref()).into_response();
    if let Some(session) = session {
        state
            .store
            .set_user_language(session.user.id, Some(language))
            .await?;
    }
    // The cookie too, so that the login page after a log-out keeps it.
    session::set_cookie(response.headers_mut(), cookie(negotiate::code(language)));
    Ok(response)
}
