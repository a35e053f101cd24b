//! Webhooks: posting queued events to integrators' endpoints.
//!
//! Deliveries are queued by the store in the transaction of their cause
//! (`flowhq_store::webhooks`); [`sender::run`], on the leader replica only,
//! posts the due ones, signed per Standard Webhooks, and retries failures
//! on [`Settings::webhook_retry_schedule`](crate::config::Settings) until
//! they are dead letters.

pub mod guard;
pub mod notice;
pub mod sender;

use std::time::Duration;

use tokio::sync::Notify;

use crate::config::Settings;

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The webhook side of the application state.
pub struct WebhookService {
    pub client: reqwest::Client,
    pub allow_private: bool,
    pub schedule: Vec<Duration>,
    /// Pokes the sender when deliveries were queued or replayed.
    pub wake: Notify,
}

impl WebhookService {
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        let mut client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            // A redirect could lead past the address check.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("FlowHQ-Webhooks/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(sender::CONCURRENCY);
        if !settings.webhook_allow_private {
            client = client.dns_resolver(guard::PublicOnly::shared());
        }
        Ok(Self {
            client: client.build()?,
            allow_private: settings.webhook_allow_private,
            schedule: settings.webhook_retry_schedule.clone(),
            wake: Notify::new(),
        })
    }

    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
