//! The simulated WhatsApp network (`FLOWHQ_CHANNEL=simulator`). Its state
//! lives in the database (`flowhq_store::sim`); this hub only wakes the
//! long polls of workers when something happens to their tenant.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use flowhq_domain::TenantId;
use tokio::sync::{Notify, watch};

pub struct SimHub {
    waiters: Mutex<HashMap<TenantId, Arc<Notify>>>,
    closing: watch::Sender<bool>,
}

impl Default for SimHub {
    fn default() -> Self {
        Self {
            waiters: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
        }
    }
}

impl SimHub {
    /// The notifier a tenant's long poll waits on.
    pub fn notifier(&self, tenant: TenantId) -> Arc<Notify> {
        let mut waiters = self
            .waiters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        waiters.entry(tenant).or_default().clone()
    }

    /// Something changed for `tenant`: wake its long polls.
    pub fn poke(&self, tenant: TenantId) {
        self.notifier(tenant).notify_waiters();
    }

    /// Ends every long poll: the control plane is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

/// A random code for a QR image: what WhatsApp encodes is an opaque
/// string of this sort.
pub fn new_qr_code() -> String {
    let bytes: [u8; 24] = rand::random();
    let body: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("2@sim{body}")
}
