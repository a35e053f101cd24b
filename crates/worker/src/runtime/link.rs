//! The worker's end of the link: one WebSocket to the control plane
//! (`/api/worker/link`), kept up with backoff.
//!
//! Up it go the hello, heartbeats, session changes and log batches; down
//! come the welcome, acknowledgements and commands. Nothing the worker
//! must keep is lost when the link drops: logs stay in the outbox until a
//! `logged` names their batch, and the hello of the next connection
//! carries the session as it is then. Customers are answered whether or
//! not the link is up.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use flowhq_domain::SessionState;
use flowhq_domain::protocol::{
    Command, Commanded, Down, Heartbeat, Receipt, SessionUpdate, TENANT_HEADER, Up, WorkerConfig,
};
use futures_util::{SinkExt, StreamExt};
use http::{HeaderName, HeaderValue};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_websockets::{MaybeTlsStream, Message, WebSocketStream};

use super::{Bot, Shared};
use crate::backoff::Backoff;
use crate::{Result, WorkerError};

/// Logs shipped per frame.
const SHIP_BATCH: u32 = 500;
/// How long shipping waits for more logs after the first is ready: a
/// message's log and its reply's are ready a moment apart, and one frame
/// for both halves the control plane's work.
const SHIP_GATHER: Duration = Duration::from_millis(50);
/// How often the outbox is looked at without being told (logs whose
/// frame was refused, or written while shipping was busy).
const SHIP_EVERY: Duration = Duration::from_secs(5);
/// How long a refused frame waits before it is sent again (the control
/// plane sheds worker traffic when it is busy).
const REFUSED_WAIT: Duration = Duration::from_secs(1);
/// How long the control plane has to welcome a new connection.
const WELCOME_TIMEOUT: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a connection ended.
enum Ended {
    /// The link dropped or the control plane misbehaved: connect again.
    Lost(String),
    /// The worker is stopping and the outbox is shipped (or cannot be).
    Drained,
}

/// Keeps the link up until the worker stops or its token is refused.
pub(super) async fn run(shared: Arc<Shared>) {
    let mut backoff = Backoff::new(Duration::from_millis(200), Duration::from_secs(5));
    let mut draining = shared.draining.subscribe();
    let mut failing = false;
    loop {
        let ended = match connect(&shared).await {
            Ok(socket) => {
                if failing {
                    tracing::info!("control plane reachable again");
                    failing = false;
                }
                backoff.reset();
                serve(&shared, socket).await
            }
            Err(e) if e.is_revoked() => {
                tracing::warn!(error = %e, "the control plane refused this worker's token; stopping");
                shared.stop.send_replace(true);
                return;
            }
            Err(e) => Ended::Lost(e.to_string()),
        };
        match ended {
            Ended::Drained => return,
            Ended::Lost(error) => {
                if !failing {
                    tracing::warn!(%error, "control plane link down; serving on");
                    failing = true;
                }
            }
        }
        if *draining.borrow() {
            return;
        }
        let delay = jittered(backoff.next_delay());
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = until(&mut draining) => return,
        }
    }
}

/// Between half and all of `delay`, so that the workers of a restarted
/// control plane do not all come back in the same instant.
fn jittered(delay: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let seed = nanos ^ std::process::id().wrapping_mul(2_654_435_761);
    delay / 2 + delay.mul_f64(f64::from(seed % 1000) / 2000.0)
}

async fn connect(shared: &Shared) -> Result<Socket> {
    let settings = &shared.settings;
    let base = settings.control_plane_url.trim_end_matches('/');
    let url = match base.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}/api/worker/link"),
        Some((_, rest)) => format!("ws://{rest}/api/worker/link"),
        None => format!("ws://{base}/api/worker/link"),
    };
    let header = |value: &str| {
        HeaderValue::from_str(value).map_err(|e| WorkerError::Protocol(e.to_string()))
    };
    let builder = tokio_websockets::ClientBuilder::new()
        .uri(&url)
        .map_err(|e| WorkerError::Protocol(format!("control plane URL {url}: {e}")))?
        .add_header(
            http::header::AUTHORIZATION,
            header(&format!("Bearer {}", settings.token))?,
        )?
        .add_header(
            HeaderName::from_static(TENANT_HEADER),
            header(&settings.tenant_id.to_string())?,
        )?;
    let (socket, _) = tokio::time::timeout(WELCOME_TIMEOUT, builder.connect())
        .await
        .map_err(|_| WorkerError::Protocol("connecting to the control plane timed out".into()))??;
    Ok(socket)
}

