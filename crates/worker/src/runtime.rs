//! The worker's main loop and its helpers: heartbeats, session reports and
//! shipping run as their own tasks so that a slow or absent control plane
//! never holds up answering customers.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use flowhq_domain::SessionState;
use flowhq_domain::bot::BotConfig;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::protocol::{DesiredState, Heartbeat, MessageBatch, SessionUpdate, WorkerConfig};
use tokio::sync::{Notify, watch};

use crate::backoff::Backoff;
use crate::channel::simulator::SimulatorChannel;
use crate::channel::whatsapp_web::{WhatsappWebChannel, WhatsappWebSettings};
use crate::channel::{Channel, ChannelEvent, InboundMessage, Outgoing};
use crate::client::ControlPlane;
use crate::outbox::{Outbox, Recorded};
use crate::{ChannelChoice, Result, WorkerError, WorkerSettings};

/// Logs shipped per request.
const SHIP_BATCH: u32 = 500;
/// How long shipping waits for more logs after the first is ready.
const SHIP_GATHER: Duration = Duration::from_millis(50);
/// Inbound messages stored in one outbox transaction at most.
const INBOUND_BATCH: usize = 100;

/// A tenant's bot, built from its config.
struct Bot {
    config: WorkerConfig,
    engine: BotConfig,
}

impl Bot {
    fn build(config: WorkerConfig) -> Result<Self> {
        let hours = OpeningHours::from_json(&config.hours)
            .map_err(|e| WorkerError::Protocol(format!("config hours: {}", e.0)))?;
        let engine = BotConfig::new(
            config.template_type,
            &config.business_name,
            config.language,
            hours,
            &config.overrides,
        )
        .map_err(|e| WorkerError::Protocol(format!("config overrides: {e}")))?;
        Ok(Self { config, engine })
    }
}

struct Shared {
    client: ControlPlane,
    outbox: Outbox,
    settings: WorkerSettings,
    session: watch::Sender<SessionUpdate>,
    desired: watch::Sender<DesiredState>,
    config: watch::Sender<Option<Arc<Bot>>>,
    ship: Notify,
    /// Replies are waiting for a retry: the last attempt left some unsent.
    /// Idle workers then skip the periodic look into the outbox.
    unsent: AtomicBool,
    stop: watch::Sender<bool>,
}

/// Runs the worker until `shutdown` resolves (SIGTERM), the control plane
/// asks it to stop, or its token is revoked.
pub async fn run(settings: WorkerSettings, shutdown: impl Future<Output = ()>) -> Result<()> {
    let dir = settings.state_dir();
    tokio::fs::create_dir_all(&dir).await?;
    let client = ControlPlane::new(
        &settings.control_plane_url,
        settings.tenant_id,
        &settings.token,
    )?;
    let outbox = Outbox::open(&dir.join("outbox.db"))?;
    outbox.prune(Utc::now())?;
    let shared = Arc::new(Shared {
        client: client.clone(),
        outbox,
        settings: settings.clone(),
        session: watch::channel(SessionUpdate::state(SessionState::Connecting)).0,
        desired: watch::channel(DesiredState::default()).0,
        config: watch::channel(None).0,
        ship: Notify::new(),
        // A worker that crashed may have left replies unsent.
        unsent: AtomicBool::new(true),
        stop: watch::channel(false).0,
    });
    tracing::info!(tenant_id = %settings.tenant_id, pid = std::process::id(), "worker starting");

    let tasks = [
        tokio::spawn(heartbeats(shared.clone())),
        tokio::spawn(report_sessions(shared.clone())),
        tokio::spawn(ship(shared.clone())),
    ];
    let result = match &settings.channel {
        ChannelChoice::Simulator => {
            let channel = SimulatorChannel::new(client, dir.join("sim-credentials"));
            drive(&shared, channel, shutdown).await
        }
        ChannelChoice::WhatsappWeb { url, version } => {
            let channel = WhatsappWebChannel::new(WhatsappWebSettings {
                state_dir: dir.clone(),
                url: url.clone(),
                version: *version,
            });
            drive(&shared, channel, shutdown).await
        }
    };
    for task in &tasks {
        task.abort();
    }
    // A last chance to ship what is waiting; whatever remains stays in the
    // outbox for the next start.
    let _ = tokio::time::timeout(Duration::from_secs(2), ship_all(&shared)).await;
    let _ = tokio::time::timeout(
        Duration::from_secs(1),
        shared
            .client
            .session(&SessionUpdate::state(SessionState::Disconnected)),
    )
    .await;
    tracing::info!("worker stopped");
    result
}

