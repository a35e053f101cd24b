//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the admin, portal and
//! simulator APIs. Each handler carries its `#[utoipa::path]` and is mounted
//! with `utoipa_axum::routes!`, which takes the route's path and method from
//! that same annotation, so a route cannot be served without being
//! documented under the same path and method. The document is built with the
//! router, so the simulator's paths appear exactly when they are mounted.
//!
//! The worker protocol (`/api/worker/*`) is left out: it is internal, between
//! the control plane and its own workers, and docs/api.md leaves it free to change.

pub mod responses;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::auth::session::COOKIE_NAME;
use crate::error::ErrorBody;
use crate::state::AppState;

pub const PATH: &str = "/api/openapi.json";

/// Security scheme names, as [`Guard`] refers to them.
pub const ADMIN_TOKEN: &str = "admin_token";
pub const SESSION_COOKIE: &str = "session_cookie";
pub const PORTAL_INTERNAL_KEY: &str = "portal_internal_key";
pub const PORTAL_USER_EMAIL: &str = "portal_user_email";
pub const API_KEY: &str = "api_key";

/// What the document holds before any route is added: info, tags, the error
/// schema every error response refers to, and the security schemes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Flow HQ",
        description = "Multi-tenant WhatsApp auto-reply platform: the operator's admin API, \
            the business owners' portal API and, with FLOWHQ_CHANNEL=simulator, the simulated network. \
            Errors are {\"error\": {\"code\", \"message\", \"field\"?}}; lists are {\"items\", \"next_cursor\"}."
    ),
    components(schemas(ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "admin", description = "The operator's API: bearer admin token or an admin's session cookie"),
        (name = "portal", description = "Business owners: accounts, onboarding and their own tenant"),
        (name = "public", description = "The public API for integrations (/api/v1): a tenant's API key as a bearer token, `Authorization: Bearer fhq_…`; each operation names the scope it needs"),
        (name = "simulator", description = "The simulated WhatsApp network; mounted only with FLOWHQ_CHANNEL=simulator"),
    )
)]
struct BaseDocument;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            ADMIN_TOKEN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The operator's token, FLOWHQ_ADMIN_TOKEN"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("fhq_…")
                    .description(Some(
                        "A tenant's API key (fhq_…), made by its owner or an operator; \
                         it opens /api/v1 for that tenant, within its scopes",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION_COOKIE,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                COOKIE_NAME,
                "A login session from POST /api/portal/login or /signup; \
                 an admin's opens the admin API, an owner's the portal",
            ))),
        );
        components.add_security_scheme(
            PORTAL_INTERNAL_KEY,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                crate::auth::INTERNAL_KEY_HEADER,
                "Trusted-header portal mode for an external frontend, only when \
                 FLOWHQ_PORTAL_INTERNAL_KEY is set; sent with x-user-email",
            ))),
        );
        components.add_security_scheme(
            PORTAL_USER_EMAIL,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                crate::auth::USER_EMAIL_HEADER,
                "The owner the external frontend acts for, with x-portal-internal-key",
            ))),
        );
    }
}

/// Who may call an area's operations: what its handlers' extractors
/// enforce ([`crate::auth::Admin`], [`crate::auth::Owner`],
/// [`crate::auth::ApiCaller`]).
pub enum Guard {
    Admin,
    Owner,
    ApiKey,
    Open,
}

impl Guard {
    fn requirements(&self) -> Option<Vec<SecurityRequirement>> {
        let none = Vec::<String>::new;
        match self {
            Guard::Admin => Some(vec![
                SecurityRequirement::new(ADMIN_TOKEN, none()),
                SecurityRequirement::new(SESSION_COOKIE, none()),
            ]),
            Guard::Owner => Some(vec![
                SecurityRequirement::new(SESSION_COOKIE, none()),
                SecurityRequirement::new(PORTAL_INTERNAL_KEY, none())
                    .add(PORTAL_USER_EMAIL, none()),
            ]),
            Guard::ApiKey => Some(vec![SecurityRequirement::new(API_KEY, none())]),
            Guard::Open => None,
        }
    }
}

/// Tags every operation of `router` with `tag` and the security `guard`
/// stands for: stated once where an area is mounted instead of on each
/// handler. The isolation and OpenAPI tests hold it to what the
/// extractors do.
pub fn area(
    mut router: OpenApiRouter<AppState>,
    tag: &str,
    guard: Guard,
) -> OpenApiRouter<AppState> {
    let security = guard.requirements();
    for item in router.get_openapi_mut().paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            operation.tags = Some(vec![tag.to_owned()]);
            operation.security.clone_from(&security);
        }
    }
    router
}

/// The document to which the API's routers add their paths.
pub fn base() -> Document {
    let mut doc = BaseDocument::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// Serves `document`, serialized once: it cannot change while the server runs.
pub fn router(document: &Document) -> Router<AppState> {
    let json = Bytes::from(
        document
            .to_json()
            .expect("an OpenAPI document always serializes"),
    );
    Router::new().route(
        PATH,
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
    )
}
