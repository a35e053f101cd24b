//! Heartbeats as this replica heard them: kept in memory (the link
//! carries one per worker every few seconds) and written to the database
//! in batches by the monitor.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use flowhq_store::Store;

use super::{Result, lock};

struct Beat {
    at: DateTime<Utc>,
    /// Logs waiting in the worker's outbox, as it reported.
    outbox_backlog: u64,
    persisted: bool,
}

#[derive(Default)]
pub struct Beats {
    latest: Mutex<HashMap<TenantId, Beat>>,
}

impl Beats {
    /// Notes a heartbeat; returns whether it is the first since the worker
    /// (re)started.
    pub fn record(&self, tenant: TenantId, at: DateTime<Utc>, outbox_backlog: u64) -> bool {
        let beat = Beat {
            at,
            outbox_backlog,
            persisted: false,
        };
        lock(&self.latest).insert(tenant, beat).is_none()
    }

    /// Notes a sign of life that is not a heartbeat (a link attempt the
    /// control plane turned away because it was busy): the time moves on,
    /// the backlog last reported stays.
    pub fn alive(&self, tenant: TenantId, at: DateTime<Utc>) {
        let mut latest = lock(&self.latest);
        let outbox_backlog = latest.get(&tenant).map_or(0, |b| b.outbox_backlog);
        latest.insert(
            tenant,
            Beat {
                at,
                outbox_backlog,
                persisted: false,
            },
        );
    }

    pub fn last(&self, tenant: TenantId) -> Option<DateTime<Utc>> {
        lock(&self.latest).get(&tenant).map(|b| b.at)
    }

    pub fn outbox_backlog(&self, tenant: TenantId) -> Option<u64> {
        lock(&self.latest).get(&tenant).map(|b| b.outbox_backlog)
    }

    /// The worker stopped or was replaced: its next beat is a first one.
    pub fn forget(&self, tenant: TenantId) {
        lock(&self.latest).remove(&tenant);
    }

    /// Writes the beats not yet in the database, in one batch.
    pub async fn persist(&self, store: &Store) -> Result<usize> {
        let pending: Vec<(TenantId, DateTime<Utc>)> = lock(&self.latest)
            .iter()
            .filter(|(_, b)| !b.persisted)
            .map(|(t, b)| (*t, b.at))
            .collect();
        if pending.is_empty() {
            return Ok(0);
        }
        store.record_heartbeats(&pending).await?;
        let mut latest = lock(&self.latest);
        for (tenant, at) in &pending {
            // A newer beat that came in meanwhile still waits its turn.
            if let Some(beat) = latest.get_mut(tenant)
                && beat.at == *at
            {
                beat.persisted = true;
            }
        }
        Ok(pending.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_of_life_moves_the_time_and_keeps_the_backlog() {
        let beats = Beats::default();
        let tenant = TenantId::new();
        let first = Utc::now() - chrono::Duration::seconds(30);
        beats.record(tenant, first, 7);
        let later = Utc::now();
        beats.alive(tenant, later);
        assert_eq!(beats.last(tenant), Some(later));
        assert_eq!(beats.outbox_backlog(tenant), Some(7));
    }
}
