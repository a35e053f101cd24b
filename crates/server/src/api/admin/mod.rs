//! `/api/admin/*`: the operator's API.

pub mod alerts;
pub mod api_keys;
pub mod bot;
pub mod invitations;
pub mod mail;
pub mod qr;
pub mod settings_history;
pub mod setup_requests;
pub mod tenants;
pub mod workers;

use utoipa_axum::router::OpenApiRouter;

use crate::api::openapi::{Guard, area};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::new()
        .merge(tenants::router())
        .merge(api_keys::router())
        .merge(setup_requests::router())
        .merge(bot::router())
        .merge(workers::router())
        .merge(qr::router())
        .merge(settings_history::router())
        .merge(mail::router())
        .merge(alerts::router())
        .merge(invitations::router())
        .merge(crate::api::webhooks::admin::router())
        .merge(crate::api::inbox::admin::router());
    area(router, "admin", Guard::Admin)
}
