//! `/api/worker/*`: the workers' side of the control plane. The link
//! (`/link`, see [`crate::link`]) carries everything between a worker and
//! the control plane; the simulated network's endpoints
//! (`/{tenant}/sim/*`) stand in for WhatsApp; `/{tenant}/media/{sha256}`
//! hands out the tenant's files to send and takes the files customers sent. A worker authenticates with
//! `Authorization: Bearer <its token>`, which acts only for its own tenant.

mod auth;
mod media;
pub(crate) mod sim;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use auth::{LinkAuth, WorkerAuth};

use crate::state::AppState;

pub fn router(hosts_sim: bool) -> Router<AppState> {
    let router = Router::new()
        .route("/link", get(crate::link::socket::link))
        .route(
            "/{tenant}/media/{sha256}",
            get(media::file)
                .put(media::upload)
                .layer(DefaultBodyLimit::max(
                    flowhq_domain::media::MAX_MEDIA_BYTES + 1024,
                )),
        );
    if hosts_sim {
        router.route("/{tenant}/sim/poll", post(sim::poll)).route(
            "/{tenant}/sim/send",
            // A send may carry a file.
            post(sim::send).layer(DefaultBodyLimit::max(flowhq_sim::MAX_BODY_BYTES)),
        )
    } else {
        router
    }
}
