//! The admin console: `/admin` (dashboard), `/admin/tenants`,
//! `/admin/tenants/{id}`, `/admin/setup-requests`, `/admin/mail`,
//! `/admin/admins`. Admins only; an owner
//! gets a 403.

pub mod admins;
pub mod dashboard;
pub mod mail;
pub mod setup_requests;
pub mod tenants;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(dashboard::router())
        .merge(tenants::router())
        .merge(setup_requests::router())
        .merge(mail::router())
        .merge(admins::router())
        .merge(crate::pages::portal::settings::admin_router())
}
