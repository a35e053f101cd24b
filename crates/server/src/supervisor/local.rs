//! `local` mode: one `flowhq worker` process per tenant on this machine,
//! restarted with exponential backoff when it dies, stopped gracefully,
//! and re-adopted when it outlived a control-plane restart.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use flowhq_domain::entities::WorkerProcess;
use flowhq_domain::{TenantId, WorkerStatus};
use flowhq_store::workers::Desired;

use super::{Pass, Result, Shared, Strategy, SupervisorError, lock, process};
use crate::config::{ChannelKind, Settings};

/// A worker that dies within this long of starting failed fast.
pub const FAST_FAILURE: Duration = Duration::from_secs(10);
/// After this many fast failures in a row a worker is marked ERROR.
pub const MAX_FAST_FAILURES: u32 = 5;
const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

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

/// How a worker process is launched.
struct Launcher {
    exe: PathBuf,
    data_dir: PathBuf,
    control_plane_url: String,
    heartbeat_interval: Duration,
    channel: ChannelKind,
    worker_env: Vec<(String, String)>,
    stop_grace: Duration,
}

pub struct Local {
    shared: Arc<Shared>,
    launcher: Launcher,
    slots: Mutex<HashMap<TenantId, Slot>>,
}

impl Local {
    pub(super) fn new(shared: Arc<Shared>, settings: &Settings, control_plane_url: String) -> Self {
        let exe = settings
            .worker_exe
            .clone()
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("flowhq"));
        let mut worker_env = settings.worker_env.clone();
        if let Some(url) = &settings.sim_url {
            worker_env.push(("FLOWHQ_SIM_URL".into(), url.clone()));
        }
        Self {
            shared,
            launcher: Launcher {
                exe,
                data_dir: settings.data_dir.clone(),
                control_plane_url,
                heartbeat_interval: settings.heartbeat_interval,
                channel: settings.channel,
                worker_env,
                stop_grace: settings.worker_stop_grace,
            },
            slots: Mutex::new(HashMap::new()),
        }
    }

    async fn spawn(
        &self,
        tenant: TenantId,
        process_name: &str,
        is_restart: bool,
        fast_failures: u32,
    ) -> Result<WorkerProcess> {
        let store = &self.shared.store;
        let launcher = &self.launcher;
        // Recorded before the process exists, so its first request finds
        // its token and its desired state.
        let token = self.shared.new_worker_token(tenant, is_restart).await?;
        let log_path = process::log_path(&launcher.data_dir, process_name);
        let _ = process::rotate_if_large(&log_path, process::LOG_MAX_BYTES, process::LOG_KEEP);
        let launch = process::Launch {
            exe: &launcher.exe,
            tenant,
            process_name,
            control_plane_url: &launcher.control_plane_url,
            token: token.as_str(),
            data_dir: &launcher.data_dir,
            heartbeat_interval: launcher.heartbeat_interval,
            channel: launcher.channel.as_str(),
            extra_env: &launcher.worker_env,
            log_path: &log_path,
        };
        let child = match process::spawn(&launch) {
            Ok(child) => child,
            Err(e) => {
                let reason = format!("could not start {}: {e}", launcher.exe.display());
                store
                    .worker_failed(tenant, None, &reason, "supervisor")
                    .await?;
                return Err(SupervisorError::Spawn(reason));
            }
        };
        let pid = child.id();
        let worker = store.set_worker_pid(tenant, pid).await?;
        let started_at = store.worker_runtime(tenant).await?.started_at;
        lock(&self.slots).insert(
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

    /// Whether `tenant`'s worker should still run: any replica may have
    /// stopped it since this one last looked. Unknown (a database error)
    /// counts as wanted: a spurious restart is safer than a lost worker.
    async fn still_wanted(&self, tenant: TenantId) -> bool {
        match self.shared.store.worker_runtime(tenant).await {
            Ok(runtime) => runtime.desired == Desired::Running,
            Err(flowhq_store::StoreError::NotFound(_)) => false,
            Err(_) => true,
        }
    }

    /// Records a death noticed by [`Strategy::tick`]: the restart is
    /// already scheduled, unless the worker was stopped meanwhile or has
    /// failed fast too often.
    async fn record_death(
        &self,
        tenant: TenantId,
        exit: String,
        fast_failures: u32,
        started_at: Option<DateTime<Utc>>,
    ) {
        let store = &self.shared.store;
        self.shared.beats.forget(tenant);
        if !self.still_wanted(tenant).await {
            // Stopped on purpose, through another replica.
            lock(&self.slots).remove(&tenant);
            return;
        }
        if fast_failures >= MAX_FAST_FAILURES {
            lock(&self.slots).remove(&tenant);
            let reason = format!(
                "the worker exited {fast_failures} times in a row within {}s of starting; last: {exit}",
                FAST_FAILURE.as_secs()
            );
            tracing::error!(tenant_id = %tenant, %reason, "giving up on a worker");
            if let Err(e) = store
                .worker_failed(tenant, started_at, &reason, "supervisor")
                .await
            {
                tracing::error!(tenant_id = %tenant, error = %e, "recording a failed worker");
            }
        } else {
            tracing::warn!(tenant_id = %tenant, %exit, fast_failures, "worker exited; restarting");
            let reason = format!("exited ({exit}); restarting");
            let _ = store
                .set_worker_status(tenant, WorkerStatus::Starting, Some(&reason))
                .await;
        }
    }

    fn rotate_logs(&self) {
        let tenants: Vec<TenantId> = lock(&self.slots).keys().copied().collect();
        for tenant in tenants {
            let name = WorkerProcess::process_name_for(tenant);
            let path = process::log_path(&self.launcher.data_dir, &name);
            if let Err(e) =
                process::rotate_if_large(&path, process::LOG_MAX_BYTES, process::LOG_KEEP)
            {
                tracing::warn!(error = %e, path = %path.display(), "rotating a worker log");
            }
        }
    }
}

#[async_trait::async_trait]
impl Strategy for Local {
    async fn start(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let runtime = self.shared.store.worker_runtime(tenant).await?;
        let running_here = matches!(lock(&self.slots).get(&tenant), Some(Slot::Running(_)));
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

    /// SIGTERM, then SIGKILL after the grace period.
    async fn stop(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let store = &self.shared.store;
        let runtime = store.worker_runtime(tenant).await?;
        store.set_worker_desired(tenant, Desired::Stopped).await?;
        let slot = lock(&self.slots).remove(&tenant);
        let name = &runtime.worker.process_name;
        let (pid, child) = match slot {
            Some(Slot::Running(p)) => (Some(p.pid), p.child),
            _ => (
                runtime
                    .worker
                    .pid
                    .filter(|pid| process::is_worker(*pid, name)),
                None,
            ),
        };
        if let Some(pid) = pid {
            store
                .set_worker_status(tenant, WorkerStatus::Stopping, None)
                .await?;
            terminate_gracefully(pid, child, name, self.launcher.stop_grace).await;
            tracing::info!(tenant_id = %tenant, pid, "worker stopped");
        }
        self.shared.beats.forget(tenant);
        Ok(store
            .set_worker_status(tenant, WorkerStatus::Stopped, None)
            .await?)
    }

    async fn readopt(&self, settled: bool) -> Result<()> {
        let store = &self.shared.store;
        let fresh_since = Utc::now() - FAST_FAILURE;
        for runtime in store.workers_to_supervise().await? {
            let worker = &runtime.worker;
            let tenant = worker.tenant_id;
            if lock(&self.slots).contains_key(&tenant) {
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
                    let adopted = Proc {
                        pid,
                        child: None,
                        started: Instant::now(),
                        started_at: runtime.started_at,
                        fast_failures: 0,
                    };
                    lock(&self.slots).insert(tenant, Slot::Running(adopted));
                }
                (_, _, Desired::Running) => {
                    tracing::info!(tenant_id = %tenant, "worker gone while the control plane was down; restarting");
                    if let Err(e) = self.spawn(tenant, &worker.process_name, true, 0).await {
                        tracing::error!(tenant_id = %tenant, error = %e, "restarting a worker");
                    }
                }
                _ => {
                    store
                        .set_worker_status(tenant, WorkerStatus::Stopped, None)
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn tick(&self, pass: Pass) {
        let now = Instant::now();
        let mut died = Vec::new();
        let mut due = Vec::new();
        for (tenant, slot) in lock(&self.slots).iter_mut() {
            match slot {
                // Our child, and no SIGCHLD since the last look: still running.
                Slot::Running(p) if p.child.is_some() && !pass.children => {}
                // Our child after a SIGCHLD, or a re-adopted worker (see `exited`).
                Slot::Running(p) => {
                    if let Some(exit) = exited(p, *tenant, pass.children) {
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
        for (tenant, exit, fast_failures, started_at) in died {
            self.record_death(tenant, exit, fast_failures, started_at)
                .await;
        }
        for (tenant, fast_failures) in due {
            lock(&self.slots).remove(&tenant);
            if !self.still_wanted(tenant).await {
                continue;
            }
            let name = WorkerProcess::process_name_for(tenant);
            if let Err(e) = self.spawn(tenant, &name, true, fast_failures).await {
                tracing::error!(tenant_id = %tenant, error = %e, "restarting a worker");
            }
        }
        if pass.rotate_logs {
            self.rotate_logs();
        }
    }

    fn reap_only(&self) {
        lock(&self.slots).retain(|tenant, slot| match slot {
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

    async fn adopt_gone(&self, tenant: TenantId) -> Result<bool> {
        if lock(&self.slots).contains_key(&tenant) {
            return Ok(false);
        }
        let runtime = self.shared.store.worker_runtime(tenant).await?;
        let worker = &runtime.worker;
        let gone = worker
            .pid
            .is_some_and(|pid| !process::is_worker(pid, &worker.process_name));
        if runtime.desired != Desired::Running || !gone {
            return Ok(false);
        }
        tracing::warn!(tenant_id = %tenant, pid = worker.pid, "a worker started elsewhere has gone; restarting it");
        let restart = Slot::Restarting {
            at: Instant::now(),
            fast_failures: 0,
        };
        lock(&self.slots).insert(tenant, restart);
        Ok(true)
    }

    async fn forget_hung(&self, tenant: TenantId, pid: Option<u32>, process_name: &str) {
        let slot = lock(&self.slots).remove(&tenant);
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

    fn is_restarting(&self, tenant: TenantId) -> bool {
        matches!(
            lock(&self.slots).get(&tenant),
            Some(Slot::Restarting { .. })
        )
    }
}

/// `Some(how)` when the process is gone. A re-adopted worker is not our
/// child, so no SIGCHLD tells of its end: each pass looks whether its pid
/// still exists (one system call), and only a `thorough` pass reads
/// `/proc` to tell it from a process that reused the pid, or from a
/// zombie whose new parent does not reap it (so such a death is noticed
/// up to one housekeeping period late, about 10 s). Two `/proc` reads for
/// each of 2,000 re-adopted workers every 250 ms would be a tenth of a
/// core.
fn exited(p: &mut Proc, tenant: TenantId, thorough: bool) -> Option<String> {
    match &mut p.child {
        Some(child) => match child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(format!("unknown ({e})")),
        },
        None => {
            let running = if thorough {
                process::is_worker(p.pid, &WorkerProcess::process_name_for(tenant))
            } else {
                process::exists(p.pid)
            };
            (!running).then(|| "exited".to_owned())
        }
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
}