/// The config from the control plane, else the copy saved last time.
async fn load_config(shared: &Shared) -> Result<Arc<Bot>> {
    let path = shared.settings.state_dir().join("config.json");
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        match shared.client.config().await {
            Ok(config) => {
                let bot = Bot::build(config)?;
                let json = serde_json::to_vec(&bot.config).unwrap_or_default();
                let tmp = path.with_extension("tmp");
                tokio::fs::write(&tmp, json).await?;
                tokio::fs::rename(&tmp, &path).await?;
                return Ok(Arc::new(bot));
            }
            Err(e) if e.is_revoked() => return Err(e),
            Err(e) => {
                if let Ok(saved) = tokio::fs::read(&path).await
                    && let Ok(config) = serde_json::from_slice::<WorkerConfig>(&saved)
                {
                    tracing::warn!(error = %e, "control plane unreachable; using the saved config");
                    return Ok(Arc::new(Bot::build(config)?));
                }
                let delay = backoff.next_delay();
                tracing::warn!(error = %e, retry_in = ?delay, "fetching config");
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// Serves with `channel` until the worker is asked to stop, then closes
/// the channel cleanly.
async fn drive<C: Channel>(
    shared: &Arc<Shared>,
    mut channel: C,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let mut stop = shared.stop.subscribe();
    let result = tokio::select! {
        r = serve(shared.clone(), &mut channel) => r,
        () = shutdown => {
            tracing::info!("stopping: signal");
            Ok(())
        }
        _ = stop.wait_for(|stop| *stop) => {
            tracing::info!("stopping: asked by the control plane");
            Ok(())
        }
    };
    channel.close().await;
    result
}

/// What the session shows beyond its state, carried across updates: a
/// pairing code outlives several QR rotations, and a pairing problem
/// should stay visible until something better happens.
#[derive(Default)]
struct Showing {
    pairing_code: Option<(String, Option<DateTime<Utc>>)>,
    trouble: Option<String>,
}

impl Showing {
    fn update(
        &mut self,
        state: SessionState,
        qr: Option<(String, Option<DateTime<Utc>>)>,
    ) -> SessionUpdate {
        let now = Utc::now();
        if self
            .pairing_code
            .as_ref()
            .is_some_and(|(_, expires)| expires.is_some_and(|at| at <= now))
        {
            self.pairing_code = None;
        }
        let (qr, qr_expires_at) = qr.map_or((None, None), |(code, at)| (Some(code), at));
        let (pairing_code, pairing_code_expires_at) = match &self.pairing_code {
            Some((code, at)) if state == SessionState::QrReady => (Some(code.clone()), *at),
            _ => (None, None),
        };
        SessionUpdate {
            state,
            qr,
            qr_expires_at,
            pairing_code,
            pairing_code_expires_at,
            error: self.trouble.clone(),
        }
    }
}

async fn serve(shared: Arc<Shared>, channel: &mut impl Channel) -> Result<()> {
    let bot = load_config(&shared).await?;
    shared.desired.send_modify(|d| {
        d.paused = bot.config.paused;
        d.config_version = bot.config.config_version;
    });
    shared.config.send_replace(Some(bot));
    let mut retry_sends = tokio::time::interval(Duration::from_secs(2));
    let mut desired = shared.desired.subscribe();
    let mut showing = Showing::default();
    let mut qr: Option<(String, Option<DateTime<Utc>>)> = None;
    // Owner requests already passed to the channel.
    let mut pairing_asked: Option<DateTime<Utc>> = None;
    let mut new_qr_asked: Option<DateTime<Utc>> = None;
    let started = Utc::now();
    loop {
        tokio::select! {
            event = channel.next_event() => {
                let mut next = Some(event?);
                while let Some(event) = next.take() {
                let update = match event {
                    ChannelEvent::Qr { code, expires_at } => {
                        tracing::info!("QR code ready");
                        qr = Some((code, expires_at));
                        Some(showing.update(SessionState::QrReady, qr.clone()))
                    }
                    ChannelEvent::PairingCode { code, expires_at } => {
                        // The code itself is a secret to link the number: not logged.
                        tracing::info!("pairing code ready");
                        showing.pairing_code = Some((code, expires_at));
                        showing.trouble = None;
                        Some(showing.update(SessionState::QrReady, qr.clone()))
                    }
                    ChannelEvent::Trouble(text) => {
                        tracing::warn!(error = %text, "session trouble");
                        showing.trouble = Some(text);
                        let state = shared.session.borrow().state;
                        let qr = qr.clone().filter(|_| state == SessionState::QrReady);
                        Some(showing.update(state, qr))
                    }
                    ChannelEvent::Connected => {
                        tracing::info!("connected");
                        qr = None;
                        showing = Showing::default();
                        shared
                            .session
                            .send_replace(SessionUpdate::state(SessionState::Connected));
                        send_pending(&shared, channel).await;
                        None
                    }
                    ChannelEvent::Disconnected { error, retrying } => {
                        tracing::warn!(%error, retrying, "not connected");
                        qr = None;
                        showing.pairing_code = None;
                        showing.trouble = Some(error);
                        Some(showing.update(SessionState::Disconnected, None))
                    }
                    ChannelEvent::LoggedOut => {
                        tracing::warn!("logged out by the phone");
                        qr = None;
                        showing = Showing::default();
                        Some(SessionUpdate::state(SessionState::LoggedOut))
                    }
                    ChannelEvent::Inbound(first) => {
                        // Take the rest of a burst along; an event of
                        // another kind waits its turn.
                        let mut batch = vec![first];
                        while batch.len() < INBOUND_BATCH {
                            match channel.take_ready() {
                                Some(ChannelEvent::Inbound(message)) => batch.push(message),
                                other => {
                                    next = other;
                                    break;
                                }
                            }
                        }
                        handle_inbound(&shared, channel, &batch).await?;
                        None
                    }
                };
                if let Some(update) = update {
                    // Repeated failures say the same thing: report it once.
                    shared.session.send_if_modified(|current| {
                        let changed = *current != update;
                        *current = update;
                        changed
                    });
                }
                }
            }
            changed = desired.changed() => {
                if changed.is_err() {
                    continue;
                }
                let wanted = desired.borrow_and_update().clone();
                let connected = shared.session.borrow().state == SessionState::Connected;
                if let Some(request) = wanted.pairing.filter(|r| Some(r.requested_at) != pairing_asked) {
                    pairing_asked = Some(request.requested_at);
                    if !connected {
                        tracing::info!("the owner asked for a pairing code");
                        showing.trouble = None;
                        channel.request_pairing_code(&request.phone_number).await?;
                    }
                }
                // A request from before this worker started is answered: it
                // started with fresh codes.
                if let Some(at) = wanted
                    .new_qr_requested_at
                    .filter(|at| *at > started && Some(*at) != new_qr_asked)
                {
                    new_qr_asked = Some(at);
                    if !connected {
                        tracing::info!("the owner asked for new QR codes");
                        channel.renew_qr().await?;
                    }
                }
            }
            _ = retry_sends.tick() => {
                if shared.unsent.load(Ordering::Relaxed)
                    && shared.session.borrow().state == SessionState::Connected
                {
                    send_pending(&shared, channel).await;
                }
            }
        }
    }
}

async fn handle_inbound(
    shared: &Shared,
    channel: &mut impl Channel,
    messages: &[InboundMessage],
) -> Result<()> {
    let bot = shared.config.borrow().clone();
    let Some(bot) = bot else {
        return Err(WorkerError::Protocol("no config".into()));
    };
    let paused = shared.desired.borrow().paused;
    let engine = (!paused).then_some(&bot.engine);
    let recorded = shared.outbox.record_inbound_batch(
        messages,
        &bot.config.phone_number,
        engine,
        Utc::now(),
    )?;
    let mut replies = 0;
    let mut fresh = 0;
    for (message, recorded) in messages.iter().zip(&recorded) {
        tracing::debug!(wa_message_id = %message.wa_message_id, ?recorded, paused, "inbound message");
        if let Recorded::New { replies: n } = recorded {
            fresh += 1;
            replies += n;
        }
    }
    tracing::info!(
        messages = messages.len(),
        fresh,
        replies,
        paused,
        "inbound messages recorded"
    );
    // Safe on disk: the network may forget them now. If this ack is lost
    // they come again and are recognised as duplicates.
    let ids: Vec<String> = messages.iter().map(|m| m.wa_message_id.clone()).collect();
    if let Err(e) = channel.ack(&ids).await {
        tracing::warn!(error = %e, "acknowledging messages; they will be redelivered");
    }
    if replies > 0 {
        send_pending(shared, channel).await;
    }
    if fresh > 0 {
        shared.ship.notify_one();
    }
    Ok(())
}

/// Sends every recorded reply not yet sent. Failures stay in the outbox
/// for the next try, which `unsent` asks for.
async fn send_pending(shared: &Shared, channel: &mut impl Channel) {
    let left = try_send_pending(shared, channel).await;
    shared.unsent.store(left, Ordering::Relaxed);
}

/// [`send_pending`]; whether replies are left to send.
async fn try_send_pending(shared: &Shared, channel: &mut impl Channel) -> bool {
    let pending = match shared.outbox.unsent_replies() {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %e, "reading unsent replies");
            return true;
        }
    };
    let outgoing: Vec<Outgoing> = pending.iter().map(|p| p.message.clone()).collect();
    let mut sent = Vec::with_capacity(pending.len());
    for (reply, result) in pending.iter().zip(channel.send_texts(&outgoing).await) {
        match result {
            Ok(accepted) => sent.push((reply.seq, accepted)),
            Err(e) => {
                tracing::warn!(error = %e, client_id = %reply.message.client_id, "sending a reply; will retry");
            }
        }
    }
    let failed = sent.len() < pending.len();
    if sent.is_empty() {
        return failed;
    }
    match shared.outbox.mark_sent(&sent) {
        Ok(()) => {
            shared.ship.notify_one();
            failed
        }
        Err(e) => {
            tracing::error!(error = %e, "recording sent replies; they will be sent again (the network ignores repeats)");
            true
        }
    }
}

async fn heartbeats(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(shared.settings.heartbeat_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let pid = std::process::id();
    let mut failing = false;
    loop {
        tick.tick().await;
        let outbox_backlog = shared.outbox.backlog().unwrap_or(0);
        let session_state = shared.session.borrow().state;
        let beat = Heartbeat {
            pid,
            session_state,
            outbox_backlog,
        };
        match shared.client.heartbeat(&beat).await {
            Ok(desired) => {
                if failing {
                    tracing::info!("control plane reachable again");
                    failing = false;
                }
                if desired.stop {
                    shared.stop.send_replace(true);
                    return;
                }
                let current = shared.desired.borrow().clone();
                if desired.config_version != current.config_version {
                    match shared.client.config().await.and_then(Bot::build) {
                        Ok(bot) => {
                            tracing::info!(version = desired.config_version, "config changed");
                            shared.config.send_replace(Some(Arc::new(bot)));
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "fetching the new config");
                            continue;
                        }
                    }
                }
                if desired.paused != current.paused {
                    tracing::info!(paused = desired.paused, "pause state changed");
                }
                shared.desired.send_if_modified(|current| {
                    let changed = *current != desired;
                    *current = desired;
                    changed
                });
            }
            Err(e) if e.is_revoked() => {
                tracing::warn!(error = %e, "the control plane refused this worker's token; stopping");
                shared.stop.send_replace(true);
                return;
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "heartbeat failed; serving on");
                    failing = true;
                }
            }
        }
    }
}

