//! `/api/admin/*`: the operator's API.

pub mod setup_requests;
pub mod tenants;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(tenants::router())
        .merge(setup_requests::router())
}
