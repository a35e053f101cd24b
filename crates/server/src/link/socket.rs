//! One worker's connection: `GET /api/worker/link`, upgraded to a
//! WebSocket once the worker's token checks out.
//!
//! The worker speaks first ([`Up::Hello`]) and is welcomed with the state
//! it should be in. Then frames go both ways: the worker's heartbeats,
//! session reports and log batches, each stored and acknowledged by id,
//! and the commands [`super::Hub`] queues for it. Frames are handled one
//! at a time, in order, by this connection's own task.

use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use flowhq_domain::protocol::{
    Command, Commanded, Down, Heartbeat, LoggedMessage, Receipt, SessionUpdate, Up,
};
use flowhq_domain::{TenantId, TenantStatus, WorkerStatus};
use flowhq_store::messages::Shipped;
use flowhq_store::sends::WELCOME_SENDS;
use flowhq_store::sessions::implied_events;
use flowhq_store::workers::Desired;

use super::{desired_state, new_command_id, worker_config};
use crate::api::worker::LinkAuth;
use crate::error::AppError;
use crate::state::AppState;

/// The most logs one frame may carry.
pub const MAX_BATCH: usize = 1000;
/// The largest frame a worker may send (a full batch of long texts).
const MAX_FRAME: usize = 8 << 20;
/// A connection's read buffer; a larger frame grows it while it is read.
const READ_BUFFER: usize = 8 << 10;
/// Heartbeats between two looks at what the worker should be doing (the
/// correction of a lost command): every heartbeat is noted, but reading
/// the tenant's row for each of thousands of workers every interval was
/// most of an idle control plane's CPU.
const CHECK_EVERY: u32 = 3;
/// Waiting sends offered again with a heartbeat, at most.
const HEARTBEAT_SENDS: u32 = 100;
/// How long a new connection has to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// The handler: checks the token ([`LinkAuth`]) and that the database has
/// room for the welcome (else 503 with `Retry-After`: the worker comes
/// back later), then upgrades.
#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn link(
    State(state): State<AppState>,
    auth: LinkAuth,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    // A first check before the upgrade: a busy control plane refuses new
    // links outright (the turn for the welcome is taken after the hello).
    if state.supervisor.link().admit().await.is_none() {
        state.supervisor.note_alive(auth.tenant);
        return Err(AppError::Unavailable("the control plane is busy"));
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    // The stop waits for this connection to end, as for a request.
    let running = state.shutdown.requests().token();
    let tenant = auth.tenant;
    Ok(upgrade
        // Thousands of mostly idle connections: small buffers (the
        // defaults, 128 KiB each way, were most of an idle control plane's
        // memory), and each frame written at once.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_FRAME)
        .on_upgrade(move |socket| async move {
            serve(&state, tenant, socket).await;
            drop(running);
        }))
}

/// Why a connection ended.
#[derive(Debug)]
enum End {
    /// The worker hung up, or the socket failed.
    Gone,
    /// A newer connection of the same worker took over, or the server is
    /// stopping.
    Replaced,
    /// The worker broke the protocol.
    Protocol(String),
}

