//! The worker's main loop, and the link to the control plane ([`link`]) as
//! a task of its own, so that a slow or absent control plane never holds
//! up answering customers.

mod events;
mod link;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use flowhq_domain::SessionState;
use flowhq_domain::bot::{BotConfig, BotSettings};
use flowhq_domain::calendar::Calendar;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::protocol::{DesiredState, Receipt, SessionUpdate, WorkerConfig};
use tokio::sync::{Notify, watch};

use self::events::{Action, Decider, Event};
use crate::channel::simulator::SimulatorChannel;
use crate::channel::whatsapp_web::{WhatsappWebChannel, WhatsappWebSettings};
use crate::channel::{Channel, ChannelEvent, InboundMessage, Outgoing};
use crate::client::ControlPlane;
use crate::media::MediaCache;
use crate::outbox::{Outbox, Recorded};
use crate::{ChannelChoice, Result, WorkerError, WorkerSettings};

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
        let settings = BotSettings {
            template: config.template_type,
            business_name: &config.business_name,
            language: config.language,
            overrides: &config.overrides,
            facts: &config.facts,
            menu: config.menu.as_deref(),
        };
        let engine = BotConfig::build(settings, hours)
            .map_err(|e| WorkerError::Protocol(format!("config: {e}")))?
            // Checked against each other when they were stored.
            .with_calendar(Calendar {
                closures: config.closures.clone(),
                special_hours: config.special_hours.clone(),
            })
            .with_assistant_off(config.assistant_off.iter().cloned());
        Ok(Self { config, engine })
    }
}

struct Shared {
    outbox: Outbox,
    /// Files received and files to send.
    media: Arc<MediaCache>,
    settings: WorkerSettings,
    session: watch::Sender<SessionUpdate>,
    desired: watch::Sender<DesiredState>,
    config: watch::Sender<Option<Arc<Bot>>>,
    /// Logs are ready to ship.
    ship: Notify,
    /// A send command was recorded: send what waits now.
    send_now: Notify,
    /// Replies are waiting for a retry: the last attempt left some unsent.
    /// Idle workers then skip the periodic look into the outbox.
    unsent: AtomicBool,
    stop: watch::Sender<bool>,
    /// The worker is stopping: the link ships what it can and says goodbye.
    draining: watch::Sender<bool>,
}

impl Shared {
    fn open(settings: &WorkerSettings) -> Result<Self> {
        let outbox = Outbox::open(&settings.state_dir().join("outbox.db"))?;
        outbox.prune(Utc::now())?;
        let control_plane = ControlPlane::new(
            &settings.control_plane_url,
            settings.tenant_id,
            &settings.token,
        )?;
        Ok(Self {
            outbox,
            media: Arc::new(MediaCache::new(
                settings.state_dir().join("media"),
                control_plane,
            )),
            settings: settings.clone(),
            session: watch::channel(SessionUpdate::state(SessionState::Connecting)).0,
            desired: watch::channel(DesiredState::default()).0,
            config: watch::channel(None).0,
            ship: Notify::new(),
            send_now: Notify::new(),
            // A worker that crashed may have left replies unsent.
            unsent: AtomicBool::new(true),
            stop: watch::channel(false).0,
            draining: watch::channel(false).0,
        })
    }
}

/// Runs the worker until `shutdown` resolves (SIGTERM), the control plane
/// asks it to stop, or its token is revoked.
pub async fn run(settings: WorkerSettings, shutdown: impl Future<Output = ()>) -> Result<()> {
    let dir = settings.state_dir();
    tokio::fs::create_dir_all(&dir).await?;
    let shared = Arc::new(Shared::open(&settings)?);
    tracing::info!(tenant_id = %settings.tenant_id, pid = std::process::id(), "worker starting");

    let link = tokio::spawn(link::run(shared.clone()));
    let result = match &settings.channel {
        ChannelChoice::Simulator => {
            let network = ControlPlane::new(
                settings
                    .sim_url
                    .as_deref()
                    .unwrap_or(&settings.control_plane_url),
                settings.tenant_id,
                &settings.token,
            )?;
            let channel =
                SimulatorChannel::new(network, dir.join("sim-credentials"), shared.media.clone());
            drive(&shared, channel, shutdown).await
        }
        ChannelChoice::WhatsappWeb { url, version } => {
            let channel = WhatsappWebChannel::new(WhatsappWebSettings {
                state_dir: dir.clone(),
                url: url.clone(),
                version: *version,
                media: shared.media.clone(),
            });
            drive(&shared, channel, shutdown).await
        }
    };
    // A last chance to ship what is waiting and say goodbye; whatever
    // remains stays in the outbox for the next start.
    shared.draining.send_replace(true);
    let abort = link.abort_handle();
    if tokio::time::timeout(Duration::from_secs(3), link)
        .await
        .is_err()
    {
        abort.abort();
    }
    tracing::info!("worker stopped");
    result
}

