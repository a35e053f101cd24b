//! `flowhq sim`: the network served alone, on the paths the control plane
//! mounts it at (docs/api.md): `/api/sim/tenants/{id}/…` for the phone and the
//! customers, `/api/worker/{tenant}/sim/…` for the workers.
//!
//! It knows no accounts: with a token (`--token`), the phone-and-customer
//! side wants it as `Authorization: Bearer`; the workers' side is open, as
//! a network's is to any device (a worker's own token is the control
//! plane's business).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use flowhq_domain::TenantId;
use flowhq_domain::protocol::{SimMedia, SimPoll, SimSend};
use serde::de::DeserializeOwned;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::{Network, SimError};

#[derive(Clone)]
struct Served {
    network: Arc<Network>,
    token: Option<Arc<str>>,
}

/// The standalone network's routes.
pub fn router(network: Arc<Network>, token: Option<String>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/sim/tenants/{id}/scan", post(scan))
        .route("/api/sim/tenants/{id}/logout", post(logout))
        .route("/api/sim/tenants/{id}/inbound", post(inbound))
        .route("/api/sim/tenants/{id}/outbox", get(outbox))
        .route("/api/sim/tenants/{id}/read", post(read))
        .route("/api/worker/{id}/sim/poll", post(poll))
        .route("/api/worker/{id}/sim/send", post(send))
        // Messages may carry files.
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .with_state(Served {
            network,
            token: token.map(Into::into),
        })
}

/// A refusal, rendered in the control plane's error shape.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<&'static str>,
}

fn refusal(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        code,
        message: message.into(),
        field: None,
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut detail = json!({ "code": self.code, "message": self.message });
        if let Some(field) = self.field {
            detail["field"] = json!(field);
        }
        (self.status, axum::Json(json!({ "error": detail }))).into_response()
    }
}

impl From<SimError> for Refusal {
    fn from(error: SimError) -> Self {
        match error {
            SimError::Conflict(message) => refusal(StatusCode::CONFLICT, "conflict", message),
            SimError::Invalid { field, message } => Refusal {
                field: Some(field),
                ..refusal(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message)
            },
            error @ (SimError::Storage(_) | SimError::Io(_)) => {
                tracing::error!(%error, "simulated network");
                refusal(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
    }
}

type Answer = Result<Response, Refusal>;

fn tenant(raw: &str) -> Result<TenantId, Refusal> {
    raw.parse()
        .map_err(|_| refusal(StatusCode::NOT_FOUND, "not_found", "tenant not found"))
}

fn json_body<T: DeserializeOwned>(body: &Bytes, empty: impl FnOnce() -> T) -> Result<T, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(empty());
    }
    serde_json::from_slice(body).map_err(|e| {
        refusal(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            format!("invalid JSON body: {e}"),
        )
    })
}

fn authorized(served: &Served, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(expected) = &served.token else {
        return Ok(());
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(refusal(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "authentication required",
        ))
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScanBody {
    pairing_code: Option<String>,
}

async fn scan(
    State(s): State<Served>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    authorized(&s, &headers)?;
    let tenant = tenant(&id)?;
    let body: ScanBody = json_body(&body, ScanBody::default)?;
    s.network.scan(tenant, body.pairing_code.as_deref())?;
    Ok(axum::Json(json!({ "linked": true })).into_response())
}

async fn logout(State(s): State<Served>, Path(id): Path<String>, headers: HeaderMap) -> Answer {
    authorized(&s, &headers)?;
    s.network.logout(tenant(&id)?)?;
    Ok(axum::Json(json!({ "linked": false })).into_response())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundBody {
    from: String,
    #[serde(default)]
    text: String,
    media: Option<SimMedia>,
}

async fn inbound(
    State(s): State<Served>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    authorized(&s, &headers)?;
    let tenant = tenant(&id)?;
    let body: InboundBody = json_body(&body, || InboundBody {
        from: String::new(),
        text: String::new(),
        media: None,
    })?;
    let wa_message_id = s
        .network
        .inbound(tenant, &body.from, &body.text, body.media)?;
    Ok(axum::Json(json!({ "wa_message_id": wa_message_id })).into_response())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadBody {
    from: String,
}

async fn read(
    State(s): State<Served>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    authorized(&s, &headers)?;
    let tenant = tenant(&id)?;
    let body: ReadBody = json_body(&body, || ReadBody {
        from: String::new(),
    })?;
    let read = s.network.read(tenant, &body.from)?;
    Ok(axum::Json(json!({ "read": read })).into_response())
}

async fn outbox(State(s): State<Served>, Path(id): Path<String>, headers: HeaderMap) -> Answer {
    authorized(&s, &headers)?;
    let items = s.network.outbox(tenant(&id)?, 10_000)?;
    Ok(axum::Json(json!({ "items": items, "next_cursor": null })).into_response())
}

async fn poll(State(s): State<Served>, Path(id): Path<String>, body: Bytes) -> Answer {
    let tenant = tenant(&id)?;
    let poll: SimPoll = json_body(&body, SimPoll::default)?;
    Ok(axum::Json(s.network.poll(tenant, &poll).await?).into_response())
}

async fn send(State(s): State<Served>, Path(id): Path<String>, body: Bytes) -> Answer {
    let tenant = tenant(&id)?;
    let send: SimSend = json_body(&body, || SimSend {
        client_id: String::new(),
        to: String::new(),
        text: String::new(),
        media: None,
    })?;
    Ok(axum::Json(s.network.send(tenant, &send)?).into_response())
}