/// One connection, from hello to its end.
async fn serve(shared: &Arc<Shared>, mut socket: Socket) -> Ended {
    let hello = Up::Hello {
        pid: std::process::id(),
        session: shared.session.borrow().clone(),
        outbox_backlog: shared.outbox.backlog().unwrap_or(0),
    };
    // The hello stands for every session change so far.
    let mut session = shared.session.subscribe();
    session.mark_unchanged();
    if let Err(e) = send(&mut socket, &hello).await {
        return Ended::Lost(e);
    }
    match tokio::time::timeout(WELCOME_TIMEOUT, receive(&mut socket)).await {
        Ok(Ok(Down::Welcome {
            desired,
            config,
            sends,
        })) => {
            if desired.stop {
                tracing::info!("the control plane says this worker should not run");
                shared.stop.send_replace(true);
            }
            // The config version stays the one in use until the new config
            // is (apply_config moves it), so that a config that could not
            // be taken in is sent again after the next heartbeat.
            let mut desired = desired;
            desired.config_version = shared.desired.borrow().config_version;
            shared.desired.send_if_modified(|current| {
                let changed = *current != desired;
                *current = desired;
                changed
            });
            if let Err(e) = apply_config(shared, *config) {
                tracing::error!(error = %e, "the control plane's config is unusable");
            }
            // Each send is recorded, then acknowledged like a command, so
            // that the control plane stops offering it.
            for send in sends {
                let error = apply(shared, &send).err();
                if let Some(error) = &error {
                    tracing::warn!(%error, "recording a send");
                }
                if let Err(e) = self::send(&mut socket, &Up::Done { id: send.id, error }).await {
                    return Ended::Lost(e);
                }
            }
        }
        Ok(Ok(other)) => return Ended::Lost(format!("expected a welcome, got {other:?}")),
        Ok(Err(e)) => return Ended::Lost(e),
        Err(_) => return Ended::Lost("no welcome in time".into()),
    }
    tracing::info!("linked to the control plane");
    Connection {
        shared,
        socket,
        next_id: 0,
        shipping: None,
        ship_at: Some(Instant::now()),
        look_again: false,
        session_at: None,
    }
    .run(session)
    .await
}

struct Connection<'a> {
    shared: &'a Arc<Shared>,
    socket: Socket,
    next_id: u64,
    /// The batch on its way: its frame id, the outbox rows it holds and
    /// the receipts riding with it.
    shipping: Option<(u64, Vec<i64>, Vec<Receipt>)>,
    /// When to look into the outbox next.
    ship_at: Option<Instant>,
    /// Logs became ready while a batch was on its way: look again once it
    /// is acknowledged.
    look_again: bool,
    /// The session report that was refused: when to send the session again.
    session_at: Option<Instant>,
}

