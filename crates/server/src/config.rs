//! The control plane's settings (docs/api.md's variables), already resolved from
//! flags, environment and `flowhq.toml` by the binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::auth::Secret;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    WhatsappWeb,
    Simulator,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WhatsappWeb => "whatsapp-web",
            Self::Simulator => "simulator",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SupervisorMode {
    Local,
    External,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub channel: ChannelKind,
    pub supervisor: SupervisorMode,
    pub heartbeat_interval: Duration,
    pub stale_after: Duration,
    /// The waits before the leader's automatic retries of a tenant in
    /// ERROR (`crate::heal`); empty: none.
    pub error_retry_schedule: Vec<Duration>,
    pub admin_token: Option<Secret>,
    pub admin_email: Option<String>,
    pub admin_password: Option<Secret>,
    pub portal_internal_key: Option<Secret>,
    /// `FLOWHQ_SMTP_URL`; without it mails are written to `<data dir>/mail/`.
    pub smtp_url: Option<Secret>,
    /// `FLOWHQ_MAIL_FROM`: the mails' sender, `Name <address>` or an address.
    pub mail_from: String,
    /// `FLOWHQ_PUBLIC_URL`: where people open Flow HQ, for links in mails;
    /// `None`: the address the control plane listens on.
    pub public_url: Option<String>,
    /// `FLOWHQ_ADVERTISE_URL`: the address workers dial for the link, e.g.
    /// a load balancer in front of replicas, so that a worker follows the
    /// control plane rather than the replica that started it; `None`: the
    /// address this replica listens on.
    pub advertise_url: Option<String>,
    /// `FLOWHQ_SIM_URL`: a simulated network run apart (`flowhq sim`) that
    /// workers use instead of this control plane's own.
    pub sim_url: Option<String>,
    /// The `flowhq` executable the local supervisor runs workers with;
    /// `None`: this one.
    pub worker_exe: Option<PathBuf>,
    /// How long a worker has to stop after SIGTERM before SIGKILL.
    pub worker_stop_grace: Duration,
    /// How often a replica on PostgreSQL tries for leadership, and the
    /// leader proves it still holds it (`crate::leader`).
    pub leader_check_every: Duration,
    /// Variables added to every local worker's environment, over what the
    /// control plane passes through (tests point the whatsapp-web channel
    /// at a local port this way).
    pub worker_env: Vec<(String, String)>,
    /// Timeouts and the cap on open connections (`crate::security::connections`).
    pub connections: crate::security::connections::ConnectionLimits,
    /// The bytes each tenant's files may take (`crate::media`).
    pub media_quota: u64,
    /// `FLOWHQ_WEBHOOK_ALLOW_PRIVATE`: webhooks may go to private, loopback
    /// and link-local addresses (tests, the simulator demo, a receiver on
    /// the same network); off by default (`crate::webhooks::guard`).
    pub webhook_allow_private: bool,
    /// `FLOWHQ_WEBHOOK_RETRY_SCHEDULE`: the waits between a webhook's
    /// attempts; its length is the number of retries.
    pub webhook_retry_schedule: Vec<Duration>,
    /// `FLOWHQ_SILENT_MIN`: the shortest silence (in opening time) that
    /// raises a silent-session alert, whatever the business's rhythm.
    pub silent_min: Duration,
    /// `FLOWHQ_SILENT_FACTOR`: how many times its usual gap a business
    /// may stay silent before the alert.
    pub silent_factor: f64,
}

impl Settings {
    /// Settings for a data dir with every other value at its default.
    pub fn with_data_dir(data_dir: PathBuf) -> Self {
        let database_url = default_database_url(&data_dir);
        let heartbeat_interval = Duration::from_secs(10);
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir,
            database_url,
            channel: ChannelKind::WhatsappWeb,
            supervisor: SupervisorMode::Local,
            heartbeat_interval,
            stale_after: heartbeat_interval * 3,
            error_retry_schedule: crate::heal::DEFAULT_SCHEDULE.to_vec(),
            admin_token: None,
            admin_email: None,
            admin_password: None,
            portal_internal_key: None,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            public_url: None,
            advertise_url: None,
            sim_url: None,
            worker_exe: None,
            worker_stop_grace: Duration::from_secs(10),
            leader_check_every: Duration::from_secs(5),
            worker_env: Vec::new(),
            connections: Default::default(),
            media_quota: crate::media::DEFAULT_QUOTA,
            webhook_allow_private: false,
            webhook_retry_schedule: flowhq_domain::webhooks::DEFAULT_RETRY_SCHEDULE.to_vec(),
            silent_min: Duration::from_secs(2 * 60 * 60),
            silent_factor: 2.0,
        }
    }
}

pub const DEFAULT_MAIL_FROM: &str = "Flow HQ <flowhq@localhost>";

pub fn default_database_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("flowhq.db").display())
}
