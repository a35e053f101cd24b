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
