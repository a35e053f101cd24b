//! The JSON API. Each resource lives in its own module and exposes a
//! `router()`; this module merges them.

pub mod admin;
pub mod portal;
pub mod sim;
pub mod worker;

use axum::Router;

use crate::config::ChannelKind;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/api/admin", admin::router())
        .nest("/api/portal", portal::router())
}

/// The worker protocol, and the simulated network when it is the channel.
pub fn worker_router(channel: ChannelKind) -> Router<AppState> {
    let router = Router::new().nest("/api/worker", worker::router(channel));
    match channel {
        ChannelKind::Simulator => router.nest("/api/sim", sim::router()),
        ChannelKind::WhatsappWeb => router,
    }
}
