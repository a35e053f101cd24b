//! The real channel: WhatsApp Web's multi-device protocol through the
//! `whatsapp-rust` crate.
//!
//! One library session (a `Bot`) runs at a time. Its events come through
//! an event handler and its messages through the inbound durability hook,
//! both into one queue that [`Channel::next_event`] reads. The hook holds
//! WhatsApp's acknowledgement of a message until the runtime has it in the
//! outbox and calls [`Channel::ack`]: a crash in between means WhatsApp
//! delivers it again, never that it is lost.
//!
//! The library reconnects by itself (Fibonacci backoff up to 15 minutes)
//! and stops for good on a logout, a ban, an outdated client or when the QR
//! codes run out. A logout clears the credentials and starts a new session
//! (new QR codes) at once; the others wait for the owner or operator.
//!
//! Files customers send in direct chats are downloaded inside the hook,
//! before the message reaches the runtime: the runtime stores the message
//! with its file, and a download that fails leaves the message without it
//! rather than losing it ([`media`]).

pub mod credentials;
pub mod events;
pub mod media;
pub mod messages;
mod transport;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use whatsapp_rust::bot::{Bot, BotHandle};
use whatsapp_rust::pair_code::PairCodeOptions;
use whatsapp_rust::send::SendOptions;
use whatsapp_rust::store::SqliteStore;
use whatsapp_rust::types::events::{Event, EventHandler, InboundMessage as WaInbound};
use whatsapp_rust::wacore::proto_helpers::MessageBuilderExt;
use whatsapp_rust::waproto::whatsapp as wa;
use whatsapp_rust::{Client, InboundDurabilityHook, Jid, UploadOptions, async_trait};

use super::{Channel, ChannelEvent, ChatKind, InboundMessage, Sent};
use crate::media::{MediaBytes, MediaCache};
use crate::{Result, WorkerError};

/// WhatsApp Web's websocket.
pub const DEFAULT_URL: &str = "wss://web.whatsapp.com/ws/chat";

/// How long the durability hook waits for the runtime to store a message
/// before giving up on it (WhatsApp then delivers it again). Long enough
/// for a busy outbox, short enough that a stuck runtime does not hold the
/// library's receive pipeline for long.
const ACK_WAIT: Duration = Duration::from_secs(15);

/// How long a pairing-code request waits for the connection to WhatsApp.
const SOCKET_WAIT: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct WhatsappWebSettings {
    /// The worker's state dir; the credentials store lives in it.
    pub state_dir: PathBuf,
    /// The websocket to dial: WhatsApp's, or a relay (or a closed local
    /// port, in the tests).
    pub url: String,
    /// Pins WhatsApp Web's version instead of asking web.whatsapp.com for
    /// the current one.
    pub version: Option<(u32, u32, u32)>,
    /// Where the files customers send are kept.
    pub media: Arc<MediaCache>,
}

/// What the library's side hands to the channel.
pub enum Bridged {
    Event(ChannelEvent),
    /// A message, and the hook waiting to acknowledge it to WhatsApp
    /// (`None` for messages WhatsApp acknowledges by itself).
    Inbound(InboundMessage, Option<oneshot::Sender<()>>),
}

/// A running library session.
struct Session {
    client: Arc<Client>,
    handle: BotHandle,
}

pub struct WhatsappWebChannel {
    settings: WhatsappWebSettings,
    tx: UnboundedSender<Bridged>,
    rx: UnboundedReceiver<Bridged>,
    session: Option<Session>,
    /// A session being started (and the last one stopped) in a task of its
    /// own: `next_event` is raced against other work and may be dropped
    /// at any await, which must never leave a half-built session behind.
    starting: Option<JoinHandle<Result<Session>>>,
    /// Start a session when none runs: at first, and after a logout.
    want_session: bool,
    /// The session to stop before the next starts (after a logout).
    retiring: Option<Session>,
    /// Forget the credentials before the next session starts.
    clear_credentials: bool,
    /// A pairing code asked for while no session ran yet.
    pairing_for: Option<String>,
    linked: bool,
    /// The QR codes ran out while a pairing code kept the socket up.
    qr_exhausted: bool,
    /// The library stopped for a reason already reported; its end is no news.
    ended_with_reason: bool,
    acks: HashMap<String, oneshot::Sender<()>>,
}

impl WhatsappWebChannel {
    pub fn new(settings: WhatsappWebSettings) -> Self {
        let (tx, rx) = unbounded_channel();
        Self {
            settings,
            tx,
            rx,
            session: None,
            starting: None,
            want_session: true,
            retiring: None,
            clear_credentials: false,
            pairing_for: None,
            linked: false,
            qr_exhausted: false,
            ended_with_reason: false,
            acks: HashMap::new(),
        }
    }

