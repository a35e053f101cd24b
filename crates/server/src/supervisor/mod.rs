//! The supervisor: what PM2 did for the seed. In `local` mode it runs one
//! `flowhq worker` process per tenant, restarts crashed ones with
//! exponential backoff, stops them gracefully and re-adopts the ones that
//! outlived a control-plane restart. In `external` mode an orchestrator
//! runs the workers and the supervisor only records what should run.
//!
//! It also holds what the worker API needs in memory: heartbeat times
//! (persisted in batches by the monitor) and token hashes.
//!
//! With several replicas on one machine, only the leader
//! ([`crate::leader`]) re-adopts and restarts workers: two supervisors
//! restarting the same worker would revoke each other's tokens in turn.
//! Any replica still starts and stops workers on request; a worker started
//! through another replica is adopted by the leader's next pass.

pub mod process;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use flowhq_domain::entities::WorkerProcess;
use flowhq_domain::{TenantId, WorkerStatus};
use flowhq_store::Store;
use flowhq_store::workers::Desired;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::{Settings, SupervisorMode};
use crate::leader::Leadership;

/// What the supervisor refuses or fails at; the HTTP edge maps these to
/// statuses (`crate::error`).
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error("the worker is already running")]
    AlreadyRunning,
    /// Not the tenant's current worker token.
    #[error("this token cannot act for this tenant")]
    TokenRefused,
    #[error("{0}")]
    Spawn(String),
    #[error(transparent)]
    Store(#[from] flowhq_store::StoreError),
}

pub type Result<T, E = SupervisorError> = std::result::Result<T, E>;

/// A worker that dies within this long of starting failed fast.
pub const FAST_FAILURE: Duration = Duration::from_secs(10);
/// After this many fast failures in a row a worker is marked ERROR.
pub const MAX_FAST_FAILURES: u32 = 5;
const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// How often local processes are checked.
pub const POLL_EVERY: Duration = Duration::from_millis(250);
/// How often (in polls) the leader logs rotation and adopts workers that
/// other replicas started: about every 10 s.
const HOUSEKEEPING_EVERY: u64 = 40;

/// The wait before restarting a worker that failed fast `fast_failures`
/// times in a row: 0.5 s, 1 s, 2 s, … up to 30 s. A worker that ran a
/// while restarts right away.
pub fn restart_delay(fast_failures: u32) -> Duration {
    if fast_failures == 0 {
        return Duration::ZERO;
    }
    let factor = 1u32.checked_shl(fast_failures - 1).unwrap_or(u32::MAX);
    BACKOFF_BASE.saturating_mul(factor).min(BACKOFF_MAX)
}

/// A local worker process this control plane looks after.
struct Proc {
    pid: u32,
    /// Our own child (to reap); `None` for one re-adopted after a restart.
    child: Option<Child>,
    started: Instant,
    started_at: Option<DateTime<Utc>>,
    fast_failures: u32,
}

enum Slot {
    Running(Proc),
    /// Died; restarts at `at`.
    Restarting {
        at: Instant,
        fast_failures: u32,
    },
}

struct Beat {
    at: DateTime<Utc>,
    /// Logs waiting in the worker's outbox, as it reported.
    outbox_backlog: u64,
    persisted: bool,
}

