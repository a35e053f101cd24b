//! The supervisor: what PM2 did for the seed. How workers run is a
//! [`Strategy`]: in `local` mode ([`local::Local`]) it runs one `flowhq
//! worker` process per tenant, restarts crashed ones with exponential
//! backoff, stops them gracefully and re-adopts the ones that outlived a
//! control-plane restart; in `external` mode ([`external::External`]) an
//! orchestrator runs the workers and the supervisor only records what
//! should run.
//!
//! It also holds what the worker link needs in memory: heartbeats
//! ([`beats`], persisted in batches by the monitor) and token hashes
//! ([`tokens`]).
//!
//! With several replicas on one machine, only the leader
//! ([`crate::leader`]) re-adopts and restarts workers: two supervisors
//! restarting the same worker would revoke each other's tokens in turn.
//! Any replica still starts and stops workers on request; a worker started
//! through another replica is adopted by the leader's next pass.

mod beats;
mod external;
mod local;
pub mod process;
mod tokens;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::entities::WorkerProcess;
use flowhq_store::Store;

use crate::config::{Settings, SupervisorMode};
use crate::leader::Leadership;
use beats::Beats;
use tokens::{Tokens, WorkerToken};

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

/// How often local processes are checked: restarts that fell due, and
/// re-adopted workers (not our children, so no SIGCHLD tells of their end).
const POLL_EVERY: Duration = Duration::from_millis(250);
/// How often (in polls) the leader logs rotation and adopts workers that
/// other replicas started, and every child is checked whether or not a
/// SIGCHLD said so: about every 10 s.
const HOUSEKEEPING_EVERY: u64 = 40;

/// How workers are run. The supervisor calls every method under its
/// operation lock, so two requests cannot race. What only processes on
/// this machine need does nothing by default.
#[async_trait::async_trait]
trait Strategy: Send + Sync {
    /// Starts `tenant`'s worker: a conflict when it is already running.
    async fn start(&self, tenant: TenantId) -> Result<WorkerProcess>;

    /// Stops `tenant`'s worker; stopping a stopped worker is fine.
    async fn stop(&self, tenant: TenantId) -> Result<WorkerProcess>;

    /// Adopts live workers it does not know yet (same pid and process
    /// name) and restarts the dead ones that should be running. With
    /// `settled`, a worker started within [`local::FAST_FAILURE`] is left
    /// to whoever started it (another replica may be between spawning it
    /// and recording its pid).
    async fn readopt(&self, _settled: bool) -> Result<()> {
        Ok(())
    }

    /// One pass over local processes: notices deaths, schedules and runs
    /// restarts, rotates logs. Our own children are only asked whether they
    /// ended (a `wait4` each) when `pass.children` says one may have.
    async fn tick(&self, _pass: Pass) {}

    /// Off the leader: reaps this replica's own children that ended, so
    /// none is left a zombie, and leaves restarting them to the leader.
    fn reap_only(&self) {}

    /// A worker of `tenant` that this (leading) replica does not
    /// supervise has gone: its process no longer runs, though it should.
    /// Its starter may have been another replica, now dead, so this one
    /// restarts it. Returns whether it will.
    async fn adopt_gone(&self, _tenant: TenantId) -> Result<bool> {
        Ok(false)
    }

    /// Kills the process if it is still there (hung) and does not restart it.
    async fn forget_hung(&self, _tenant: TenantId, _pid: Option<u32>, _process_name: &str) {}

    /// Whether a restart of this worker is scheduled.
    fn is_restarting(&self, _tenant: TenantId) -> bool {
        false
    }
}

/// What one supervision pass does.
#[derive(Debug, Clone, Copy)]
struct Pass {
    /// Rotate worker logs.
    rotate_logs: bool,
    /// A child may have ended since the last pass: check each of ours.
    /// Asking 2,000 children every 250 ms was 8,000 `wait4` calls a second
    /// of the control plane's CPU, so a pass only does when SIGCHLD
    /// arrived, and now and then in case a signal was missed. Such a pass
    /// also tells re-adopted workers from reused pids (`local::exited`).
    children: bool,
}

/// What the strategies and the worker link share.
struct Shared {
    store: Store,
    tokens: Tokens,
    beats: Beats,
    /// The workers connected to this replica, and their commands.
    link: crate::link::Hub,
}

