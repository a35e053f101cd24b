//! `/api/worker/*`: the workers' side of the control plane. The link
//! (`/link`, see [`crate::link`]) carries everything between a worker and
//! the control plane; the simulated network's endpoints
//! (`/{tenant}/sim/*`) stand in for WhatsApp. A worker authenticates with
//! `Authorization: Bearer <its token>`, which acts only for its own tenant.

mod auth;
pub(crate) mod sim;

use axum::Router;
use axum::routing::{get, post};

pub use auth::{LinkAuth, WorkerAuth};

use crate::state::AppState;

pub fn router(hosts_sim: bool) -> Router<AppState> {
    let router = Router::new().route("/link", get(crate::link::socket::link));
    if hosts_sim {
        router
            .route("/{tenant}/sim/poll", post(sim::poll))
            .route("/{tenant}/sim/send", post(sim::send))
    } else {
        router
    }
}