struct Inner {
    store: Store,
    mode: SupervisorMode,
    exe: PathBuf,
    data_dir: PathBuf,
    control_plane_url: String,
    heartbeat_interval: Duration,
    channel: crate::config::ChannelKind,
    worker_env: Vec<(String, String)>,
    stop_grace: Duration,
    slots: Mutex<HashMap<TenantId, Slot>>,
    beats: Mutex<HashMap<TenantId, Beat>>,
    tokens: Mutex<HashMap<TenantId, [u8; 32]>>,
    /// The workers connected to this replica, and their commands.
    link: crate::link::Hub,
    /// Serialises start/stop/restart so two requests cannot race.
    ops: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
pub struct Supervisor {
    inner: Arc<Inner>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

impl Supervisor {
    pub fn new(
        store: Store,
        settings: &Settings,
        control_plane_url: String,
        link: crate::link::Hub,
    ) -> Self {
        let exe = settings
            .worker_exe
            .clone()
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("flowhq"));
        Self {
            inner: Arc::new(Inner {
                store,
                mode: settings.supervisor,
                exe,
                data_dir: settings.data_dir.clone(),
                control_plane_url,
                heartbeat_interval: settings.heartbeat_interval,
                channel: settings.channel,
                worker_env: {
                    let mut env = settings.worker_env.clone();
                    if let Some(url) = &settings.sim_url {
                        env.push(("FLOWHQ_SIM_URL".into(), url.clone()));
                    }
                    env
                },
                stop_grace: settings.worker_stop_grace,
                slots: Mutex::new(HashMap::new()),
                beats: Mutex::new(HashMap::new()),
                tokens: Mutex::new(HashMap::new()),
                link,
                ops: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The supervisor's own store: its own connections (see
    /// `Store::with_own_connections`), which the stale monitor shares.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn mode(&self) -> SupervisorMode {
        self.inner.mode
    }

    /// The worker link: who is connected here, and their commands.
    pub fn link(&self) -> &crate::link::Hub {
        &self.inner.link
    }

    // ---- worker authentication -------------------------------------------

    /// Whether `token` is the current token of `tenant`'s worker, compared
    /// in constant time. The hash is cached; a miss re-reads the database
    /// (another replica may have started the worker).
    pub async fn verify_token(&self, tenant: TenantId, token: &str) -> Result<()> {
        let presented = hash_token(token);
        let cached = lock(&self.inner.tokens).get(&tenant).copied();
        if cached.is_some_and(|h| bool::from(h.ct_eq(&presented))) {
            return Ok(());
        }
        let stored = self.inner.store.worker_token_hash(tenant).await?;
        let Some(stored) = stored.as_deref().and_then(unhex) else {
            return Err(SupervisorError::TokenRefused);
        };
        lock(&self.inner.tokens).insert(tenant, stored);
        if bool::from(stored.ct_eq(&presented)) {
            Ok(())
        } else {
            Err(SupervisorError::TokenRefused)
        }
    }

    /// A fresh token for `tenant`'s worker, replacing the last one: what an
    /// orchestrator passes as `FLOWHQ_WORKER_TOKEN` in external mode.
    pub async fn issue_token(&self, tenant: TenantId) -> Result<String> {
        let token = new_token();
        let hash = hash_token(&token);
        self.inner
            .store
            .worker_started(tenant, None, &hex::encode(hash), false)
            .await?;
        lock(&self.inner.tokens).insert(tenant, hash);
        lock(&self.inner.beats).remove(&tenant);
        // The old token's link, if any, no longer acts for the tenant.
        self.inner.link.disconnect(tenant);
        Ok(token)
    }

    // ---- heartbeats ---------------------------------------------------------

    /// Notes a heartbeat in memory; returns whether it is the first since
    /// the worker (re)started.
    pub fn record_beat(&self, tenant: TenantId, at: DateTime<Utc>, outbox_backlog: u64) -> bool {
        lock(&self.inner.beats)
            .insert(
                tenant,
                Beat {
                    at,
                    outbox_backlog,
                    persisted: false,
                },
            )
            .is_none()
    }

    pub fn last_beat(&self, tenant: TenantId) -> Option<DateTime<Utc>> {
        lock(&self.inner.beats).get(&tenant).map(|b| b.at)
    }

    /// The outbox backlog `tenant`'s worker reported with its last
    /// heartbeat to this replica.
    pub fn outbox_backlog(&self, tenant: TenantId) -> Option<u64> {
        lock(&self.inner.beats)
            .get(&tenant)
            .map(|b| b.outbox_backlog)
    }

    /// Writes heartbeat times not yet in the database, in batches.
    pub async fn persist_beats(&self) -> Result<usize> {
        let pending: Vec<(TenantId, DateTime<Utc>)> = lock(&self.inner.beats)
            .iter()
            .filter(|(_, b)| !b.persisted)
            .map(|(t, b)| (*t, b.at))
            .collect();
        if pending.is_empty() {
            return Ok(0);
        }
        self.inner.store.record_heartbeats(&pending).await?;
        let mut beats = lock(&self.inner.beats);
        for (tenant, at) in &pending {
            if let Some(beat) = beats.get_mut(tenant)
                && beat.at == *at
            {
                beat.persisted = true;
            }
        }
        Ok(pending.len())
    }

    /// Whether the supervisor is waiting to restart this worker (the stale
    /// monitor leaves such workers alone).
    pub fn is_restarting(&self, tenant: TenantId) -> bool {
        matches!(
            lock(&self.inner.slots).get(&tenant),
            Some(Slot::Restarting { .. })
        )
    }

    /// A worker of `tenant` that this (leading) replica does not supervise
    /// has gone: its process no longer runs, though it should. Its starter
    /// may have been another replica, now dead (one that lives never
    /// restarts its workers unless it leads), so this one restarts it, as
    /// if it had died under its own watch. Returns whether it will.
    pub async fn adopt_gone(&self, tenant: TenantId) -> Result<bool> {
        if self.inner.mode == SupervisorMode::External
            || lock(&self.inner.slots).contains_key(&tenant)
        {
            return Ok(false);
        }
        let runtime = self.inner.store.worker_runtime(tenant).await?;
        let worker = &runtime.worker;
        let gone = worker
            .pid
            .is_some_and(|pid| !process::is_worker(pid, &worker.process_name));
        if runtime.desired != Desired::Running || !gone {
            return Ok(false);
        }
        let _op = self.inner.ops.lock().await;
        let mut slots = lock(&self.inner.slots);
        if slots.contains_key(&tenant) {
            return Ok(false);
        }
        tracing::warn!(tenant_id = %tenant, pid = worker.pid, "a worker started elsewhere has gone; restarting it");
        slots.insert(
            tenant,
            Slot::Restarting {
                at: Instant::now(),
                fast_failures: 0,
            },
        );
        Ok(true)
    }

    // ---- lifecycle ----------------------------------------------------------

    /// Starts `tenant`'s worker: a conflict when it is already running.
    #[tracing::instrument(skip(self))]
    pub async fn start(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let _op = self.inner.ops.lock().await;
        self.start_locked(tenant).await
    }

    async fn start_locked(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let runtime = self.inner.store.worker_runtime(tenant).await?;
        if self.inner.mode == SupervisorMode::External {
            self.inner
                .store
                .set_worker_desired(tenant, Desired::Running)
                .await?;
            return Ok(self.inner.store.worker(tenant).await?);
        }
        let running_here = matches!(lock(&self.inner.slots).get(&tenant), Some(Slot::Running(_)));
        let running_elsewhere = runtime
            .worker
            .pid
            .is_some_and(|pid| process::is_worker(pid, &runtime.worker.process_name));
        if running_here || running_elsewhere {
            return Err(SupervisorError::AlreadyRunning);
        }
        self.spawn(tenant, &runtime.worker.process_name, false, 0)
            .await
    }

    /// Stops `tenant`'s worker: SIGTERM, then SIGKILL after the grace
    /// period. Stopping a stopped worker is fine.
    #[tracing::instrument(skip(self))]
    pub async fn stop(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let _op = self.inner.ops.lock().await;
        self.stop_locked(tenant).await
    }

    async fn stop_locked(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let store = &self.inner.store;
        let runtime = store.worker_runtime(tenant).await?;
        store.set_worker_desired(tenant, Desired::Stopped).await?;
        if self.inner.mode == SupervisorMode::External {
            // Told now if it is connected here; otherwise its next welcome
            // or heartbeat correction says so.
            self.inner
                .link
                .tell(tenant, flowhq_domain::protocol::Command::Stop);
            lock(&self.inner.beats).remove(&tenant);
            return Ok(store
                .set_worker_status(tenant, WorkerStatus::Stopped, None)
                .await?);
        }
        let slot = lock(&self.inner.slots).remove(&tenant);
        let (pid, child) = match slot {
            Some(Slot::Running(p)) => (Some(p.pid), p.child),
            _ => (
                runtime
                    .worker
                    .pid
                    .filter(|pid| process::is_worker(*pid, &runtime.worker.process_name)),
                None,
            ),
        };
        if let Some(pid) = pid {
            store
                .set_worker_status(tenant, WorkerStatus::Stopping, None)
                .await?;
            terminate_gracefully(
                pid,
                child,
                &runtime.worker.process_name,
                self.inner.stop_grace,
            )
            .await;
            tracing::info!(tenant_id = %tenant, pid, "worker stopped");
        }
        lock(&self.inner.beats).remove(&tenant);
        Ok(store
            .set_worker_status(tenant, WorkerStatus::Stopped, None)
            .await?)
    }

    /// Stops the worker if it runs, then starts it.
    #[tracing::instrument(skip(self))]
    pub async fn restart(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let _op = self.inner.ops.lock().await;
        self.stop_locked(tenant).await?;
        self.start_locked(tenant).await
    }

    /// Stops every worker on purpose (they are not restarted).
    pub async fn stop_all(&self) -> Result<usize> {
        // All at once under one hold of the operation lock: each stop is
        // mostly waiting for its process to exit, and taking the lock per
        // worker made a thousand stops last over a minute.
        let _op = self.inner.ops.lock().await;
        let tenants: Vec<TenantId> = self
            .inner
            .store
            .workers_to_supervise()
            .await?
            .into_iter()
            .map(|w| w.worker.tenant_id)
            .collect();
        let mut tasks = tokio::task::JoinSet::new();
        for tenant in tenants.iter().copied() {
            let supervisor = self.clone();
            tasks.spawn(async move { supervisor.stop_locked(tenant).await });
        }
        let mut stopped = 0;
        while let Some(result) = tasks.join_next().await {
            match result {
                Ok(Ok(_)) => stopped += 1,
                Ok(Err(e)) => tracing::warn!(error = %e, "stopping a worker"),
                Err(e) => tracing::warn!(error = %e, "stopping a worker"),
            }
        }
        Ok(stopped)
    }

    /// The stale monitor gave up on this worker: kill the process if it is
    /// still there (hung) and do not restart it; retry starts it clean.
    pub async fn forget_hung(&self, tenant: TenantId, pid: Option<u32>, process_name: &str) {
        lock(&self.inner.beats).remove(&tenant);
        if self.inner.mode == SupervisorMode::External {
            return;
        }
        let slot = lock(&self.inner.slots).remove(&tenant);
        let (pid, child) = match slot {
            Some(Slot::Running(p)) => (Some(p.pid), p.child),
            _ => (pid, None),
        };
        if let Some(pid) = pid.filter(|pid| process::is_worker(*pid, process_name)) {
            tracing::warn!(tenant_id = %tenant, pid, "killing a hung worker");
            process::kill(pid);
            reap(child, pid, process_name, Duration::from_secs(2)).await;
        }
    }

    async fn spawn(
        &self,
        tenant: TenantId,
        process_name: &str,
        is_restart: bool,
        fast_failures: u32,
    ) -> Result<WorkerProcess> {
        let inner = &self.inner;
        let token = new_token();
        let hash = hash_token(&token);
        // Recorded before the process exists, so its first request finds
        // its token and its desired state.
        inner
            .store
            .worker_started(tenant, None, &hex::encode(hash), is_restart)
            .await?;
        lock(&inner.tokens).insert(tenant, hash);
        lock(&inner.beats).remove(&tenant);
        // The old token's link, if any, no longer acts for the tenant.
        inner.link.disconnect(tenant);
        let log_path = process::log_path(&inner.data_dir, process_name);
        let _ = process::rotate_if_large(&log_path, process::LOG_MAX_BYTES, process::LOG_KEEP);
        let launch = process::Launch {
            exe: &inner.exe,
            tenant,
            process_name,
            control_plane_url: &inner.control_plane_url,
            token: &token,
            data_dir: &inner.data_dir,
            heartbeat_interval: inner.heartbeat_interval,
            channel: inner.channel.as_str(),
            extra_env: &inner.worker_env,
            log_path: &log_path,
        };
        let child = match process::spawn(&launch) {
            Ok(child) => child,
            Err(e) => {
                let reason = format!("could not start {}: {e}", inner.exe.display());
                inner
                    .store
                    .worker_failed(tenant, None, &reason, "supervisor")
                    .await?;
                return Err(SupervisorError::Spawn(reason));
            }
        };
        let pid = child.id();
        let worker = inner.store.set_worker_pid(tenant, pid).await?;
        let started_at = inner.store.worker_runtime(tenant).await?.started_at;
        lock(&inner.slots).insert(
            tenant,
            Slot::Running(Proc {
                pid,
                child: Some(child),
                started: Instant::now(),
                started_at,
                fast_failures,
            }),
        );
        tracing::info!(tenant_id = %tenant, pid, is_restart, "worker started");
        Ok(worker)
    }

    /// On control-plane start, and on the leader now and then: adopts live
    /// workers it does not know yet (same pid and process name) and
    /// restarts the dead ones that should be running. With `settled`, a
    /// worker started within [`FAST_FAILURE`] is left to whoever started
    /// it (another replica may be between spawning it and recording its
    /// pid).
    pub async fn readopt(&self, settled: bool) -> Result<()> {
        if self.inner.mode == SupervisorMode::External {
            return Ok(());
        }
        let _op = self.inner.ops.lock().await;
        let fresh_since = Utc::now() - FAST_FAILURE;
        for runtime in self.inner.store.workers_to_supervise().await? {
            let worker = &runtime.worker;
            let tenant = worker.tenant_id;
            if lock(&self.inner.slots).contains_key(&tenant) {
                continue;
            }
            if settled && runtime.started_at.is_some_and(|at| at > fresh_since) {
                continue;
            }
            let alive = worker
                .pid
                .is_some_and(|pid| process::is_worker(pid, &worker.process_name));
            match (alive, worker.pid, runtime.desired) {
                (true, Some(pid), _) => {
                    tracing::info!(tenant_id = %tenant, pid, "re-adopted a running worker");
                    lock(&self.inner.slots).insert(
                        tenant,
                        Slot::Running(Proc {
                            pid,
                            child: None,
                            started: Instant::now(),
                            started_at: runtime.started_at,
                            fast_failures: 0,
                        }),
                    );
                }
                (_, _, Desired::Running) => {
                    tracing::info!(tenant_id = %tenant, "worker gone while the control plane was down; restarting");
                    if let Err(e) = self.spawn(tenant, &worker.process_name, true, 0).await {
                        tracing::error!(tenant_id = %tenant, error = %e, "restarting a worker");
                    }
                }
                _ => {
                    self.inner
                        .store
                        .set_worker_status(tenant, WorkerStatus::Stopped, None)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// One pass over local processes: notices deaths, schedules and runs
    /// restarts, rotates logs.
    pub async fn tick(&self, rotate_logs: bool) {
        if self.inner.mode == SupervisorMode::External {
            return;
        }
        let _op = self.inner.ops.lock().await;
        let now = Instant::now();
        let mut died = Vec::new();
        let mut due = Vec::new();
        {
            let mut slots = lock(&self.inner.slots);
            for (tenant, slot) in slots.iter_mut() {
                match slot {
                    Slot::Running(p) => {
                        if let Some(exit) = exited(p, &self.process_name(*tenant)) {
                            let fast = p.started.elapsed() < FAST_FAILURE;
                            let fast_failures = if fast { p.fast_failures + 1 } else { 0 };
                            died.push((*tenant, exit, fast_failures, p.started_at));
                            let at = now + restart_delay(fast_failures.max(1));
                            *slot = Slot::Restarting { at, fast_failures };
                        }
                    }
                    Slot::Restarting { at, fast_failures } if *at <= now => {
                        due.push((*tenant, *fast_failures));
                    }
                    Slot::Restarting { .. } => {}
                }
            }
        }
        for (tenant, exit, fast_failures, started_at) in died {
            lock(&self.inner.beats).remove(&tenant);
            if !self.still_wanted(tenant).await {
                // Stopped on purpose, through another replica.
                lock(&self.inner.slots).remove(&tenant);
                continue;
            }
            if fast_failures >= MAX_FAST_FAILURES {
                lock(&self.inner.slots).remove(&tenant);
                let reason = format!(
                    "the worker exited {fast_failures} times in a row within {}s of starting; last: {exit}",
                    FAST_FAILURE.as_secs()
                );
                tracing::error!(tenant_id = %tenant, %reason, "giving up on a worker");
                if let Err(e) = self
                    .inner
                    .store
                    .worker_failed(tenant, started_at, &reason, "supervisor")
                    .await
                {
                    tracing::error!(tenant_id = %tenant, error = %e, "recording a failed worker");
                }
            } else {
                tracing::warn!(tenant_id = %tenant, %exit, fast_failures, "worker exited; restarting");
                let reason = format!("exited ({exit}); restarting");
                let _ = self
                    .inner
                    .store
                    .set_worker_status(tenant, WorkerStatus::Starting, Some(&reason))
                    .await;
            }
        }
        for (tenant, fast_failures) in due {
            lock(&self.inner.slots).remove(&tenant);
            if !self.still_wanted(tenant).await {
                continue;
            }
            if let Err(e) = self
                .spawn(tenant, &self.process_name(tenant), true, fast_failures)
                .await
            {
                tracing::error!(tenant_id = %tenant, error = %e, "restarting a worker");
            }
        }
        if rotate_logs {
            let tenants: Vec<TenantId> = lock(&self.inner.slots).keys().copied().collect();
            for tenant in tenants {
                let path = process::log_path(&self.inner.data_dir, &self.process_name(tenant));
                if let Err(e) =
                    process::rotate_if_large(&path, process::LOG_MAX_BYTES, process::LOG_KEEP)
                {
                    tracing::warn!(error = %e, path = %path.display(), "rotating a worker log");
                }
            }
        }
    }

    fn process_name(&self, tenant: TenantId) -> String {
        WorkerProcess::process_name_for(tenant)
    }

    /// Whether `tenant`'s worker should still run: any replica may have
    /// stopped it since this one last looked. Unknown (a database error)
    /// counts as wanted: a spurious restart is safer than a lost worker.
    async fn still_wanted(&self, tenant: TenantId) -> bool {
        match self.inner.store.worker_runtime(tenant).await {
            Ok(runtime) => runtime.desired == Desired::Running,
            Err(flowhq_store::StoreError::NotFound(_)) => false,
            Err(_) => true,
        }
    }

    /// Off the leader: reaps this replica's own children that ended, so
    /// none is left a zombie, and leaves restarting them to the leader.
    /// Workers it adopted while it led are the new leader's now.
    fn reap_only(&self) {
        let mut slots = lock(&self.inner.slots);
        slots.retain(|tenant, slot| match slot {
            Slot::Running(p) => match &mut p.child {
                Some(child) => match child.try_wait() {
                    Ok(None) => true,
                    _ => {
                        tracing::warn!(tenant_id = %tenant, pid = p.pid, "worker exited; the leader restarts it");
                        false
                    }
                },
                None => false,
            },
            Slot::Restarting { .. } => false,
        });
    }

    /// Supervises until `shutdown` fires: [`Supervisor::tick`] while this
    /// replica leads, [`Supervisor::readopt`] on taking over and every few
    /// seconds after. Workers keep running after it ends.
    pub async fn run(
        self,
        leadership: Leadership,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut interval = tokio::time::interval(POLL_EVERY);
        let mut ticks: u64 = 0;
        let mut leading = false;
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                _ = shutdown.wait_for(|s| *s) => return,
            }
            ticks += 1;
            let housekeeping = ticks.is_multiple_of(HOUSEKEEPING_EVERY);
            let was_leading = std::mem::replace(&mut leading, leadership.is_leader());
            if !leading {
                self.reap_only();
                continue;
            }
            if (!was_leading || housekeeping)
                && let Err(e) = self.readopt(true).await
            {
                tracing::error!(error = %e, "adopting workers");
            }
            self.tick(housekeeping).await;
        }
    }
}

/// `Some(how)` when the process is gone.
fn exited(p: &mut Proc, process_name: &str) -> Option<String> {
    match &mut p.child {
        Some(child) => match child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(format!("unknown ({e})")),
        },
        None => (!process::is_worker(p.pid, process_name)).then(|| "exited".to_owned()),
    }
}

async fn terminate_gracefully(pid: u32, child: Option<Child>, process_name: &str, grace: Duration) {
    process::terminate(pid);
    if !reap(child, pid, process_name, grace).await {
        tracing::warn!(pid, "worker ignored SIGTERM; killing it");
        process::kill(pid);
        reap(None, pid, process_name, Duration::from_secs(2)).await;
    }
}

/// Waits up to `timeout` for the process to end (reaping our own child);
/// returns whether it did.
async fn reap(mut child: Option<Child>, pid: u32, process_name: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let gone = match &mut child {
            Some(c) => !matches!(c.try_wait(), Ok(None)),
            None => !process::is_worker(pid, process_name),
        };
        if gone {
            return true;
        }
        if Instant::now() >= deadline {
            // Keep reaping in the background so no zombie is left.
            if let Some(mut c) = child {
                tokio::task::spawn_blocking(move || c.wait());
            }
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_back_off_exponentially_up_to_a_cap() {
        let delays: Vec<u128> = (0..9).map(|n| restart_delay(n).as_millis()).collect();
        assert_eq!(
            delays,
            vec![0, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]
        );
        assert_eq!(restart_delay(u32::MAX), BACKOFF_MAX);
    }

    #[test]
    fn token_hashes_round_trip_through_hex() {
        let hash = hash_token("secret");
        assert_eq!(unhex(&hex::encode(hash)), Some(hash));
        assert_eq!(unhex("zz"), None);
        assert_ne!(hash_token("secret"), hash_token("secret2"));
        assert_eq!(new_token().len(), 64);
    }
}