async fn serve(state: &AppState, tenant: TenantId, mut socket: WebSocket) {
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, receive(&mut socket)).await {
        Ok(Ok(Some(Up::Hello {
            pid,
            session,
            outbox_backlog,
        }))) => (pid, session, outbox_backlog),
        Ok(Ok(_)) | Err(_) => {
            tracing::warn!(tenant_id = %tenant, "a worker connected without saying hello");
            return;
        }
        Ok(Err(end)) => {
            tracing::warn!(tenant_id = %tenant, ?end, "a worker's link ended before its hello");
            return;
        }
    };
    let (pid, session, backlog) = hello;
    let hub = state.supervisor.link();
    // Attached before the welcome reads the state: a command issued
    // meanwhile is queued behind the welcome rather than missed.
    let (generation, mut frames) = hub.attach(tenant);
    let welcome = match hub.admit().await {
        Some(_turn) => welcome(state, tenant, &session, backlog).await,
        None => Err(anyhow::anyhow!("the control plane is busy")),
    };
    let welcome = match welcome {
        Ok(welcome) => welcome,
        Err(e) => {
            // The worker retries with backoff; it serves customers meanwhile.
            tracing::warn!(tenant_id = %tenant, error = %e, "welcoming a worker");
            state.supervisor.note_alive(tenant);
            hub.detach(tenant, generation);
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
    };
    tracing::info!(tenant_id = %tenant, pid, "worker linked");
    let mut closing = hub.closing();
    let mut beats: u32 = 0;
    // A worker heartbeats every interval: one silent for the stale period
    // is gone (a half-open connection, its host vanished).
    let silence = state.settings.stale_after;
    let mut heard = tokio::time::Instant::now();
    let end = if let Err(end) = send(&mut socket, &welcome).await {
        end
    } else {
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(heard + silence) => break End::Gone,
                up = receive(&mut socket) => match up {
                    Ok(Some(Up::Heartbeat(beat))) => {
                        heard = tokio::time::Instant::now();
                        beats = beats.wrapping_add(1);
                        // The first heartbeat is looked at, then every third.
                        if beats % CHECK_EVERY != 1 {
                            // Noted in memory only; the next look corrects.
                            state.supervisor.record_beat(tenant, Utc::now(), beat.outbox_backlog);
                            continue;
                        }
                        if let Err(end) = handle(state, tenant, &mut socket, Up::Heartbeat(beat)).await {
                            break end;
                        }
                    }
                    Ok(Some(up)) => {
                        heard = tokio::time::Instant::now();
                        if let Err(end) = handle(state, tenant, &mut socket, up).await {
                            break end;
                        }
                    }
                    Ok(None) => heard = tokio::time::Instant::now(),
                    Err(end) => break end,
                },
                frame = frames.recv() => match frame {
                    Some(frame) => {
                        if let Err(end) = send(&mut socket, &frame).await {
                            break end;
                        }
                    }
                    None => break End::Replaced,
                },
                () = until(&mut closing) => break End::Replaced,
            }
        }
    };
    hub.detach(tenant, generation);
    let _ = socket.send(Message::Close(None)).await;
    if matches!(end, End::Gone) && state.leadership.is_leader() {
        // The worker hung up: if its process died and nobody here watches
        // it (another replica started it), restart it now rather than when
        // its heartbeats are missed.
        let state = state.clone();
        tokio::spawn(async move {
            // Long enough for a dying process to be gone from /proc.
            tokio::time::sleep(Duration::from_millis(200)).await;
            if let Err(e) = state.supervisor.adopt_gone(tenant).await {
                tracing::warn!(tenant_id = %tenant, error = %e, "checking a worker that hung up");
            }
        });
    }
    match end {
        End::Protocol(error) => {
            tracing::warn!(tenant_id = %tenant, %error, "worker link closed: protocol error");
        }
        end => tracing::info!(tenant_id = %tenant, ?end, "worker link closed"),
    }
}

/// Resolves once `flag` is set (the returned guard is not `Send`, so it is
/// dropped here rather than held by a `select!`).
async fn until(flag: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = flag.wait_for(|set| *set).await;
}

/// The next frame: `Ok(None)` for a control frame (ping, pong).
async fn receive(socket: &mut WebSocket) -> Result<Option<Up>, End> {
    match socket.recv().await {
        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => Err(End::Gone),
        Some(Ok(Message::Text(text))) => Up::from_json(text.as_str())
            .map(Some)
            .map_err(|e| End::Protocol(format!("unreadable frame: {e}"))),
        Some(Ok(Message::Binary(_))) => Err(End::Protocol("binary frame".into())),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(None),
    }
}

async fn send(socket: &mut WebSocket, frame: &Down) -> Result<(), End> {
    let text = serde_json::to_string(frame).map_err(|e| End::Protocol(e.to_string()))?;
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|_| End::Gone)
}

