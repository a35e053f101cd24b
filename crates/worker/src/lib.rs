//! One tenant's worker: `flowhq worker --tenant <id>`.
//!
//! It links the tenant's WhatsApp number through a [`channel::Channel`],
//! answers customers with the bot engine, and keeps every message in a
//! durable [`outbox::Outbox`] in its data dir until the control plane has
//! logged it. The order of writes is what makes logging lossless and
//! replies exactly-once:
//!
//! 1. an inbound message, the bot's decision and its replies go into the
//!    outbox in one SQLite transaction;
//! 2. only then is the message acknowledged to the network (which
//!    redelivers anything unacknowledged, and the outbox drops repeats);
//! 3. replies are sent with a client id derived from the inbound message,
//!    which the network deduplicates, and marked sent after;
//! 4. logs are shipped in batches over the link and deleted once the
//!    control plane acknowledged them (it inserts idempotently);
//! 5. a text the control plane asks to send is written to the outbox,
//!    under the command's id, before the command is acknowledged.
//!
//! The control plane being down stops none of this except shipping.

pub mod backoff;
pub mod channel;
pub mod client;
pub mod media;
pub mod outbox;
mod runtime;

use std::path::PathBuf;
use std::time::Duration;

use flowhq_domain::TenantId;

pub use runtime::run;

/// Everything a worker is told by its environment; scoped to one tenant.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    pub control_plane_url: String,
    /// The simulated network when it runs apart (`FLOWHQ_SIM_URL`); `None`:
    /// the control plane hosts it.
    pub sim_url: Option<String>,
    pub tenant_id: TenantId,
    pub token: String,
    pub data_dir: PathBuf,
    pub heartbeat_interval: Duration,
    pub channel: ChannelChoice,
}

/// Which network the worker links to (`FLOWHQ_CHANNEL`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelChoice {
    /// The real WhatsApp, through `whatsapp-rust`.
    WhatsappWeb {
        /// The websocket to dial (`FLOWHQ_WHATSAPP_URL`), WhatsApp's by default.
        url: String,
        /// A pinned WhatsApp Web version (`FLOWHQ_WHATSAPP_VERSION`);
        /// `None` asks web.whatsapp.com for the current one.
        version: Option<(u32, u32, u32)>,
    },
    /// The control plane's simulated network.
    Simulator,
}

impl ChannelChoice {
    /// The real WhatsApp with every default.
    pub fn whatsapp_web() -> Self {
        Self::WhatsappWeb {
            url: channel::whatsapp_web::DEFAULT_URL.to_owned(),
            version: None,
        }
    }
}

impl WorkerSettings {
    /// `<data dir>/workers/<tenant id>`: the outbox, bot state, cached
    /// config and channel credentials.
    pub fn state_dir(&self) -> PathBuf {
        self.data_dir
            .join("workers")
            .join(self.tenant_id.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("control plane: {0}")]
    Http(#[from] reqwest::Error),
    #[error("control plane answered {status}: {body}")]
    Status {
        status: reqwest::StatusCode,
        body: String,
    },
    #[error("control plane link: {0}")]
    Link(#[from] tokio_websockets::Error),
    #[error("outbox: {0}")]
    Outbox(#[from] rusqlite::Error),
    #[error("outbox schema: {0}")]
    OutboxSchema(#[from] rusqlite_migration::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Protocol(String),
    #[error("WhatsApp: {0}")]
    Channel(String),
}

impl WorkerError {
    /// The control plane no longer accepts this worker's token: another
    /// worker replaced it, or the tenant is gone.
    pub fn is_revoked(&self) -> bool {
        let refused = |status: u16| matches!(status, 401 | 403 | 404);
        match self {
            WorkerError::Status { status, .. } => refused(status.as_u16()),
            WorkerError::Link(tokio_websockets::Error::Upgrade(
                tokio_websockets::upgrade::Error::DidNotSwitchProtocols(status),
            )) => refused(*status),
            _ => false,
        }
    }
}

pub type Result<T, E = WorkerError> = std::result::Result<T, E>;
