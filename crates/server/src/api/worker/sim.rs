//! The simulated network as the worker sees it: a long poll for QR codes,
//! links and messages that also carries acknowledgements; idempotent sends.

use std::time::Duration;

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Utc;
use flowhq_domain::TenantId;
use flowhq_domain::protocol::{SimMessage, SimPoll, SimSend, SimSent, SimView};

use super::WorkerAuth;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::sim::new_qr_code;
use crate::state::AppState;

/// The longest a poll is held open.
const MAX_WAIT: Duration = Duration::from_secs(25);
/// Messages handed out per poll.
const POLL_BATCH: u32 = 100;

async fn view(state: &AppState, tenant: TenantId) -> AppResult<SimView> {
    let (device, pending) = state
        .store
        .sim_view(tenant, POLL_BATCH, Utc::now(), new_qr_code)
        .await?;
    let messages = pending
        .into_iter()
        .map(|m| SimMessage {
            wa_message_id: m.wa_message_id,
            from: m.from,
            text: m.text,
            at: m.at,
        })
        .collect();
    Ok(SimView {
        linked: device.linked,
        credentials: device.credentials.filter(|_| device.linked),
        qr: device.qr.filter(|_| !device.linked),
        qr_expires_at: device.qr_expires_at.filter(|_| !device.linked),
        messages,
    })
}

fn is_news(view: &SimView, poll: &SimPoll) -> bool {
    view.linked != poll.linked
        || !view.messages.is_empty()
        || (view.linked && view.credentials != poll.credentials)
        || (!view.linked && view.qr != poll.known_qr)
}

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn poll(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(poll): Json<SimPoll>,
) -> AppResult<impl IntoResponse> {
    let tenant = auth.tenant;
    if !poll.ack.is_empty() {
        state.store.sim_ack(tenant, &poll.ack).await?;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_millis(poll.wait_ms).min(MAX_WAIT);
    let notifier = state.sim.notifier(tenant);
    let mut closing = state.sim.closing();
    loop {
        // Registered before looking, so a change between the look and the
        // wait still wakes this poll.
        let notified = notifier.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let current = view(&state, tenant).await?;
        if is_news(&current, &poll) || tokio::time::Instant::now() >= deadline || *closing.borrow()
        {
            return Ok(axum::Json(current));
        }
        // Wake in time to hand out the next QR code when this one expires.
        let mut wake = deadline;
        if let Some(expires) = current.qr_expires_at {
            let left = (expires - Utc::now()).to_std().unwrap_or_default();
            wake = wake.min(tokio::time::Instant::now() + left + Duration::from_millis(10));
        }
        tokio::select! {
            () = &mut notified => {}
            () = tokio::time::sleep_until(wake) => {}
            _ = closing.wait_for(|c| *c) => {}
        }
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant, client_id = %send.client_id))]
pub async fn send(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(send): Json<SimSend>,
) -> AppResult<impl IntoResponse> {
    if send.client_id.is_empty() || send.client_id.len() > 200 {
        return Err(AppError::invalid(
            "client_id",
            "client_id must be 1 to 200 characters",
        ));
    }
    let wa_message_id = format!("SIMOUT{}", uuid::Uuid::now_v7().simple()).to_uppercase();
    let sent = state
        .store
        .sim_send(
            auth.tenant,
            &send.client_id,
            &send.to,
            &send.text,
            &wa_message_id,
            Utc::now(),
        )
        .await?;
    Ok(axum::Json(SimSent {
        wa_message_id: sent.wa_message_id,
        sent_at: sent.sent_at,
    }))
}
