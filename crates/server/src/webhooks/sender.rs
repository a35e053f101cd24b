//! Posts the due webhook deliveries, on the leader replica only.
//!
//! A batch is claimed under a lease (`Store::claim_due_webhooks`), posted
//! [`CONCURRENCY`] at a time, and its outcomes written in one transaction.
//! A delivery is never posted by two senders at once; the one way a
//! receiver gets an event twice is a crash between its answer and the
//! write of the outcome, which is why every request carries the event's id
//! (`webhook-id`) for the receiver to drop repeats.

use std::time::{Duration, Instant};

use chrono::Utc;
use flowhq_domain::webhooks::{excerpt, next_wait};
use flowhq_store::Store;
use flowhq_store::webhooks::{DueDelivery, Outcome};
use rand::Rng;
use standardwebhooks::Webhook;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::state::AppState;
use crate::webhooks::{WebhookService, guard};

/// How often the sender looks for due deliveries when nothing woke it.
const TICK: Duration = Duration::from_millis(250);
/// Three times the longest a request may take (`TIMEOUT`), so a lease
/// outlives its attempt; after a crash, what was in flight is due again
/// this long after it was claimed.
const LEASE: chrono::Duration = chrono::Duration::seconds(30);
const BATCH: u32 = 500;
/// Requests in flight at once.
pub const CONCURRENCY: usize = 64;
/// The most outcomes one write takes.
const MAX_WRITE: usize = 256;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let hooks = state.webhooks.clone();
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = hooks.wake.notified() => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        if !state.leadership.is_leader() {
            continue;
        }
        match send_due(&state.store, &hooks).await {
            Ok(report) => {
                for endpoint in report.disabled {
                    crate::webhooks::notice::endpoint_disabled(&state, endpoint).await;
                }
            }
            Err(e) => tracing::error!(error = %e, "sending webhooks"),
        }
    }
}

/// What one pass did.
#[derive(Debug, Default)]
pub struct Report {
    pub attempted: usize,
    /// Endpoints disabled for failing for days.
    pub disabled: Vec<uuid::Uuid>,
}

/// Posts every delivery due now, batch after batch.
pub async fn send_due(store: &Store, hooks: &WebhookService) -> anyhow::Result<Report> {
    let mut report = Report::default();
    loop {
        let batch = store.claim_due_webhooks(BATCH, LEASE).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        report.attempted += batch.len();
        post_all(store, hooks, batch, &mut report).await?;
    }
}

/// Posts a claimed batch [`CONCURRENCY`] at a time while a recorder
/// writes the outcomes as they come: each write takes everything answered
/// during the previous one, so outcomes are written within one write's
/// time of their answer (a crash re-sends, under the same `webhook-id`,
/// only what was answered in that window) without a transaction per answer.
async fn post_all(
    store: &Store,
    hooks: &WebhookService,
    batch: Vec<DueDelivery>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let recorder = tokio::spawn(record(store.clone(), rx));
    let mut running = JoinSet::new();
    let mut queue = batch.into_iter();
    loop {
        while running.len() < CONCURRENCY {
            let Some(due) = queue.next() else { break };
            let client = hooks.client.clone();
            let allow_private = hooks.allow_private;
            let schedule = hooks.schedule.clone();
            running.spawn(async move { attempt(&client, allow_private, &schedule, due).await });
        }
        match running.join_next().await {
            Some(Ok(outcome)) => {
                // The recorder only stops on a database error, reported below.
                let _ = tx.send(outcome);
            }
            // A panicking attempt leaves its delivery to the lease.
            Some(Err(e)) => tracing::error!(error = %e, "webhook attempt panicked"),
            None => break,
        }
    }
    drop(tx);
    report.disabled.extend(recorder.await??);
    Ok(())
}

/// Writes outcomes as they arrive, all that queued up per write; returns
/// the endpoints disabled meanwhile.
async fn record(
    store: Store,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Outcome>,
) -> anyhow::Result<Vec<uuid::Uuid>> {
    let mut disabled = Vec::new();
    let mut outcomes = Vec::new();
    while rx.recv_many(&mut outcomes, MAX_WRITE).await > 0 {
        disabled.extend(store.record_webhook_outcomes(&outcomes).await?);
        outcomes.clear();
    }
    Ok(disabled)
}

/// Posts one delivery and says how it went.
async fn attempt(
    client: &reqwest::Client,
    allow_private: bool,
    schedule: &[Duration],
    due: DueDelivery,
) -> Outcome {
    let started = Instant::now();
    let at = Utc::now();
    let result = post(client, allow_private, &due, at.timestamp()).await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status_code, error, response) = match result {
        Ok((code, body)) if (200..300).contains(&code) => (Some(code), None, Some(body)),
        Ok((code, body)) => (
            Some(code),
            Some(format!("the receiver answered {code}")),
            Some(body),
        ),
        Err(e) => (None, Some(e), None),
    };
    let retry = error.as_ref().map(|_| {
        let attempts = u32::try_from(due.attempt).unwrap_or(u32::MAX);
        let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
        next_wait(schedule, attempts, jitter).map(|wait| {
            Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
        })
    });
    if let Some(e) = &error {
        tracing::debug!(endpoint = %due.endpoint_id, event = %due.event_id, attempt = due.attempt, error = %e, "webhook not delivered");
    }
    Outcome {
        endpoint_id: due.endpoint_id,
        event_id: due.event_id,
        attempt: due.attempt,
        at,
        status_code,
        latency_ms,
        error,
        response: response.map(|body| excerpt(&body)),
        retry,
    }
}

/// The request, signed with every current secret; the receiver's status
/// code and the start of its body, or why there was none.
async fn post(
    client: &reqwest::Client,
    allow_private: bool,
    due: &DueDelivery,
    timestamp: i64,
) -> Result<(u16, String), String> {
    let url = reqwest::Url::parse(&due.url).map_err(|e| format!("bad URL: {e}"))?;
    if !allow_private {
        guard::check_literal(&url).map_err(|e| e.to_string())?;
    }
    let mut signatures = Vec::with_capacity(due.secrets.len());
    for secret in &due.secrets {
        let signer = Webhook::new(secret.expose()).map_err(|e| format!("secret: {e}"))?;
        signatures.push(
            signer
                .sign(&due.event_id, timestamp, due.payload.as_bytes())
                .map_err(|e| format!("signing: {e}"))?,
        );
    }
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &due.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(due.payload.clone())
        .send()
        .await
        .map_err(describe)?;
    let code = response.status().as_u16();
    // Only the start of the answer is kept; a slow or huge body is cut.
    let body = read_start(response).await;
    Ok((code, body))
}

async fn read_start(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() >= 2048 {
            break;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// reqwest's error with its causes (the guard's refusal is a cause).
fn describe(e: reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out after 10 s".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
