//! `/api/worker/{tenant}/*`: the worker protocol. Each worker authenticates
//! with `Authorization: Bearer <its token>`; a token acts only for its own
//! tenant.

mod auth;
mod heartbeat;
mod messages;
mod session;
mod sim;

use axum::Router;
use axum::routing::{get, post};

pub use auth::WorkerAuth;

use crate::config::ChannelKind;
use crate::state::AppState;

pub fn router(channel: ChannelKind) -> Router<AppState> {
    let router = Router::new()
        .route("/{tenant}/heartbeat", post(heartbeat::heartbeat))
        .route("/{tenant}/config", get(heartbeat::config))
        .route("/{tenant}/session", post(session::report))
        .route("/{tenant}/messages", post(messages::log));
    match channel {
        ChannelKind::Simulator => router
            .route("/{tenant}/sim/poll", post(sim::poll))
            .route("/{tenant}/sim/send", post(sim::send)),
        ChannelKind::WhatsappWeb => router,
    }
}