/// Takes in what the hello says, and answers with the state to be in.
async fn welcome(
    state: &AppState,
    tenant: TenantId,
    session: &SessionUpdate,
    backlog: u64,
) -> anyhow::Result<Down> {
    let store = &state.store;
    state.supervisor.record_beat(tenant, Utc::now(), backlog);
    let view = store.worker_view(tenant).await?;
    if view.worker_status == WorkerStatus::Starting {
        store.worker_running(tenant).await?;
    }
    if view.desired == Desired::Running {
        // Stands for any session report the last connection lost.
        for t in store.report_session(tenant, session, "worker").await? {
            tracing::info!(tenant_id = %tenant, from = %t.from, to = %t.to, "tenant status changed");
        }
    }
    let view = store.worker_view(tenant).await?;
    let mut sends: Vec<Commanded> = store
        .waiting_sends(tenant, WELCOME_SENDS)
        .await?
        .into_iter()
        .map(|send| Commanded {
            id: send.id,
            command: Command::Send {
                to: send.to,
                text: send.text,
                media: send.media,
                by_person: send.sent_by.is_some(),
            },
        })
        .collect();
    // Chats resolved while this worker may have been away: a resolve it
    // already had, or one older than the person's last answer, changes
    // nothing (`ConversationState::resolve`).
    let recent = Utc::now() - flowhq_domain::bot::Limits::DEFAULT_HANDOFF;
    sends.extend(
        store
            .resolved_since(tenant, recent)
            .await?
            .into_iter()
            .map(|(contact, at)| Commanded {
                id: new_command_id(),
                command: Command::Resolve { contact, at },
            }),
    );
    Ok(Down::Welcome {
        desired: desired_state(&view),
        config: Box::new(worker_config(store, tenant).await?),
        sends,
    })
}

async fn handle(
    state: &AppState,
    tenant: TenantId,
    socket: &mut WebSocket,
    up: Up,
) -> Result<(), End> {
    if let Up::Hello { .. } = up {
        return Err(End::Protocol("a second hello".into()));
    }
    // Worker traffic is shed first: without a turn at the database, a
    // heartbeat is only noted in memory, a report or a batch is refused
    // (the worker sends it again), an acknowledged send is handed over
    // again on the next connection.
    let Some(_turn) = state.supervisor.link().admit().await else {
        let answer = match up {
            Up::Heartbeat(beat) => {
                state
                    .supervisor
                    .record_beat(tenant, Utc::now(), beat.outbox_backlog);
                return Ok(());
            }
            Up::Done { id, error } => {
                state.supervisor.link().done(tenant, &id, error);
                return Ok(());
            }
            Up::Session { id, .. } | Up::Messages { id, .. } => Down::Refused {
                id,
                error: "the control plane is busy".into(),
            },
            Up::Hello { .. } => unreachable!("refused above"),
        };
        return send(socket, &answer).await;
    };
    // The answers are worked out with the turn, and sent without it: a
    // slow peer must not hold the workers' share of the database.
    let answers = match up {
        Up::Hello { .. } => unreachable!("refused above"),
        Up::Heartbeat(beat) => match heartbeat(state, tenant, &beat).await {
            Ok(commands) => commands.into_iter().map(Down::Command).collect(),
            Err(e) => {
                tracing::warn!(tenant_id = %tenant, error = %e, "recording a heartbeat");
                Vec::new()
            }
        },
        Up::Session { id, update } => {
            if let Some(error) = &update.error {
                tracing::warn!(tenant_id = %tenant, %error, "worker reports a session error");
            }
            vec![
                match state.store.report_session(tenant, &update, "worker").await {
                    Ok(transitions) => {
                        for t in &transitions {
                            tracing::info!(tenant_id = %tenant, from = %t.from, to = %t.to, "tenant status changed");
                        }
                        Down::Ack { id }
                    }
                    Err(e) => refused(tenant, id, "session report", &e),
                },
            ]
        }
        Up::Messages {
            id,
            messages,
            receipts,
        } => vec![log(state, tenant, id, messages, receipts).await],
        Up::Done { id, error } => {
            state.supervisor.link().done(tenant, &id, error.clone());
            if error.is_none()
                && let Err(e) = state.store.send_handed_over(tenant, &id).await
            {
                // Offered again later; the worker's outbox recognises it.
                tracing::warn!(tenant_id = %tenant, error = %e, "recording a handed-over send");
            }
            Vec::new()
        }
    };
    drop(_turn);
    for answer in &answers {
        send(socket, answer).await?;
    }
    Ok(())
}

fn refused(tenant: TenantId, id: u64, what: &str, error: &dyn std::fmt::Display) -> Down {
    tracing::warn!(tenant_id = %tenant, %error, "storing a worker's {what}; it will send it again");
    Down::Refused {
        id,
        error: "the control plane could not store it now".into(),
    }
}