/// Reports the latest session state, retrying until the control plane
/// has it; a newer state replaces an older one not yet reported.
async fn report_sessions(shared: Arc<Shared>) {
    let mut updates = shared.session.subscribe();
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        if updates.changed().await.is_err() {
            return;
        }
        loop {
            let update = updates.borrow_and_update().clone();
            match shared.client.session(&update).await {
                Ok(()) => {
                    backoff.reset();
                    break;
                }
                Err(e) if e.is_revoked() => {
                    shared.stop.send_replace(true);
                    return;
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(error = %e, retry_in = ?delay, "reporting session state");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

/// Ships logs whenever some are ready, at least every few seconds.
async fn ship(shared: Arc<Shared>) {
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(10));
    loop {
        tokio::select! {
            () = shared.ship.notified() => {
                // A message's log and its reply's are ready a moment apart:
                // one request for both halves the control plane's work.
                tokio::time::sleep(SHIP_GATHER).await;
            }
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
        loop {
            match ship_once(&shared).await {
                // A short batch took everything that was ready.
                Ok(n) if n < SHIP_BATCH as usize => {
                    backoff.reset();
                    break;
                }
                Ok(_) => backoff.reset(),
                Err(e) if e.is_revoked() => {
                    shared.stop.send_replace(true);
                    return;
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(error = %e, retry_in = ?delay, "shipping message logs");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

async fn ship_all(shared: &Shared) -> Result<()> {
    while ship_once(shared).await? == SHIP_BATCH as usize {}
    Ok(())
}

/// Ships one batch; returns how many logs the control plane took.
async fn ship_once(shared: &Shared) -> Result<usize> {
    let batch = shared.outbox.ready_batch(SHIP_BATCH)?;
    if batch.is_empty() {
        return Ok(0);
    }
    let (seqs, messages): (Vec<i64>, Vec<_>) = batch.into_iter().unzip();
    let ack = shared.client.ship(&MessageBatch { messages }).await?;
    if ack.accepted as usize != seqs.len() {
        return Err(WorkerError::Protocol(format!(
            "control plane accepted {} of {} logs",
            ack.accepted,
            seqs.len()
        )));
    }
    shared.outbox.delete(&seqs)?;
    Ok(seqs.len())
}
