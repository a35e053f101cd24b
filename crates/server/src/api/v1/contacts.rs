//! `GET /api/v1/contacts`: the numbers that wrote to the business.

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use flowhq_domain::api_keys::Scope;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::list::parse_limit;
use crate::api::openapi::responses::{ApiKeyAuthErrors, InvalidQuery};
use crate::api::v1::messages::CONTACT_WINDOW;
use crate::auth::ApiCaller;
use crate::error::AppResult;
use crate::extract::Query;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(contacts))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ContactParams {
    /// Page size, 1 to 500 (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

/// A number that wrote to the business.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiContact {
    /// E.164, as `to` of a send takes it.
    pub phone: String,
    /// When it last wrote.
    pub last_inbound_at: DateTime<Utc>,
    /// Whether a send to it passes the anti-ban guard now.
    pub can_send: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<ApiContact>,
    /// Where the next page starts; null on the last page.
    pub next_cursor: Option<String>,
}

/// Needs the scope `contacts:read`. By number, a page at a time.
#[utoipa::path(
    get,
    path = "/contacts",
    operation_id = "list_api_contacts",
    params(ContactParams),
    responses(
        (status = 200, description = "The numbers that wrote to the business, by number", body = ContactPage),
        InvalidQuery,
        ApiKeyAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %caller.tenant_id()))]
async fn contacts(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<ContactParams>,
) -> AppResult<impl IntoResponse> {
    caller.require(Scope::ContactsRead)?;
    let tenant = caller.tenant_id();
    let limit = parse_limit(params.limit.as_deref(), 100, 500)?;
    let after = params.cursor.as_deref().filter(|c| !c.is_empty());
    let page = state.store.list_contacts(tenant, limit, after).await?;
    let any = state.store.api_send_any_contact(tenant).await?;
    let now = Utc::now();
    Ok(axum::Json(ContactPage {
        items: page
            .items
            .into_iter()
            .map(|c| ApiContact {
                can_send: any || now - c.last_inbound_at < CONTACT_WINDOW,
                phone: c.phone,
                last_inbound_at: c.last_inbound_at,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
