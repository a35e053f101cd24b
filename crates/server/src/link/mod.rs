//! The worker link: one WebSocket per worker (`GET /api/worker/link`).
//!
//! [`Hub`] knows which workers are connected to this replica and carries
//! commands to them; [`socket`] serves one connection. A command's caller
//! waits for the worker's acknowledgement ([`ACK_TIMEOUT`] at most) and
//! learns whether it was applied; when it was not (the worker is offline,
//! or connected to another replica), the state the command asked for is
//! already in the database, and the worker gets it in the welcome of its
//! next connection, or as a correction after its next heartbeat.

pub mod socket;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::Utc;
use flowhq_domain::protocol::{
    Command, Commanded, DesiredState, Down, PairingRequest, WorkerConfig,
};
use flowhq_domain::{TenantId, TenantStatus};
use flowhq_store::Store;
use flowhq_store::sends::QueuedSend;
use flowhq_store::workers::{Desired, WorkerView};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot, watch};

/// How long a command's caller waits for the worker to acknowledge it.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(5);

/// Frames queued for one connection before pushes are refused (the
/// worker is not reading; its commands are then not applied).
const DOWN_QUEUE: usize = 256;

/// How long a worker's frame waits for its share of the database before it
/// is refused (the worker sends it again later): worker traffic is shed
/// first, so that people's requests find a connection.
const ADMIT_WAIT: Duration = Duration::from_millis(250);

/// Connections of the pool kept for people's requests: workers' frames
/// use at most the rest at once.
const KEPT_FOR_PEOPLE: u32 = 2;

/// What the worker said of a command.
type Outcome = Result<(), String>;

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new(4)
    }
}

struct Inner {
    /// Workers' frames that touch the database, at once (see [`Hub::admit`]).
    work: Arc<Semaphore>,
    links: Mutex<HashMap<TenantId, Connected>>,
    /// Callers waiting for an acknowledgement, by tenant and command id:
    /// a worker can only acknowledge its own tenant's commands.
    waiting: Mutex<HashMap<(TenantId, String), oneshot::Sender<Outcome>>>,
    /// Per tenant, the turn of commands computed from a state just read
    /// (see [`Hub::turn`]).
    turns: Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>>,
    generations: AtomicU64,
    closing: watch::Sender<bool>,
}

