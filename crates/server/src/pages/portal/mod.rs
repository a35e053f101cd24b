//! The owner portal: `/app` (status and onboarding steps), `/app/setup`,
//! `/app/inbox`, `/app/messages`, `/app/preview`, `/app/settings`,
//! `/app/menu`, `/app/api-keys`, `/app/staff`. Everything here is the
//! logged-in person's own tenant; no page takes a tenant id. Staff get the
//! inbox only (`guard::MemberPage`); the rest is the owner's (`OwnerPage`).

pub mod api_keys;
pub mod inbox;
pub mod menu;
pub mod messages;
pub mod preview;
pub mod quick_replies;
pub mod settings;
pub mod setup;
pub mod staff;
pub mod status;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(status::router())
        .merge(setup::router())
        .merge(messages::router())
        .merge(inbox::router())
        .merge(quick_replies::router())
        .merge(preview::router())
        .merge(settings::router())
        .merge(menu::router())
        .merge(api_keys::router())
        .merge(staff::router())
}