    /// Starts a session in the background unless one runs or is starting.
    fn begin_start(&mut self) {
        if self.session.is_some() || self.starting.is_some() {
            return;
        }
        self.want_session = false;
        self.linked = false;
        self.qr_exhausted = false;
        self.ended_with_reason = false;
        self.starting = Some(tokio::spawn(start(
            self.settings.clone(),
            self.tx.clone(),
            self.retiring.take(),
            std::mem::take(&mut self.clear_credentials),
        )));
    }

    /// Stops the running (or starting) session, flushing what it holds.
    async fn stop(&mut self) {
        let mut sessions: Vec<Session> = self.session.take().into_iter().collect();
        sessions.extend(self.retiring.take());
        if let Some(starting) = self.starting.take()
            && let Ok(Ok(Ok(session))) =
                tokio::time::timeout(Duration::from_secs(10), starting).await
        {
            sessions.push(session);
        }
        for session in sessions {
            shut_down(session).await;
        }
        self.linked = false;
        // Messages not stored by now come again on the next connection.
        self.acks.clear();
    }

    /// Notes what an event means for this channel's own bookkeeping.
    fn absorb(&mut self, event: &ChannelEvent) {
        match event {
            ChannelEvent::Connected => {
                self.linked = true;
                self.qr_exhausted = false;
            }
            ChannelEvent::Qr { .. } => self.linked = false,
            ChannelEvent::Disconnected { retrying, error } => {
                self.linked = false;
                if !retrying {
                    self.ended_with_reason = true;
                    self.qr_exhausted = error.contains("QR codes ran out");
                }
            }
            ChannelEvent::LoggedOut => {
                // The credentials are void: the next session (started at
                // once) stops this one and forgets them first.
                self.linked = false;
                self.retiring = self.session.take();
                self.clear_credentials = true;
                self.want_session = true;
                self.acks.clear();
            }
            _ => {}
        }
    }

    /// The client to send with and where a reply to `to` goes.
    fn reply_target(&self, to: &str) -> Result<(Arc<Client>, Jid)> {
        let client = match &self.session {
            Some(session) if self.linked => session.client.clone(),
            _ => return Err(WorkerError::Channel("not connected to WhatsApp".into())),
        };
        let jid = messages::reply_jid(to)
            .ok_or_else(|| WorkerError::Channel(format!("cannot address a reply to {to:?}")))?;
        Ok((client, jid))
    }

    fn ask_pairing_code(&self, session: &Session, phone_number: &str) {
        let client = session.client.clone();
        let tx = self.tx.clone();
        let options = PairCodeOptions {
            phone_number: phone_number.trim_start_matches('+').to_owned(),
            ..Default::default()
        };
        // The code arrives as an event (`PairingCode`, or `PairingCodeError`
        // on failure); only a socket that never came is reported here.
        tokio::spawn(async move {
            if let Err(e) = client.wait_for_socket(SOCKET_WAIT).await {
                let _ = tx.send(Bridged::Event(ChannelEvent::Trouble(format!(
                    "no pairing code: not connected to WhatsApp ({e})"
                ))));
                return;
            }
            if client.is_logged_in() {
                return;
            }
            if let Err(e) = client.pair_with_code(options).await {
                tracing::warn!(error = %e, "requesting a pairing code");
            }
        });
    }
}

/// Stops `previous` (after a logout), forgets the credentials when asked,
/// then opens the store and starts the library.
async fn start(
    settings: WhatsappWebSettings,
    tx: UnboundedSender<Bridged>,
    previous: Option<Session>,
    clear_credentials: bool,
) -> Result<Session> {
    if let Some(previous) = previous {
        shut_down(previous).await;
    }
    if clear_credentials {
        credentials::clear(&settings.state_dir)?;
        tracing::info!("WhatsApp credentials cleared after the logout");
    }
    let path = credentials::store_path(&settings.state_dir);
    if credentials::saved(&settings.state_dir) {
        tracing::info!("reconnecting with saved WhatsApp credentials");
    } else {
        tracing::info!("no saved WhatsApp credentials: linking anew");
    }
    let store = SqliteStore::new(&path.to_string_lossy())
        .await
        .map_err(|e| WorkerError::Channel(format!("opening {}: {e}", path.display())))?;
    let mut builder = Bot::builder()
        .with_backend(store)
        .with_transport_factory(transport::ObservedTransport::new(&settings.url, tx.clone()))
        .with_event_handler(Bridge { tx: tx.clone() })
        .with_inbound_durability_hook(Durability {
            tx,
            media: settings.media.clone(),
        })
        // The bot answers what comes; old chats would only cost memory.
        .skip_history_sync();
    if let Some(version) = settings.version {
        builder = builder.with_version(version);
    }
    let bot = builder
        .build()
        .await
        .map_err(|e| WorkerError::Channel(format!("starting the WhatsApp client: {e}")))?;
    Ok(Session {
        client: bot.client(),
        handle: bot.spawn(),
    })
}

