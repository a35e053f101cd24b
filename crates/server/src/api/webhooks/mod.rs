//! Webhook endpoints over HTTP: what the owner's portal
//! (`/api/portal/tenant/current/webhooks`), the console (the operators'
//! endpoint at `/api/admin/webhooks`, a tenant's at
//! `/api/admin/tenants/{id}/webhooks`) and the public API share. Each
//! area's handlers only say whose endpoints they reach and how the caller
//! is known; the work is here. The three areas' handler files look alike
//! on purpose: utoipa documents one path per function, and a macro that
//! wrote them would hide the documented operations from a reader.

pub mod admin;
pub mod portal;
pub mod public;

use chrono::Utc;
use flowhq_domain::webhooks::{EndpointUrl, InvalidEndpoint, WebhookSecret, parse_subscription};
use flowhq_store::Page;
use flowhq_store::webhooks::{
    Delivery, DeliveryStatus, EndpointPatch, NewEndpoint, Owner, WebhookEndpoint,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::extract::parse_id;
use crate::state::AppState;

/// How long a rotated-out secret keeps signing beside the new one, so that
/// receivers can switch over without losing an event.
pub const ROTATION_OVERLAP: chrono::Duration = chrono::Duration::hours(24);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    /// Where events are posted: `http://` or `https://`.
    #[schema(example = "https://crm.example.com/hooks/flowhq")]
    pub url: String,
    /// Event types: `message.received`, `message.sent`, `message.status`,
    /// `handoff.requested`, `session.status`, `tenant.status`.
    #[schema(example = json!(["message.received", "session.status"]))]
    pub events: Vec<String>,
    /// `whsec_` and 24 to 64 bytes in base64; generated when left out.
    pub secret: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    /// `true`: a new secret is generated and returned once; the old one
    /// signs beside it for 24 hours.
    #[serde(default)]
    pub rotate_secret: bool,
    /// A new secret of your own (rotated the same way).
    pub secret: Option<String>,
    /// `false` stops deliveries; `true` starts them again (and clears a
    /// disable for failing).
    pub enabled: Option<bool>,
}

/// An endpoint, and its secret when it was just made or rotated: the only
/// time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointWithSecret {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// `whsec_…`, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// `pending`, `delivered` or `dead`.
    pub status: Option<String>,
    /// At most this many (1–200, default 50).
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    pub before: Option<String>,
}

/// How many dead letters a replay made due again.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    pub replayed: u64,
}

fn invalid(field: &str, e: &InvalidEndpoint) -> AppError {
    AppError::invalid(field, format!("{field}: {e}"))
}

fn new_secret() -> WebhookSecret {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    WebhookSecret::from_key(&key)
}

fn given_secret(raw: &str) -> AppResult<WebhookSecret> {
    WebhookSecret::parse(raw).map_err(|e| invalid("secret", &e))
}

pub async fn create(
    state: &AppState,
    owner: Owner,
    body: CreateBody,
) -> AppResult<EndpointWithSecret> {
    let url = EndpointUrl::parse(&body.url).map_err(|e| invalid("url", &e))?;
    let events = parse_subscription(&body.events).map_err(|e| invalid("events", &e))?;
    let (secret, shown) = match &body.secret {
        Some(raw) => (given_secret(raw)?, None),
        None => {
            let secret = new_secret();
            let shown = secret.expose().to_owned();
            (secret, Some(shown))
        }
    };
    let endpoint = state
        .store
        .create_webhook_endpoint(
            owner,
            &NewEndpoint {
                url,
                events,
                secret,
            },
        )
        .await?;
    tracing::info!(endpoint = %endpoint.id, ?owner, "webhook endpoint created");
    Ok(EndpointWithSecret {
        endpoint,
        secret: shown,
    })
}

pub async fn update(
    state: &AppState,
    owner: Owner,
    id: &str,
    body: PatchBody,
) -> AppResult<EndpointWithSecret> {
    let id: Uuid = parse_id(id, "webhook endpoint")?;
    let url = body
        .url
        .as_deref()
        .map(EndpointUrl::parse)
        .transpose()
        .map_err(|e| invalid("url", &e))?;
    let events = body
        .events
        .as_deref()
        .map(parse_subscription)
        .transpose()
        .map_err(|e| invalid("events", &e))?;
    let (rotate_to, shown) = match (&body.secret, body.rotate_secret) {
        (Some(_), true) => {
            return Err(AppError::invalid(
                "secret",
                "secret: give a secret or ask for rotate_secret, not both",
            ));
        }
        (Some(raw), false) => (Some(given_secret(raw)?), None),
        (None, true) => {
            let secret = new_secret();
            let shown = secret.expose().to_owned();
            (Some(secret), Some(shown))
        }
        (None, false) => (None, None),
    };
    let patch = EndpointPatch {
        url,
        events,
        rotate_to: rotate_to.map(|s| (s, Utc::now() + ROTATION_OVERLAP)),
        enabled: body.enabled,
    };
    let endpoint = state
        .store
        .update_webhook_endpoint(owner, id, &patch)
        .await?;
    Ok(EndpointWithSecret {
        endpoint,
        secret: shown,
    })
}

pub async fn delete(state: &AppState, owner: Owner, id: &str) -> AppResult<()> {
    let id: Uuid = parse_id(id, "webhook endpoint")?;
    state.store.delete_webhook_endpoint(owner, id).await?;
    Ok(())
}

pub async fn deliveries(
    state: &AppState,
    owner: Owner,
    id: &str,
    query: DeliveryQuery,
) -> AppResult<Page<Delivery>> {
    let id: Uuid = parse_id(id, "webhook endpoint")?;
    let status = query
        .status
        .as_deref()
        .map(str::parse::<DeliveryStatus>)
        .transpose()
        .map_err(|e| AppError::invalid("status", format!("query parameter status: {e}")))?;
    Ok(state
        .store
        .webhook_deliveries(
            owner,
            id,
            status,
            query.limit.unwrap_or(50),
            query.before.as_deref(),
        )
        .await?)
}

/// Replays one dead letter (`Some(event id)`) or all of an endpoint's.
pub async fn replay(
    state: &AppState,
    owner: Owner,
    id: &str,
    event: Option<&str>,
) -> AppResult<Replayed> {
    let id: Uuid = parse_id(id, "webhook endpoint")?;
    let replayed = state
        .store
        .replay_webhook_deliveries(owner, id, event)
        .await?;
    if replayed > 0 {
        state.webhooks.wake();
    }
    Ok(Replayed { replayed })
}
