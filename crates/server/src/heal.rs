//! Automatic retries of tenants in ERROR.
//!
//! A tenant goes ERROR only when its worker stopped answering (the stale
//! monitor) or kept dying at start (the supervisor). Both are often
//! transient: a machine under load, a disk briefly full, a replica that
//! died with the worker's connection. So the leader retries such a tenant
//! as an operator would (`Event::Retry`, then a clean restart), waiting
//! longer before each attempt; when the schedule is spent, the tenant
//! stays ERROR with the worker's reason for an operator to read. A tenant
//! that has stayed out of ERROR for [`FORGET_AFTER`] starts afresh.
//!
//! A worker can also fail while its tenant cannot go ERROR: still
//! APPROVED (it never reported; say, a restart right after a retry, on a
//! machine too busy to link it in time) or PAUSED. Then the worker alone
//! is ERROR, and the same schedule restarts it, the tenant's status kept.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::lifecycle::Event;
use flowhq_domain::{TenantId, TenantStatus};

use crate::error::AppResult;
use crate::state::AppState;

/// The waits before the automatic retries of a tenant in ERROR: its
/// length is the number of attempts.
pub const DEFAULT_SCHEDULE: [Duration; 4] = [
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(90),
    Duration::from_secs(270),
];

/// How long a tenant must stay out of ERROR before its attempts are
/// forgotten: a worker that fails again soon after a retry is not healed.
pub const FORGET_AFTER: TimeDelta = TimeDelta::minutes(10);

/// The actor the tenant's history names for these retries.
pub const ACTOR: &str = "auto-retry";

#[derive(Debug)]
struct Attempts {
    /// Retries made so far.
    made: usize,
    /// When the next is due; `None` once the schedule is spent.
    next_at: Option<DateTime<Utc>>,
    /// When the tenant was last seen in ERROR.
    seen_at: DateTime<Utc>,
}

/// The leader's bookkeeping of retries (in memory: a new leader starts
/// its own schedule, which errs towards one more try).
#[derive(Debug, Default)]
pub struct Healer {
    attempts: HashMap<TenantId, Attempts>,
}

impl Healer {
    /// One pass: retries the tenants in ERROR that are due.
    pub async fn tick(&mut self, state: &AppState, schedule: &[Duration]) -> AppResult<()> {
        let now = Utc::now();
        let errored = state.store.tenants_to_heal().await?;
        self.attempts.retain(|tenant, a| {
            errored.iter().any(|(t, _)| t == tenant) || now - a.seen_at < FORGET_AFTER
        });
        for (tenant, status) in errored {
            let attempts = self.attempts.entry(tenant).or_insert_with(|| Attempts {
                made: 0,
                next_at: None,
                seen_at: now,
            });
            if attempts.seen_at < now - FORGET_AFTER {
                // Out of ERROR long enough in between: a new episode.
                attempts.made = 0;
                attempts.next_at = None;
            }
            attempts.seen_at = now;
            let Some(wait) = schedule.get(attempts.made) else {
                continue;
            };
            let due = *attempts
                .next_at
                .get_or_insert_with(|| now + TimeDelta::from_std(*wait).unwrap_or_default());
            if due > now {
                continue;
            }
            attempts.made += 1;
            attempts.next_at = None;
            let made = attempts.made;
            match retry(state, tenant, status).await {
                Ok(()) => tracing::info!(
                    tenant_id = %tenant,
                    attempt = made,
                    of = schedule.len(),
                    "retried a tenant in ERROR automatically"
                ),
                Err(e) => {
                    tracing::warn!(tenant_id = %tenant, error = %e, "retrying a tenant in ERROR")
                }
            }
            if made == schedule.len() {
                tracing::warn!(
                    tenant_id = %tenant,
                    "last automatic retry made; if it fails again the tenant stays ERROR for an operator"
                );
            }
        }
        Ok(())
    }
}

async fn retry(state: &AppState, tenant: TenantId, status: TenantStatus) -> AppResult<()> {
    if status == TenantStatus::Error {
        state.store.apply_event(tenant, Event::Retry, ACTOR).await?;
    }
    crate::lifecycle::after_retry(state, tenant).await
}
