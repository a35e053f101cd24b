//! `/api/portal/*`: business owners' accounts, onboarding and their own
//! tenant. Every query here is scoped to the caller's tenant.

pub mod accounts;
mod api_keys;
mod assistant;
pub mod email_verification;
mod invitation;
pub mod password_reset;
pub mod settings;
pub mod setup_request;
pub mod staff;
mod tenant;

use utoipa_axum::router::OpenApiRouter;

use crate::api::openapi::{Guard, area};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    let accounts = OpenApiRouter::new()
        .merge(accounts::router())
        .merge(password_reset::router())
        .merge(email_verification::router())
        .merge(invitation::router());
    let own = OpenApiRouter::new()
        .merge(setup_request::router())
        .merge(tenant::router())
        .merge(api_keys::router())
        .merge(settings::router())
        .merge(staff::router())
        .merge(assistant::router())
        .merge(email_verification::owner_router())
        .merge(crate::api::webhooks::portal::router())
        .merge(crate::api::inbox::portal::router());
    area(accounts, "portal", Guard::Open).merge(area(own, "portal", Guard::Owner))
}