impl Connection<'_> {
    async fn run(mut self, mut session: tokio::sync::watch::Receiver<SessionUpdate>) -> Ended {
        let shared = self.shared;
        let mut beat = tokio::time::interval(shared.settings.heartbeat_interval);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        beat.reset();
        let mut draining = shared.draining.subscribe();
        let mut drain = false;
        let mut look = tokio::time::interval(SHIP_EVERY);
        look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if drain && self.shipping.is_none() && self.ship_at.is_none() {
                // Everything is shipped: say goodbye.
                let id = self.id();
                let _ = self
                    .up(&Up::Session {
                        id,
                        update: SessionUpdate::state(SessionState::Disconnected),
                    })
                    .await;
                let _ = self.socket.close().await;
                return Ended::Drained;
            }
            let ship_at = self.ship_at;
            let session_at = self.session_at;
            let result = tokio::select! {
                frame = receive(&mut self.socket) => match frame {
                    Ok(frame) => self.down(frame).await,
                    Err(e) => Err(e),
                },
                _ = beat.tick() => self.heartbeat().await,
                changed = session.changed() => match changed {
                    Ok(()) => {
                        let update = session.borrow_and_update().clone();
                        let id = self.id();
                        self.up(&Up::Session { id, update }).await
                    }
                    Err(_) => Ok(()),
                },
                () = shared.ship.notified() => {
                    let soon = Instant::now() + SHIP_GATHER;
                    self.ship_at = Some(self.ship_at.map_or(soon, |at| at.min(soon)));
                    Ok(())
                }
                () = sleep_until(ship_at), if ship_at.is_some() => self.ship().await,
                () = sleep_until(session_at), if session_at.is_some() => {
                    self.session_at = None;
                    let update = shared.session.borrow().clone();
                    let id = self.id();
                    self.up(&Up::Session { id, update }).await
                }
                _ = look.tick(), if ship_at.is_none() && !drain => {
                    self.ship_at = Some(Instant::now());
                    Ok(())
                }
                () = until(&mut draining), if !drain => {
                    drain = true;
                    if self.shipping.is_none() {
                        self.ship_at = Some(Instant::now());
                    }
                    Ok(())
                }
            };
            if let Err(e) = result {
                return Ended::Lost(e);
            }
        }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    async fn up(&mut self, frame: &Up) -> Result<(), String> {
        send(&mut self.socket, frame).await
    }

    async fn heartbeat(&mut self) -> Result<(), String> {
        let shared = self.shared;
        let (paused, config_version, pairing_requested_at, new_qr_requested_at) = {
            let desired = shared.desired.borrow();
            (
                desired.paused,
                desired.config_version,
                desired.pairing.as_ref().map(|p| p.requested_at),
                desired.new_qr_requested_at,
            )
        };
        let beat = Heartbeat {
            pid: std::process::id(),
            session_state: shared.session.borrow().state,
            outbox_backlog: shared.outbox.backlog().unwrap_or(0),
            paused,
            config_version,
            pairing_requested_at,
            new_qr_requested_at,
        };
        self.up(&Up::Heartbeat(beat)).await
    }

    /// Sends the next batch of logs, unless one is already on its way.
    async fn ship(&mut self) -> Result<(), String> {
        self.ship_at = None;
        if self.shipping.is_some() {
            self.look_again = true;
            return Ok(());
        }
        let batch = match self.shared.outbox.ready_batch(SHIP_BATCH) {
            Ok(batch) => batch,
            Err(e) => {
                tracing::error!(error = %e, "reading the outbox");
                return Ok(());
            }
        };
        // Receipts ride only with a batch that empties the backlog: the
        // messages they name are then logged before them.
        let receipts = if batch.len() < SHIP_BATCH as usize {
            self.shared
                .outbox
                .ready_receipts(SHIP_BATCH)
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "reading the outbox's receipts");
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        if batch.is_empty() && receipts.is_empty() {
            return Ok(());
        }
        let (seqs, messages): (Vec<i64>, Vec<_>) = batch.into_iter().unzip();
        // The files customers sent go first, so that the inbox can show
        // them as soon as their messages are logged. One the control plane
        // refuses (over the quota) is not worth holding the logs back for.
        for message in &messages {
            if message.direction == flowhq_domain::Direction::Inbound
                && let Some(file) = &message.media
                && let Err(e) = self.shared.media.hand_over_received(file).await
            {
                tracing::warn!(sha256 = %file.sha256, error = %e, "handing over a received file");
            }
        }
        let id = self.id();
        self.shipping = Some((id, seqs, receipts.clone()));
        self.up(&Up::Messages {
            id,
            messages,
            receipts,
        })
        .await
    }

    async fn down(&mut self, frame: Down) -> Result<(), String> {
        match frame {
            Down::Logged { id, accepted, .. } => {
                let Some((shipped, seqs, receipts)) = self.shipping.take_if(|(s, ..)| *s == id)
                else {
                    return Ok(());
                };
                debug_assert_eq!(shipped, id);
                if accepted as usize != seqs.len() {
                    return Err(format!(
                        "control plane accepted {accepted} of {} logs",
                        seqs.len()
                    ));
                }
                if let Err(e) = self.shared.outbox.forget_shipped(&seqs, &receipts) {
                    // Shipped again later; the control plane ignores repeats.
                    tracing::error!(error = %e, "forgetting shipped logs and receipts");
                }
                if seqs.len() == SHIP_BATCH as usize
                    || receipts.len() == SHIP_BATCH as usize
                    || std::mem::take(&mut self.look_again)
                {
                    // A full batch (more may be waiting), or logs became
                    // ready while it was on its way.
                    self.ship_at = Some(Instant::now());
                }
                Ok(())
            }
            Down::Refused { id, error } => {
                // The control plane is busy or its database away: the same
                // again in a moment (a session report as the session is then).
                tracing::debug!(id, %error, "the control plane refused a frame; sending it again");
                let again = Instant::now() + jittered(REFUSED_WAIT);
                if self
                    .shipping
                    .as_ref()
                    .is_some_and(|(shipped, ..)| *shipped == id)
                {
                    self.shipping = None;
                    self.ship_at = Some(again);
                } else {
                    self.session_at = Some(again);
                }
                Ok(())
            }
            Down::Ack { .. } => Ok(()),
            Down::Command(commanded) => {
                let error = apply(self.shared, &commanded).err();
                if let Some(error) = &error {
                    tracing::warn!(%error, "a command could not be applied");
                }
                self.up(&Up::Done {
                    id: commanded.id,
                    error,
                })
                .await
            }
            Down::Welcome { .. } => Err("a second welcome".into()),
        }
    }
}

