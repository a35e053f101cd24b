//! `/api/worker/*`: the workers' side of the control plane. The link
//! (`/link`, see [`crate::link`]) carries everything between a worker and
//! the control plane; the simulated network's endpoints
//! (`/{tenant}/sim/*`) stand in for WhatsApp. A worker authenticates with
//! `Authorization: Bearer <its token>`, which acts only for its own tenant.

mod auth;
mod sim;

use axum::Router;
use axum::routing::{get, post};

pub use auth::{LinkAuth, WorkerAuth};

use crate::config::ChannelKind;
use crate::state::AppState;

pub fn router(channel: ChannelKind) -> Router<AppState> {
    let router = Router::new().route("/link", get(crate::link::socket::link));
    match channel {
        ChannelKind::Simulator => router
            .route("/{tenant}/sim/poll", post(sim::poll))
            .route("/{tenant}/sim/send", post(sim::send)),
        ChannelKind::WhatsappWeb => router,
    }
}
