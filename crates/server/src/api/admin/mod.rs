//! `/api/admin/*`: the operator's API.

mod tenants;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(tenants::router())
}