/// Sends `message` under the WhatsApp id derived from `client_id`.
async fn send(client: &Client, jid: Jid, client_id: &str, message: wa::Message) -> Result<Sent> {
    let options = SendOptions::default().with_message_id(messages::message_id_for(client_id));
    let sent = client
        .send_message_with_options(jid, message, options)
        .await
        .map_err(|e| WorkerError::Channel(format!("sending: {e}")))?;
    Ok(Sent {
        wa_message_id: sent.message_id,
        sent_at: Utc::now(),
    })
}

async fn shut_down(session: Session) {
    drop(session.client);
    if tokio::time::timeout(Duration::from_secs(10), session.handle.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("the WhatsApp client did not stop in time");
    }
}

/// Resolves when the session's run loop ends; never without a session.
async fn ended(session: &mut Option<Session>) {
    match session {
        Some(session) => (&mut session.handle).await,
        None => std::future::pending().await,
    }
}

/// Resolves when the session being started is ready (or failed).
async fn started(
    starting: &mut Option<JoinHandle<Result<Session>>>,
) -> std::result::Result<Result<Session>, tokio::task::JoinError> {
    match starting {
        Some(handle) => handle.await,
        None => std::future::pending().await,
    }
}

#[async_trait]
impl Channel for WhatsappWebChannel {
    async fn next_event(&mut self) -> Result<ChannelEvent> {
        loop {
            if self.want_session {
                self.begin_start();
            }
            tokio::select! {
                // Queued events first: they explain why a session ended.
                biased;
                item = self.rx.recv() => {
                    let Some(item) = item else {
                        return Err(WorkerError::Channel("the WhatsApp event queue closed".into()));
                    };
                    match item {
                        Bridged::Event(event) => {
                            self.absorb(&event);
                            return Ok(event);
                        }
                        Bridged::Inbound(message, ack) => {
                            if let Some(ack) = ack {
                                self.acks.insert(message.wa_message_id.clone(), ack);
                            }
                            return Ok(ChannelEvent::Inbound(message));
                        }
                    }
                }
                result = started(&mut self.starting) => {
                    self.starting = None;
                    let session = result
                        .map_err(|e| WorkerError::Channel(format!("starting the WhatsApp client: {e}")))??;
                    if let Some(number) = self.pairing_for.take() {
                        self.ask_pairing_code(&session, &number);
                    }
                    self.session = Some(session);
                }
                () = ended(&mut self.session) => {
                    self.session = None;
                    self.linked = false;
                    if !self.ended_with_reason && !self.want_session {
                        return Ok(ChannelEvent::Disconnected {
                            error: "the WhatsApp session ended; ask for new QR codes to start \
                                    again"
                                .into(),
                            retrying: false,
                        });
                    }
                }
            }
        }
    }

    async fn ack(&mut self, wa_message_ids: &[String]) -> Result<()> {
        for id in wa_message_ids {
            if let Some(ack) = self.acks.remove(id) {
                // The hook may have given up waiting; then WhatsApp
                // redelivers and the outbox recognises the message.
                let _ = ack.send(());
            }
        }
        Ok(())
    }

    async fn send_text(&mut self, client_id: &str, to: &str, text: &str) -> Result<Sent> {
        let (client, jid) = self.reply_target(to)?;
        send(&client, jid, client_id, wa::Message::text(text)).await
    }

    async fn send_media(
        &mut self,
        client_id: &str,
        to: &str,
        caption: &str,
        media: &MediaBytes,
    ) -> Result<Sent> {
        // Checked before the upload: nothing goes up for a reply that
        // cannot be sent.
        let (client, jid) = self.reply_target(to)?;
        let uploaded = client
            .upload(
                media.bytes.to_vec(),
                media::upload_type(&media.mime),
                UploadOptions::default(),
            )
            .await
            .map_err(|e| WorkerError::Channel(format!("uploading {}: {e:#}", media.file_name)))?;
        let message = media::outgoing(uploaded.into(), caption, media);
        send(&client, jid, client_id, message).await
    }

    async fn request_pairing_code(&mut self, phone_number: &str) -> Result<()> {
        if self.linked {
            return Ok(());
        }
        match &self.session {
            Some(session) => self.ask_pairing_code(session, phone_number),
            None => {
                // Asked once the session is up.
                self.pairing_for = Some(phone_number.to_owned());
                self.begin_start();
            }
        }
        Ok(())
    }

    async fn renew_qr(&mut self) -> Result<()> {
        match &self.session {
            None => {
                tracing::info!("starting a new WhatsApp session for new QR codes");
                self.begin_start();
                Ok(())
            }
            Some(session) if self.qr_exhausted && !self.linked => {
                // Still connected for a pairing code: a fresh connection
                // brings fresh QR codes.
                self.qr_exhausted = false;
                session.client.reconnect().await;
                Ok(())
            }
            Some(_) => Ok(()),
        }
    }