/// The config the link's welcome brings, else (the control plane cannot
/// be reached) the copy saved last time, else the welcome however long
/// it takes.
async fn load_config(shared: &Shared) -> Result<Arc<Bot>> {
    let mut config = shared.config.subscribe();
    let welcome = tokio::time::timeout(Duration::from_secs(3), async {
        config
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|bot| bot.clone())
    })
    .await;
    if let Ok(Some(bot)) = welcome {
        return Ok(bot);
    }
    let path = shared.settings.state_dir().join("config.json");
    if let Ok(saved) = tokio::fs::read(&path).await
        && let Ok(saved) = serde_json::from_slice::<WorkerConfig>(&saved)
    {
        tracing::warn!("control plane unreachable; using the saved config");
        let bot = Arc::new(Bot::build(saved)?);
        // Only while nothing newer came from the link meanwhile: a welcome
        // or an acknowledged pause must not be undone by the saved copy.
        let taken = shared.config.send_if_modified(|current| {
            let unset = current.is_none();
            if unset {
                *current = Some(bot.clone());
            }
            unset
        });
        if taken {
            shared.desired.send_modify(|d| {
                d.paused = bot.config.paused;
                d.config_version = bot.config.config_version;
            });
            return Ok(bot);
        }
    }
    tracing::warn!("waiting for the control plane's config");
    let bot = config
        .wait_for(Option::is_some)
        .await
        .map_err(|_| WorkerError::Protocol("no config".into()))?
        .clone();
    bot.ok_or_else(|| WorkerError::Protocol("no config".into()))
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

async fn serve(shared: Arc<Shared>, channel: &mut impl Channel) -> Result<()> {
    load_config(&shared).await?;
    let mut retry_sends = tokio::time::interval(Duration::from_secs(2));
    let mut desired = shared.desired.subscribe();
    let mut decider = Decider::new(Utc::now());
    loop {
        let event = tokio::select! {
            event = channel.next_event() => event?,
            changed = desired.changed() => {
                if changed.is_err() {
                    continue;
                }
                let wanted = desired.borrow_and_update().clone();
                act(&shared, channel, decider.on_event(Event::Desired(wanted), Utc::now())).await?;
                continue;
            }
            () = shared.send_now.notified() => {
                if decider.state() == SessionState::Connected {
                    send_pending(&shared, channel).await;
                }
                continue;
            }
            // Only with replies waiting: each tick cancels the channel's
            // long poll, which must otherwise run its course.
            _ = retry_sends.tick(), if shared.unsent.load(Ordering::Relaxed) => {
                if shared.unsent.load(Ordering::Relaxed)
                    && decider.state() == SessionState::Connected
                {
                    send_pending(&shared, channel).await;
                }
                continue;
            }
        };
        let mut next = Some(event);
        while let Some(event) = next.take() {
            let event = match event {
                ChannelEvent::Inbound(first) => {
                    // Take the rest of a burst along, and the receipts that
                    // came with it (one commit for all); an event of another
                    // kind waits its turn.
                    let mut batch = vec![first];
                    let mut receipts = Vec::new();
                    while batch.len() < INBOUND_BATCH {
                        match channel.take_ready() {
                            Some(ChannelEvent::Inbound(message)) => batch.push(message),
                            Some(ChannelEvent::Receipts(more)) => receipts.extend(more),
                            other => {
                                next = other;
                                break;
                            }
                        }
                    }
                    handle_inbound(&shared, channel, &batch, &receipts).await?;
                    continue;
                }
                ChannelEvent::Receipts(receipts) => {
                    // Kept before the channel hears of them again (its next
                    // poll acknowledges them), then shipped with the logs.
                    shared.outbox.record_receipts(&receipts)?;
                    shared.ship.notify_one();
                    next = channel.take_ready();
                    continue;
                }
                other => other,
            };
            log_channel_event(&event);
            act(
                &shared,
                channel,
                decider.on_event(Event::Channel(event), Utc::now()),
            )
            .await?;
        }
    }
}

