//! The stale monitor: a worker whose last heartbeat is older than
//! `FLOWHQ_STALE_AFTER` (alive but hung, or gone where nothing restarts it)
//! is marked ERROR, its tenant ERROR through the status machine, and a hung
//! local process is killed so that a retry starts clean.
//!
//! Heartbeats are kept in memory by the worker API; each tick writes the
//! new ones to the database in a few batched statements, so thousands of
//! workers cost a handful of writes per interval, not one per heartbeat.
//!
//! With several replicas, each one holds the heartbeats it received, so
//! every replica persists its own; only the leader ([`crate::leader`])
//! judges staleness, from the database that all of them write to.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::state::AppState;

/// How often the leader forgets sends handed over long ago.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// How often the monitor runs: at least once per heartbeat interval.
pub fn tick_period(heartbeat_interval: Duration, stale_after: Duration) -> Duration {
    (heartbeat_interval / 2)
        .min(stale_after / 3)
        .max(Duration::from_millis(100))
}

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let leadership = state.leadership.clone();
    let period = tick_period(
        state.settings.heartbeat_interval,
        state.settings.stale_after,
    );
    // Heartbeats missed while no control plane was watching (this one was
    // down, or another replica led and may have held beats it never
    // persisted) are not the workers' fault: they are due again from when
    // this replica took over.
    let mut leading_since = None;
    let mut healer = crate::heal::Healer::default();
    let mut pruned_at: Option<tokio::time::Instant> = None;
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        if let Err(e) = state.supervisor.persist_beats().await {
            tracing::error!(error = %e, "persisting heartbeats");
        }
        if !leadership.is_leader() {
            leading_since = None;
            continue;
        }
        let since = *leading_since.get_or_insert_with(Utc::now);
        if let Err(e) = check_stale(&state, since).await {
            tracing::error!(error = %e, "stale monitor");
        }
        if let Err(e) = healer
            .tick(&state, &state.settings.error_retry_schedule)
            .await
        {
            tracing::error!(error = %e, "automatic retries");
        }
        if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(tokio::time::Instant::now());
            let before = Utc::now() - flowhq_store::sends::HANDED_RETENTION;
            match state.store.prune_handed_sends(before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sends = n, "forgot sends handed over long ago"),
                Err(e) => tracing::warn!(error = %e, "pruning handed-over sends"),
            }
            let before = Utc::now() - flowhq_store::api_keys::IDEMPOTENCY_WINDOW;
            if let Err(e) = state.store.prune_idempotency(before).await {
                tracing::warn!(error = %e, "pruning idempotency keys");
            }
        }
    }
    // Keep the last heartbeats for the next control plane.
    let _ = state.supervisor.persist_beats().await;
}

/// Marks the workers whose last heartbeat, known here or persisted by any
/// replica, is too old.
pub async fn check_stale(state: &AppState, started: DateTime<Utc>) -> anyhow::Result<()> {
    let now = Utc::now();
    let stale_after = chrono::Duration::from_std(state.settings.stale_after)?;
    let store = state.supervisor.store();
    for runtime in store.live_workers().await? {
        let worker = &runtime.worker;
        let tenant = worker.tenant_id;
        if state.supervisor.is_restarting(tenant) {
            continue;
        }
        let last = [
            state.supervisor.last_beat(tenant),
            worker.last_heartbeat_at,
            runtime.started_at,
            Some(started),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(started);
        if now - last <= stale_after {
            continue;
        }
        // Gone rather than hung: a crash, which is restarted, not an ERROR.
        if state.supervisor.adopt_gone(tenant).await? {
            continue;
        }
        let reason = format!(
            "no heartbeat for {}s (stale after {}s)",
            (now - last).num_seconds(),
            stale_after.num_seconds()
        );
        let marked = store
            .worker_failed(tenant, runtime.started_at, &reason, "monitor")
            .await?;
        if let Some(transition) = marked {
            tracing::warn!(
                tenant_id = %tenant,
                %reason,
                tenant_status = ?transition.map(|t| t.to),
                "worker stale"
            );
            state
                .supervisor
                .forget_hung(tenant, worker.pid, &worker.process_name)
                .await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monitor_ticks_at_least_once_per_interval() {
        let s = Duration::from_secs;
        assert_eq!(tick_period(s(10), s(30)), s(5));
        assert!(tick_period(s(10), s(12)) <= s(4));
        assert_eq!(
            tick_period(Duration::from_millis(50), Duration::from_millis(150)),
            Duration::from_millis(100)
        );
    }
}
