use std::sync::Arc;

use flowhq_store::Store;

use crate::auth::rate_limit::LoginLimiter;
use crate::config::Settings;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    /// Runs the tenants' workers and knows their heartbeats and tokens.
    pub supervisor: crate::supervisor::Supervisor,
    /// The simulated WhatsApp network, when this control plane hosts it
    /// (`FLOWHQ_CHANNEL=simulator` without `FLOWHQ_SIM_URL`).
    pub sim: Option<Arc<flowhq_sim::Network>>,
    pub login_limiter: Arc<LoginLimiter>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Mail: the transport, links, and the reset-request limiter.
    pub mail: Arc<crate::mail::MailService>,
    /// Webhooks: the HTTP client and the sender's wake-up.
    pub webhooks: Arc<crate::webhooks::WebhookService>,
    /// Tenants' files in the data dir.
    pub media: crate::media::MediaFiles,
    /// Whether this replica runs the elected background jobs.
    pub leadership: crate::leader::Leadership,
    /// Whether the server is stopping; the requests still running.
    pub shutdown: crate::security::shutdown::Shutdown,
    /// The inbox's live updates, for the event streams open here.
    pub inbox: Arc<crate::inbox_events::InboxEvents>,
}