fn log_channel_event(event: &ChannelEvent) {
    match event {
        ChannelEvent::Qr { .. } => tracing::info!("QR code ready"),
        // The code itself is a secret to link the number: not logged.
        ChannelEvent::PairingCode { .. } => tracing::info!("pairing code ready"),
        ChannelEvent::Trouble(text) => tracing::warn!(error = %text, "session trouble"),
        ChannelEvent::Connected => tracing::info!("connected"),
        ChannelEvent::Disconnected { error, retrying } => {
            tracing::warn!(%error, retrying, "not connected");
        }
        ChannelEvent::LoggedOut => tracing::warn!("logged out by the phone"),
        ChannelEvent::Inbound(_) | ChannelEvent::Receipts(_) => {}
    }
}

/// Carries out what the [`Decider`] decided.
async fn act(shared: &Shared, channel: &mut impl Channel, actions: Vec<Action>) -> Result<()> {
    for action in actions {
        match action {
            Action::Report(update) => {
                // Repeated failures say the same thing: report it once.
                shared.session.send_if_modified(|current| {
                    let changed = *current != update;
                    *current = update;
                    changed
                });
            }
            Action::SendPending => send_pending(shared, channel).await,
            Action::RequestPairingCode(phone_number) => {
                tracing::info!("the owner asked for a pairing code");
                channel.request_pairing_code(&phone_number).await?;
            }
            Action::RenewQr => {
                tracing::info!("the owner asked for new QR codes");
                channel.renew_qr().await?;
            }
        }
    }
    Ok(())
}

async fn handle_inbound(
    shared: &Shared,
    channel: &mut impl Channel,
    messages: &[InboundMessage],
    receipts: &[Receipt],
) -> Result<()> {
    let bot = shared.config.borrow().clone();
    let Some(bot) = bot else {
        return Err(WorkerError::Protocol("no config".into()));
    };
    let paused = shared.desired.borrow().paused;
    let engine = (!paused).then_some(&bot.engine);
    let recorded = shared.outbox.record_inbound_batch(
        messages,
        receipts,
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
    if fresh > 0 || !receipts.is_empty() {
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
    let mut outgoing: Vec<Outgoing> = Vec::with_capacity(pending.len());
    for reply in &pending {
        let mut message = reply.message.clone();
        if let Some(attachment) = &reply.attachment {
            match shared.media.bytes(attachment).await {
                Ok(bytes) => message.media = Some(bytes),
                Err(e) => {
                    // In order or not at all: what follows waits with it.
                    tracing::warn!(error = %e, sha256 = %attachment.sha256, "fetching a file to send; will retry");
                    break;
                }
            }
        }
        outgoing.push(message);
    }
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

#[cfg(test)]
mod tests {
    use flowhq_domain::protocol::{Command, Commanded};
    use flowhq_domain::{Language, TemplateType, TenantId};

    use super::*;

    fn config(paused: bool) -> WorkerConfig {
        WorkerConfig {
            phone_number: "+5511999990000".into(),
            template_type: TemplateType::Generic,
            business_name: "Padaria".into(),
            language: Language::Pt,
            hours: serde_json::json!({"timezone": "America/Sao_Paulo"}),
            overrides: Default::default(),
            closures: Vec::new(),
            special_hours: Vec::new(),
            facts: Default::default(),
            menu: None,
            assistant_off: Vec::new(),
            config_version: 1,
            paused,
        }
    }

    fn pause() -> Commanded {
        Commanded {
            id: "c1".into(),
            command: Command::Pause,
        }
    }

    #[tokio::test]
    async fn a_pause_outlives_a_restart_without_the_control_plane() {
        let dir = tempfile::tempdir().unwrap();
        let settings = WorkerSettings {
            // Nothing listens there: the restarted worker finds no welcome.
            control_plane_url: "http://127.0.0.1:9".into(),
            sim_url: None,
            tenant_id: TenantId::new(),
            token: "token".into(),
            data_dir: dir.path().to_owned(),
            heartbeat_interval: Duration::from_secs(10),
            channel: ChannelChoice::Simulator,
        };
        let first = Shared::open(&settings).unwrap();
        link::apply_config(&first, config(false)).unwrap();
        link::apply(&first, &pause()).unwrap();
        assert!(first.desired.borrow().paused);
        drop(first);

        let restarted = Shared::open(&settings).unwrap();
        let bot = load_config(&restarted).await.unwrap();
        assert!(bot.config.paused, "the saved config keeps the pause");
        assert!(restarted.desired.borrow().paused);
    }
}