/// Resolves once `flag` is set (the returned guard is not `Send`, so it is
/// dropped here rather than held by a `select!`).
async fn until(flag: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = flag.wait_for(|set| *set).await;
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn send(socket: &mut Socket, frame: &Up) -> Result<(), String> {
    let text = serde_json::to_string(frame).map_err(|e| e.to_string())?;
    socket
        .send(Message::text(text))
        .await
        .map_err(|e| e.to_string())
}

/// The next data frame from the control plane.
async fn receive(socket: &mut Socket) -> Result<Down, String> {
    loop {
        let message = match socket.next().await {
            None => return Err("the control plane closed the link".into()),
            Some(Err(e)) => return Err(e.to_string()),
            Some(Ok(message)) => message,
        };
        if message.is_close() {
            return Err("the control plane closed the link".into());
        }
        if let Some(text) = message.as_text() {
            return serde_json::from_str(text).map_err(|e| format!("unreadable frame: {e}"));
        }
        // Pings are answered by the library; pongs carry nothing.
    }
}

/// Applies a command; the error says why it could not be.
pub(super) fn apply(shared: &Shared, commanded: &Commanded) -> Result<(), String> {
    match &commanded.command {
        Command::Pause | Command::Resume => {
            let paused = commanded.command == Command::Pause;
            // In effect for every message handled from here on, before the
            // control plane hears that it is.
            let changed = shared.desired.send_if_modified(|d| {
                let changed = d.paused != paused;
                d.paused = paused;
                changed
            });
            if changed {
                tracing::info!(paused, "pause state changed");
                // Remembered with the saved config, so that a start without
                // the control plane keeps to it.
                let saved = shared
                    .config
                    .borrow()
                    .as_ref()
                    .map(|bot| bot.config.clone());
                if let Some(mut config) = saved {
                    config.paused = paused;
                    save_config(shared, &config);
                }
            }
            Ok(())
        }
        Command::Config { config } => {
            apply_config(shared, (**config).clone()).map_err(|e| e.to_string())
        }
        Command::Stop => {
            tracing::info!("the control plane asks this worker to stop");
            shared.stop.send_replace(true);
            Ok(())
        }
        Command::RequestPairingCode { request } => {
            shared
                .desired
                .send_modify(|d| d.pairing = Some(request.clone()));
            Ok(())
        }
        Command::RefreshQr { requested_at } => {
            shared
                .desired
                .send_modify(|d| d.new_qr_requested_at = Some(*requested_at));
            Ok(())
        }
        Command::Send {
            to,
            text,
            media,
            by_person,
        } => {
            let bot = shared.config.borrow().clone().ok_or("no config yet")?;
            let fresh = shared
                .outbox
                .record_send(
                    &commanded.id,
                    &bot.config.phone_number,
                    to,
                    text,
                    media.as_ref(),
                    by_person.then_some(&bot.engine),
                    Utc::now(),
                )
                .map_err(|e| e.to_string())?;
            if fresh {
                shared.unsent.store(true, Ordering::Relaxed);
                shared.send_now.notify_one();
            }
            Ok(())
        }
        Command::Resolve { contact, at } => {
            let bot = shared.config.borrow().clone().ok_or("no config yet")?;
            shared
                .outbox
                .resolve(contact, &bot.engine, *at)
                .map_err(|e| e.to_string())
        }
    }
}

/// Takes a config from the control plane into use, and keeps a copy for a
/// start without it (best effort: a disk that refuses the copy does not
/// keep the new config from answering customers).
pub(super) fn apply_config(shared: &Shared, config: WorkerConfig) -> Result<()> {
    let version = config.config_version;
    if shared.desired.borrow().config_version == version && shared.config.borrow().is_some() {
        return Ok(());
    }
    let bot = Bot::build(config)?;
    save_config(shared, &bot.config);
    shared.config.send_replace(Some(Arc::new(bot)));
    shared.desired.send_modify(|d| d.config_version = version);
    tracing::info!(version, "config in use");
    Ok(())
}

/// Keeps `config` for a start without the control plane (best effort: a
/// disk that refuses the copy does not keep the worker from answering).
fn save_config(shared: &Shared, config: &WorkerConfig) {
    let path = shared.settings.state_dir().join("config.json");
    let tmp = path.with_extension("tmp");
    let copy = serde_json::to_vec(config).unwrap_or_default();
    if let Err(e) = std::fs::write(&tmp, copy).and_then(|()| std::fs::rename(&tmp, &path)) {
        tracing::warn!(error = %e, "saving the config for a start without the control plane");
    }
}
