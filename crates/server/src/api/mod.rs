//! The JSON API. Each resource lives in its own module and exposes a
//! `router()`; this module merges them.

pub mod admin;
pub mod portal;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/api/admin", admin::router())
        .nest("/api/portal", portal::router())
}
