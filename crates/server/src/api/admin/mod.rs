//! `/api/admin/*`: the operator's API.

pub mod bot;
pub mod qr;
pub mod setup_requests;
pub mod tenants;
pub mod workers;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(tenants::router())
        .merge(setup_requests::router())
        .merge(bot::router())
        .merge(workers::router())
        .merge(qr::router())
}