impl Shared {
    /// A fresh token for `tenant`'s worker, recorded before any process
    /// can present it; the old token's heartbeats and link stop counting.
    async fn new_worker_token(&self, tenant: TenantId, is_restart: bool) -> Result<WorkerToken> {
        let token = WorkerToken::generate();
        let hash = token.hash();
        self.store
            .worker_started(tenant, None, &hash.to_hex(), is_restart)
            .await?;
        self.tokens.remember(tenant, hash);
        self.beats.forget(tenant);
        self.link.disconnect(tenant);
        Ok(token)
    }
}

struct Inner {
    shared: Arc<Shared>,
    strategy: Box<dyn Strategy>,
    /// Held around every strategy call.
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

impl Supervisor {
    pub fn new(
        store: Store,
        settings: &Settings,
        control_plane_url: String,
        link: crate::link::Hub,
    ) -> Self {
        let shared = Arc::new(Shared {
            store,
            tokens: Tokens::default(),
            beats: Beats::default(),
            link,
        });
        let strategy: Box<dyn Strategy> = match settings.supervisor {
            SupervisorMode::Local => Box::new(local::Local::new(
                shared.clone(),
                settings,
                control_plane_url,
            )),
            SupervisorMode::External => Box::new(external::External {
                shared: shared.clone(),
            }),
        };
        Self {
            inner: Arc::new(Inner {
                shared,
                strategy,
                ops: tokio::sync::Mutex::new(()),
            }),
        }
    }

    fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    /// The supervisor's own store: its own connections (see
    /// `Store::with_own_connections`), which the stale monitor shares.
    pub fn store(&self) -> &Store {
        &self.shared().store
    }

    /// The worker link: who is connected here, and their commands.
    pub fn link(&self) -> &crate::link::Hub {
        &self.shared().link
    }

    // ---- worker authentication -------------------------------------------

    /// Whether `token` is the current token of `tenant`'s worker, compared
    /// in constant time.
    pub async fn verify_token(&self, tenant: TenantId, token: &str) -> Result<()> {
        let shared = self.shared();
        shared.tokens.verify(&shared.store, tenant, token).await
    }

    /// A fresh token for `tenant`'s worker, replacing the last one: what an
    /// orchestrator passes as `FLOWHQ_WORKER_TOKEN` in external mode.
    pub async fn issue_token(&self, tenant: TenantId) -> Result<String> {
        let token = self.shared().new_worker_token(tenant, false).await?;
        Ok(token.into_string())
    }

    // ---- heartbeats ---------------------------------------------------------

    /// Notes a heartbeat in memory; returns whether it is the first since
    /// the worker (re)started.
    pub fn record_beat(&self, tenant: TenantId, at: DateTime<Utc>, outbox_backlog: u64) -> bool {
        self.shared().beats.record(tenant, at, outbox_backlog)
    }

    /// Notes that `tenant`'s worker is alive though it sent no heartbeat:
    /// it tried to link and was told to come back later. Shedding its
    /// traffic must not get a healthy worker judged stale and killed.
    pub fn note_alive(&self, tenant: TenantId) {
        self.shared().beats.alive(tenant, Utc::now());
    }

    pub fn last_beat(&self, tenant: TenantId) -> Option<DateTime<Utc>> {
        self.shared().beats.last(tenant)
    }

    /// The outbox backlog `tenant`'s worker reported with its last
    /// heartbeat to this replica.
    pub fn outbox_backlog(&self, tenant: TenantId) -> Option<u64> {
        self.shared().beats.outbox_backlog(tenant)
    }

    /// Writes heartbeat times not yet in the database, in batches.
    pub async fn persist_beats(&self) -> Result<usize> {
        self.shared().beats.persist(&self.shared().store).await
    }

    // ---- lifecycle ----------------------------------------------------------

    /// Whether the supervisor is waiting to restart this worker (the stale
    /// monitor leaves such workers alone).
    pub fn is_restarting(&self, tenant: TenantId) -> bool {
        self.inner.strategy.is_restarting(tenant)
    }

    /// See [`Strategy::adopt_gone`].
    pub async fn adopt_gone(&self, tenant: TenantId) -> Result<bool> {
        let _op = self.inner.ops.lock().await;
        self.inner.strategy.adopt_gone(tenant).await
    }

    /// Starts `tenant`'s worker: a conflict when it is already running.
    #[tracing::instrument(skip(self))]
    pub async fn start(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let _op = self.inner.ops.lock().await;
        self.inner.strategy.start(tenant).await
    }