struct Connected {
    generation: u64,
    down: mpsc::Sender<Down>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A command queued for a worker, its acknowledgement still to come.
pub struct Pending {
    hub: Hub,
    key: (TenantId, String),
    rx: oneshot::Receiver<Outcome>,
}

impl Pending {
    /// Waits for the worker's answer ([`ACK_TIMEOUT`] at most): whether it
    /// applied the command.
    pub async fn acknowledged(self) -> bool {
        let tenant = self.key.0;
        let outcome = tokio::time::timeout(ACK_TIMEOUT, self.rx).await;
        lock(&self.hub.inner.waiting).remove(&self.key);
        match outcome {
            Ok(Ok(Ok(()))) => true,
            Ok(Ok(Err(error))) => {
                tracing::warn!(tenant_id = %tenant, %error, "the worker could not apply a command");
                false
            }
            // The connection ended before the worker answered.
            Ok(Err(_)) => false,
            Err(_) => {
                tracing::warn!(tenant_id = %tenant, "the worker did not acknowledge a command in time");
                false
            }
        }
    }
}

/// A fresh command id.
pub fn new_command_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Hub {
    /// A hub whose workers use at most `database_connections` less a few
    /// (kept for people) at once.
    pub fn new(database_connections: u32) -> Self {
        let share = database_connections.saturating_sub(KEPT_FOR_PEOPLE).max(1);
        Self {
            inner: Arc::new(Inner {
                work: Arc::new(Semaphore::new(share as usize)),
                links: Mutex::default(),
                waiting: Mutex::default(),
                turns: Mutex::default(),
                generations: AtomicU64::default(),
                closing: watch::channel(false).0,
            }),
        }
    }

    /// A worker's turn at the database, or `None` when the workers' share
    /// stayed taken for [`ADMIT_WAIT`]: the frame is refused and comes again.
    pub async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(ADMIT_WAIT, self.inner.work.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }

    /// Sends `command` to `tenant`'s worker and waits for its
    /// acknowledgement. `true`: the worker applied it; `false`: it is not
    /// connected here, did not answer in time, or could not apply it.
    pub async fn command(&self, tenant: TenantId, command: Command) -> bool {
        self.command_with_id(tenant, new_command_id(), command)
            .await
    }

    async fn command_with_id(&self, tenant: TenantId, id: String, command: Command) -> bool {
        match self.queue(tenant, id, command) {
            Some(pending) => pending.acknowledged().await,
            None => false,
        }
    }

    /// Queues `command` for `tenant`'s worker; `None` when it is not
    /// connected here or not reading.
    fn queue(&self, tenant: TenantId, id: String, command: Command) -> Option<Pending> {
        let (tx, rx) = oneshot::channel();
        let key = (tenant, id.clone());
        lock(&self.inner.waiting).insert(key.clone(), tx);
        if !self.push(tenant, Down::Command(Commanded { id, command })) {
            lock(&self.inner.waiting).remove(&key);
            return None;
        }
        Some(Pending {
            hub: self.clone(),
            key,
            rx,
        })
    }

    /// `tenant`'s turn for a command computed from a state read just
    /// before (pause or resume). Reading and queueing within one turn
    /// queues such commands in the order of their reads, so that of two
    /// concurrent calls the worker ends in the state read last, which is
    /// the database's.
    pub async fn turn(&self, tenant: TenantId) -> tokio::sync::OwnedMutexGuard<()> {
        let turn = lock(&self.inner.turns).entry(tenant).or_default().clone();
        turn.lock_owned().await
    }

    /// Queues a frame for `tenant`'s connection without waiting; whether
    /// one is connected here and takes it.
    pub fn push(&self, tenant: TenantId, frame: Down) -> bool {
        let down = lock(&self.inner.links)
            .get(&tenant)
            .map(|link| link.down.clone());
        down.is_some_and(|down| down.try_send(frame).is_ok())
    }

    /// Sends `command` without waiting for its acknowledgement; whether the
    /// worker is connected here and takes it.
    pub fn tell(&self, tenant: TenantId, command: Command) -> bool {
        self.push(
            tenant,
            Down::Command(Commanded {
                id: new_command_id(),
                command,
            }),
        )
    }

    pub fn is_connected(&self, tenant: TenantId) -> bool {
        lock(&self.inner.links).contains_key(&tenant)
    }

    /// How many workers are connected to this replica.
    pub fn connected(&self) -> usize {
        lock(&self.inner.links).len()
    }

    /// Registers a new connection of `tenant`'s worker. An older one is
    /// replaced: its queue closes, and with it that connection.
    fn attach(&self, tenant: TenantId) -> (u64, mpsc::Receiver<Down>) {
        let generation = self.inner.generations.fetch_add(1, Ordering::Relaxed);
        let (down, frames) = mpsc::channel(DOWN_QUEUE);
        lock(&self.inner.links).insert(tenant, Connected { generation, down });
        (generation, frames)
    }

    /// The connection `generation` ended: forget it (unless a newer one
    /// took its place) and fail the commands waiting on it.
    fn detach(&self, tenant: TenantId, generation: u64) {
        let mut links = lock(&self.inner.links);
        if links
            .get(&tenant)
            .is_some_and(|l| l.generation == generation)
        {
            links.remove(&tenant);
            drop(links);
            lock(&self.inner.waiting).retain(|(t, _), _| *t != tenant);
        }
    }

    /// Closes `tenant`'s connection, if it has one here (its token was
    /// replaced): its queue closes, and with it the connection.
    pub fn disconnect(&self, tenant: TenantId) {
        if lock(&self.inner.links).remove(&tenant).is_some() {
            lock(&self.inner.waiting).retain(|(t, _), _| *t != tenant);
        }
    }

    /// The worker acknowledged command `id`.
    fn done(&self, tenant: TenantId, id: &str, error: Option<String>) {
        if let Some(waiter) = lock(&self.inner.waiting).remove(&(tenant, id.to_owned())) {
            let _ = waiter.send(error.map_or(Ok(()), Err));
        }
    }

    /// The server is stopping: every connection closes (workers reconnect
    /// to the next start, or another replica).
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    fn closing(&self) -> watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    // ---- the commands ----------------------------------------------------

    /// Queues a pause or resume; hold [`Hub::turn`] from reading `paused`
    /// until this returns.
    pub fn queue_paused(&self, tenant: TenantId, paused: bool) -> Option<Pending> {
        let command = if paused {
            Command::Pause
        } else {
            Command::Resume
        };
        self.queue(tenant, new_command_id(), command)
    }

    /// The tenant's bot config changed.
    pub async fn config_changed(
        &self,
        store: &Store,
        tenant: TenantId,
    ) -> flowhq_store::Result<bool> {
        let config = worker_config(store, tenant).await?;
        let config = Box::new(config);
        Ok(self.command(tenant, Command::Config { config }).await)
    }

    pub async fn request_pairing_code(&self, tenant: TenantId, request: PairingRequest) -> bool {
        self.command(tenant, Command::RequestPairingCode { request })
            .await
    }

    pub async fn refresh_qr(&self, tenant: TenantId, requested_at: chrono::DateTime<Utc>) -> bool {
        self.command(tenant, Command::RefreshQr { requested_at })
            .await
    }

    /// Queues a text or a file for `tenant`'s worker to send, and hands it
    /// over if the worker is connected. The queue keeps it until the worker
    /// has it in its outbox, so it is sent once, now or when the worker is
    /// back. Whether the worker has it now.
    pub async fn send(
        &self,
        store: &Store,
        tenant: TenantId,
        send: &QueuedSend,
    ) -> flowhq_store::Result<bool> {
        store.queue_send(tenant, send).await?;
        Ok(self.hand_over(tenant, send).await)
    }

    /// Tells `tenant`'s worker, if connected here, that the chat with
    /// `contact` was resolved at `at`. A worker away now hears it on its
    /// next connection (see `socket::welcome`).
    pub async fn resolve(
        &self,
        tenant: TenantId,
        contact: &str,
        at: chrono::DateTime<Utc>,
    ) -> bool {
        let command = Command::Resolve {
            contact: contact.to_owned(),
            at,
        };
        self.command(tenant, command).await
    }

    /// Hands a send already queued for `tenant` to its worker, if it is
    /// connected here; whether the worker has it in its outbox now.
    pub async fn hand_over(&self, tenant: TenantId, send: &QueuedSend) -> bool {
        let command = Command::Send {
            to: send.to.clone(),
            text: send.text.clone(),
            media: send.media.clone(),
            by_person: send.sent_by.is_some(),
        };
        self.command_with_id(tenant, send.id.clone(), command).await
    }
}

/// The state a worker should be in, from the store's view of it.
pub fn desired_state(view: &WorkerView) -> DesiredState {
    DesiredState {
        paused: view.tenant_status == TenantStatus::Paused,
        config_version: view.config_version,
        stop: view.desired == Desired::Stopped,
        pairing: view
            .pairing
            .clone()
            .map(|(phone_number, requested_at)| PairingRequest {
                phone_number,
                requested_at,
            }),
        new_qr_requested_at: view.new_qr_requested_at,
    }
}

/// What `tenant`'s bot needs.
pub async fn worker_config(store: &Store, tenant: TenantId) -> flowhq_store::Result<WorkerConfig> {
    let detail = store.tenant_detail(tenant).await?;
    let config = detail.config;
    Ok(WorkerConfig {
        phone_number: detail.tenant.phone_number.to_string(),
        template_type: config.template_type,
        business_name: config.business_name,
        language: config.language,
        hours: config.hours.to_json(),
        overrides: config.overrides,
        closures: config.closures,
        special_hours: config.special_hours,
        facts: config.facts,
        menu: config.menu,
        assistant_off: store.assistant_off_contacts(tenant).await?,
        config_version: config.updated_at.timestamp_millis(),
        paused: detail.tenant.status == TenantStatus::Paused,
    })
}
