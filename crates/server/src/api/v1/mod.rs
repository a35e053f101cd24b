//! `/api/v1/*`: the public API for integrations (CRMs, n8n, shop systems).
//! Every operation takes a tenant's API key as a bearer token
//! ([`crate::auth::ApiCaller`]) and sees that tenant only; each checks
//! the scope it needs with `caller.require(Scope::…)?`.

mod contacts;
pub mod messages;
mod status;

use utoipa_axum::router::OpenApiRouter;

use crate::api::openapi::{Guard, area};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::new()
        .merge(messages::router())
        .merge(contacts::router())
        .merge(status::router())
        .merge(crate::api::webhooks::public::router());
    area(router, "public", Guard::ApiKey)
}
