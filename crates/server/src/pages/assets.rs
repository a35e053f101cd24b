//! The stylesheet and the little script for live parts, built into the
//! binary: nothing to deploy beside it.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        JS,
    )
}
