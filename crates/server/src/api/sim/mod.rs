//! `/api/sim/*`: the simulated WhatsApp network's public side (docs/api.md),
//! mounted only with `FLOWHQ_CHANNEL=simulator`. A test or a person plays
//! the phone and the customers.

mod tenants;

use utoipa_axum::router::OpenApiRouter;

use crate::api::openapi::{Guard, area};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    area(tenants::router(), "simulator", Guard::Admin)
}
