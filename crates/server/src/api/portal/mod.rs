//! `/api/portal/*`: business owners' accounts, onboarding and their own
//! tenant. Every query here is scoped to the caller's tenant.

pub mod accounts;
pub mod password_reset;
pub mod setup_request;
mod tenant;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(password_reset::router())
        .merge(setup_request::router())
        .merge(tenant::router())
}
