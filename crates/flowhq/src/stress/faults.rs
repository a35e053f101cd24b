//! The failures a stress run causes on purpose, and how it tells that the
//! platform recovered: a SIGKILLed worker must be restarted by the
//! supervisor; a SIGSTOPped (hung) one must be marked ERROR by the stale
//! monitor, after which the run retries it.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::client::Api;
use super::procfs;

/// A worker as the admin API shows it.
#[derive(Clone, Copy, Debug)]
pub struct WorkerSnapshot {
    pub pid: u32,
    pub restarts: u64,
}

pub async fn worker(api: &Api, tenant: &str) -> anyhow::Result<(String, Option<WorkerSnapshot>)> {
    let t: Value = api
        .admin_get(&format!("/api/admin/tenants/{tenant}"))
        .await?;
    let status = t["status"].as_str().unwrap_or_default().to_string();
    let worker = t["worker"]["pid"].as_u64().map(|pid| WorkerSnapshot {
        pid: pid as u32,
        restarts: t["worker"]["restarts"].as_u64().unwrap_or(0),
    });
    Ok((status, worker))
}

/// SIGKILLs the tenant's worker and waits until the supervisor has
/// restarted it (new pid, one more restart) and the tenant is ACTIVE.
pub async fn kill(api: &Api, tenant: &str, deadline: Instant) -> anyhow::Result<Duration> {
    let (_, before) = worker(api, tenant).await?;
    let before = before.context("no worker to kill")?;
    ensure_local(before.pid)?;
    let killed_at = Instant::now();
    procfs::signal(before.pid, libc::SIGKILL).context("SIGKILL")?;
    loop {
        let (status, now) = worker(api, tenant).await?;
        if let Some(now) = now
            && now.pid != before.pid
            && now.restarts > before.restarts
            && status == "ACTIVE"
        {
            return Ok(killed_at.elapsed());
        }
        if Instant::now() > deadline {
            bail!("worker of {tenant} not back after SIGKILL (status {status})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// SIGSTOPs the tenant's worker, waits for the stale monitor to mark the
/// tenant ERROR (returns how long that took), then retries it and waits
/// until it is ACTIVE again.
pub async fn hang(api: &Api, tenant: &str, deadline: Instant) -> anyhow::Result<Duration> {
    let (_, before) = worker(api, tenant).await?;
    let before = before.context("no worker to hang")?;
    ensure_local(before.pid)?;
    let stopped_at = Instant::now();
    procfs::signal(before.pid, libc::SIGSTOP).context("SIGSTOP")?;
    let detected = loop {
        let (status, _) = worker(api, tenant).await?;
        if status == "ERROR" {
            break stopped_at.elapsed();
        }
        if Instant::now() > deadline {
            // Leave nothing frozen behind.
            let _ = procfs::signal(before.pid, libc::SIGKILL);
            bail!("hung worker of {tenant} never marked ERROR (status {status})");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    api.admin_post(&format!("/api/admin/tenants/{tenant}/retry"), &json!({}))
        .await?;
    loop {
        let (status, now) = worker(api, tenant).await?;
        if status == "ACTIVE" && now.is_some_and(|w| w.pid != before.pid) {
            break;
        }
        if Instant::now() > deadline {
            bail!("{tenant} not ACTIVE after retry (status {status})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if procfs::alive(before.pid) {
        // The monitor kills hung local workers; one still here is a defect
        // the run reports, then cleans up.
        let _ = procfs::signal(before.pid, libc::SIGKILL);
        bail!(
            "the hung worker {} of {tenant} was left running",
            before.pid
        );
    }
    Ok(detected)
}

/// Signals only reach workers on this machine.
fn ensure_local(pid: u32) -> anyhow::Result<()> {
    if !procfs::alive(pid) {
        bail!(
            "worker pid {pid} is not a process on this machine: --kill and --hang need local workers"
        );
    }
    Ok(())
}