    /// Stops `tenant`'s worker (locally: SIGTERM, then SIGKILL after the
    /// grace period). Stopping a stopped worker is fine.
    #[tracing::instrument(skip(self))]
    pub async fn stop(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let _op = self.inner.ops.lock().await;
        self.inner.strategy.stop(tenant).await
    }

    /// Stops the worker if it runs, then starts it.
    #[tracing::instrument(skip(self))]
    pub async fn restart(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let _op = self.inner.ops.lock().await;
        self.inner.strategy.stop(tenant).await?;
        self.inner.strategy.start(tenant).await
    }

    /// Stops every worker on purpose (they are not restarted).
    pub async fn stop_all(&self) -> Result<usize> {
        // All at once under one hold of the operation lock: each stop is
        // mostly waiting for its process to exit, and taking the lock per
        // worker made a thousand stops last over a minute.
        let _op = self.inner.ops.lock().await;
        let workers = self.store().workers_to_supervise().await?;
        let mut tasks = tokio::task::JoinSet::new();
        for runtime in workers {
            let supervisor = self.clone();
            let tenant = runtime.worker.tenant_id;
            tasks.spawn(async move { supervisor.inner.strategy.stop(tenant).await });
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
        self.shared().beats.forget(tenant);
        self.inner
            .strategy
            .forget_hung(tenant, pid, process_name)
            .await;
    }

    /// On control-plane start, and on the leader now and then: see
    /// [`Strategy::readopt`].
    pub async fn readopt(&self, settled: bool) -> Result<()> {
        let _op = self.inner.ops.lock().await;
        self.inner.strategy.readopt(settled).await
    }

    /// Supervises until `shutdown` fires: [`Strategy::tick`] while this
    /// replica leads, [`Strategy::readopt`] on taking over and every few
    /// seconds after. Workers keep running after it ends.
    pub async fn run(
        self,
        leadership: Leadership,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut interval = tokio::time::interval(POLL_EVERY);
        // Registered before the first pass, which checks every child: a
        // child that ended before this point is found by that pass.
        let mut child_signals = ChildSignals::listen();
        let mut children_changed = true;
        let mut ticks: u64 = 0;
        let mut leading = false;
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                () = child_signals.next() => {
                    children_changed = true;
                    continue;
                }
                _ = shutdown.wait_for(|s| *s) => return,
            }
            ticks += 1;
            let housekeeping = ticks.is_multiple_of(HOUSEKEEPING_EVERY);
            let pass = Pass {
                rotate_logs: housekeeping,
                children: std::mem::take(&mut children_changed)
                    || housekeeping
                    || !child_signals.is_listening(),
            };
            let was_leading = std::mem::replace(&mut leading, leadership.is_leader());
            if !leading {
                if pass.children {
                    self.inner.strategy.reap_only();
                }
                continue;
            }
            if (!was_leading || housekeeping)
                && let Err(e) = self.readopt(true).await
            {
                tracing::error!(error = %e, "adopting workers");
            }
            let _op = self.inner.ops.lock().await;
            self.inner.strategy.tick(pass).await;
        }
    }
}

/// SIGCHLD, which says that one or more children ended (signals of one
/// kind coalesce, so it says nothing of which or how many).
struct ChildSignals(Option<tokio::signal::unix::Signal>);

impl ChildSignals {
    fn listen() -> Self {
        let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::child());
        if let Err(e) = &signal {
            tracing::warn!(error = %e, "cannot listen for SIGCHLD; checking every child on every pass");
        }
        Self(signal.ok())
    }

    fn is_listening(&self) -> bool {
        self.0.is_some()
    }

    /// The next SIGCHLD; never, when not listening.
    async fn next(&mut self) {
        match &mut self.0 {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The supervisor's passes check children only after a SIGCHLD: a
    /// child's end must wake it (or its restart waits for the 10 s scan).
    #[tokio::test]
    async fn a_child_that_ends_raises_sigchld() {
        let mut signals = ChildSignals::listen();
        assert!(signals.is_listening());
        let mut child = std::process::Command::new("true").spawn().unwrap();
        tokio::time::timeout(Duration::from_secs(5), signals.next())
            .await
            .expect("no SIGCHLD within 5 s of a child's end");
        child.wait().unwrap();
    }
}