    async fn close(&mut self) {
        self.stop().await;
    }
}

/// Library events into the channel's queue. Called synchronously by the
/// library's event bus: it only maps and queues.
struct Bridge {
    tx: UnboundedSender<Bridged>,
}

impl EventHandler for Bridge {
    fn handle_event(&self, event: Arc<Event>) {
        if let Event::Messages(batch) = &*event {
            // Committed batches came through the hook already; the rest
            // (newsletters, recovered messages) WhatsApp acknowledged. This
            // handler cannot wait for a download: their files are left out.
            if !batch.hook_committed {
                for m in batch.iter() {
                    if let Some(message) = messages::inbound(&m.message, &m.info, None) {
                        let _ = self.tx.send(Bridged::Inbound(message, None));
                    }
                }
            }
            return;
        }
        if let Some(mapped) = events::map(&event, Utc::now()) {
            let _ = self.tx.send(Bridged::Event(mapped));
        }
    }
}

/// Holds WhatsApp's acknowledgement of each message until the runtime
/// stored it (see the module docs).
struct Durability {
    tx: UnboundedSender<Bridged>,
    media: Arc<MediaCache>,
}

#[async_trait]
impl InboundDurabilityHook for Durability {
    async fn on_messages(
        &self,
        client: Arc<Client>,
        batch: &[WaInbound],
    ) -> whatsapp_rust::anyhow::Result<()> {
        let mut stored = Vec::with_capacity(batch.len());
        for m in batch {
            let known_phone = match messages::hidden_id_to_resolve(&m.info) {
                Some(jid) => client
                    .get_lid_pn_entry(&jid)
                    .await
                    .ok()
                    .flatten()
                    .map(|entry| entry.phone_number.to_string()),
                None => None,
            };
            let Some(mut message) = messages::inbound(&m.message, &m.info, known_phone.as_deref())
            else {
                continue;
            };
            // Only direct chats: the files of groups and status updates,
            // which the bot never answers, would only fill the disk.
            if message.kind == ChatKind::Direct {
                match media::fetch(&client, &self.media, &m.message).await {
                    Ok(kept) => message.media = kept,
                    Err(e) => tracing::warn!(
                        wa_message_id = %message.wa_message_id,
                        error = %e,
                        "a received file was not kept; the message goes on without it"
                    ),
                }
            }
            let (ack, done) = oneshot::channel();
            self.tx
                .send(Bridged::Inbound(message, Some(ack)))
                .map_err(|_| whatsapp_rust::anyhow::anyhow!("the worker is stopping"))?;
            stored.push(done);
        }
        let all = async {
            for done in stored {
                done.await?;
            }
            Ok::<_, oneshot::error::RecvError>(())
        };
        match tokio::time::timeout(ACK_WAIT, all).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(whatsapp_rust::anyhow::anyhow!(
                "not stored in time; WhatsApp will deliver it again"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_port_is_reported_as_unreachable_and_the_store_is_in_the_state_dir() {
        let dir = tempfile::tempdir().unwrap();
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("ws://{}/ws/chat", closed.local_addr().unwrap());
        drop(closed);
        let mut channel = WhatsappWebChannel::new(WhatsappWebSettings {
            state_dir: dir.path().to_owned(),
            url: url.clone(),
            // Pinned: nothing asks web.whatsapp.com.
            version: Some((2, 3000, 1_000_000_000)),
            media: Arc::new(MediaCache::new(
                dir.path().join("media"),
                crate::client::ControlPlane::new(
                    "http://127.0.0.1:9",
                    flowhq_domain::TenantId::new(),
                    "token",
                )
                .unwrap(),
            )),
        });
        let event = tokio::time::timeout(Duration::from_secs(30), channel.next_event())
            .await
            .expect("an event in time")
            .unwrap();
        match event {
            ChannelEvent::Disconnected { error, retrying } => {
                assert!(retrying);
                assert!(error.starts_with("cannot reach WhatsApp at "), "{error}");
                assert!(error.contains(&url), "{error}");
            }
            other => panic!("expected Disconnected, got {other:?}"),
        }
        assert!(credentials::saved(dir.path()));
        let err = channel.send_text("m:0", "+5511912345678", "hi").await;
        assert!(matches!(err, Err(WorkerError::Channel(_))), "{err:?}");
        let menu = MediaBytes {
            file_name: "menu.pdf".into(),
            mime: "application/pdf".into(),
            bytes: Arc::new(b"%PDF-1.7".to_vec()),
        };
        let err = channel
            .send_media("m:1", "+5511912345678", "menu", &menu)
            .await;
        assert!(matches!(err, Err(WorkerError::Channel(_))), "{err:?}");
        channel.close().await;
    }
}
