//! The JSON API. Each resource lives in its own module and exposes a
//! `router()`; this module merges them. The public APIs are
//! `OpenApiRouter`s, so that mounting a handler also documents it (see
//! [`openapi`]).

pub mod admin;
pub mod api_keys;
pub mod export;
pub mod fields;
pub mod inbox;
pub mod list;
pub mod media;
pub mod menu;
pub mod openapi;
pub mod portal;
pub mod sim;
pub mod v1;
pub mod webhooks;
pub mod worker;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The admin and portal APIs, and the simulated network when this control
/// plane hosts it, with the OpenAPI document of exactly what is mounted.
pub fn router(hosts_sim: bool) -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::with_openapi(openapi::base())
        .nest("/api/admin", admin::router())
        .nest("/api/portal", portal::router())
        .nest("/api/v1", v1::router());
    if hosts_sim {
        router.nest("/api/sim", sim::router())
    } else {
        router
    }
}

/// The worker protocol: internal, so undocumented.
pub fn worker_router(hosts_sim: bool) -> Router<AppState> {
    Router::new().nest("/api/worker", worker::router(hosts_sim))
}
