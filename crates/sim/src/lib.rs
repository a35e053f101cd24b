//! The simulated WhatsApp network: what tests, demos and load tests run
//! the whole real pipeline through.
//!
//! It keeps each tenant's linked device and QR codes (rotating like
//! WhatsApp's: 60 s for the first, 20 s after), the customer messages on
//! their way to the tenant's worker (redelivered until acknowledged), and
//! what the bot sent (once per client id). Its state is its own SQLite
//! file, `<data dir>/sim.db` ([`store`]), never the production database,
//! and it survives a restart like the real network does.
//!
//! The control plane mounts it under `FLOWHQ_CHANNEL=simulator`; `flowhq
//! sim` serves it alone ([`http`]), and workers find it by
//! `FLOWHQ_SIM_URL`, so that load tests measure the control plane apart.

pub mod http;
mod network;
pub mod store;

pub use network::{Network, new_qr_code};
pub use store::{SimDevice, SimOutbound, SimOutboundMedia};

/// The largest request the network takes: a message with a 16 MiB file in
/// base64, and room for the rest.
pub const MAX_BODY_BYTES: usize = 24 * 1024 * 1024;

/// What the network refuses, and why.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("sim.db: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("sim.db: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = SimError> = std::result::Result<T, E>;