/// Logs a batch idempotently: a batch sent again (its acknowledgement was
/// lost) inserts nothing twice, and its receipts move nothing twice.
async fn log(
    state: &AppState,
    tenant: TenantId,
    id: u64,
    messages: Vec<LoggedMessage>,
    receipts: Vec<Receipt>,
) -> Down {
    if messages.len() > MAX_BATCH || receipts.len() > MAX_BATCH {
        return Down::Refused {
            id,
            error: format!("at most {MAX_BATCH} messages and {MAX_BATCH} receipts per batch"),
        };
    }
    let accepted = messages.len() as u64;
    // Messages and receipts in one unit: a batch's receipts may name its
    // own messages, and the batch is stored or refused (sent again) whole.
    let Shipped { logged, receipted } =
        match state.store.log_batch(tenant, &messages, &receipts).await {
            Ok(shipped) => shipped,
            Err(e) => return refused(tenant, id, "message logs", &e),
        };
    // The sender is woken only for deliveries queued with the batch: with
    // no endpoint subscribed, a look per batch would be a pool read per
    // message for nothing (its tick still looks four times a second).
    if logged.webhooks_queued + receipted.webhooks_queued > 0 {
        state.webhooks.wake();
    }
    if state.inbox.watched(tenant) {
        if logged.inserted > 0 {
            tokio::spawn(crate::api::inbox::publish_logged(
                state.clone(),
                tenant,
                messages,
            ));
        }
        if !receipted.changes.is_empty() {
            crate::api::inbox::publish_deliveries(state, tenant, &receipted.changes);
        }
    }
    Down::Logged {
        id,
        accepted,
        inserted: logged.inserted,
    }
}

/// Notes the heartbeat and answers with the commands that bring the worker
/// to the state it should be in, if it is not (a command was lost, or
/// issued on another replica). In the steady state this reads one row and
/// writes nothing.
async fn heartbeat(
    state: &AppState,
    tenant: TenantId,
    beat: &Heartbeat,
) -> anyhow::Result<Vec<Commanded>> {
    let store = &state.store;
    state
        .supervisor
        .record_beat(tenant, Utc::now(), beat.outbox_backlog);
    let view = store.worker_view(tenant).await?;
    if view.worker_status == WorkerStatus::Starting {
        store.worker_running(tenant).await?;
    }
    let fresh = |command| Commanded {
        id: new_command_id(),
        command,
    };
    if view.desired == Desired::Stopped {
        return Ok(vec![fresh(Command::Stop)]);
    }
    if !implied_events(view.tenant_status, beat.session_state).is_empty() {
        // The tenant is behind its worker (the tenant was retried while the
        // worker stayed connected): catch up.
        for t in store
            .sync_tenant_with_session(tenant, beat.session_state, "worker")
            .await?
        {
            tracing::info!(tenant_id = %tenant, from = %t.from, to = %t.to, "tenant status changed");
        }
    }
    let mut corrections = Vec::new();
    let paused = view.tenant_status == TenantStatus::Paused;
    if beat.paused != paused {
        corrections.push(fresh(if paused {
            Command::Pause
        } else {
            Command::Resume
        }));
    }
    if beat.config_version != view.config_version {
        corrections.push(fresh(Command::Config {
            config: Box::new(worker_config(store, tenant).await?),
        }));
    }
    // The owner's requests, when the worker missed the newest (asked on
    // another replica, say).
    if let Some((phone_number, requested_at)) = view.pairing.clone()
        && beat
            .pairing_requested_at
            .is_none_or(|seen| seen < requested_at)
    {
        corrections.push(fresh(Command::RequestPairingCode {
            request: flowhq_domain::protocol::PairingRequest {
                phone_number,
                requested_at,
            },
        }));
    }
    if let Some(requested_at) = view.new_qr_requested_at
        && beat
            .new_qr_requested_at
            .is_none_or(|seen| seen < requested_at)
    {
        corrections.push(fresh(Command::RefreshQr { requested_at }));
    }
    // Sends that missed their push (queued on another replica, or while
    // this connection was being set up) go out now, under their own ids.
    let waiting = match view.sends_waiting {
        true => store.waiting_sends(tenant, HEARTBEAT_SENDS).await?,
        false => Vec::new(),
    };
    for send in waiting {
        corrections.push(Commanded {
            id: send.id,
            command: Command::Send {
                to: send.to,
                text: send.text,
                media: send.media,
                by_person: send.sent_by.is_some(),
            },
        });
    }
    Ok(corrections)
}
