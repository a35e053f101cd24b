//! `/api/sim/*`: the simulated WhatsApp network's public side (API.md),
//! mounted only with `FLOWHQ_CHANNEL=simulator`. A test or a person plays
//! the phone and the customers.

mod tenants;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(tenants::router())
}
