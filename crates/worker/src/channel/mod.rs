//! How a worker talks to WhatsApp. The runtime asks a channel for its next
//! event, acknowledges inbound messages once they are safe in the outbox,
//! and sends replies through it.

pub mod simulator;

use chrono::{DateTime, Utc};

use crate::Result;

/// A customer's message as the network delivered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMessage {
    /// The network's id: the same on every redelivery.
    pub wa_message_id: String,
    pub from: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// What happened on the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelEvent {
    /// Show this QR code to link the device; it expires at `expires_at`.
    Qr {
        code: String,
        expires_at: Option<DateTime<Utc>>,
    },
    /// Link by typing this code on the phone instead of scanning.
    PairingCode(String),
    /// Linked and online.
    Connected,
    /// The phone unlinked the device: a new QR code follows.
    LoggedOut,
    Inbound(InboundMessage),
}

/// A text to send, with its idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub client_id: String,
    pub to: String,
    pub text: String,
}

/// A message the network accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub wa_message_id: String,
    pub sent_at: DateTime<Utc>,
}

#[async_trait::async_trait]
pub trait Channel: Send {
    /// Waits for the next event. Transient network trouble is retried
    /// inside; an error means the channel cannot go on. Must be cancel
    /// safe: the runtime races it against timers.
    async fn next_event(&mut self) -> Result<ChannelEvent>;

    /// An event already received and waiting, without waiting for more.
    /// The runtime drains these after an inbound message so that a burst is
    /// stored in one outbox transaction and acknowledged in one call.
    fn take_ready(&mut self) -> Option<ChannelEvent> {
        None
    }

    /// Tells the network these messages are safely stored: it stops
    /// redelivering them.
    async fn ack(&mut self, wa_message_ids: &[String]) -> Result<()>;

    /// Sends a text. `client_id` makes it idempotent: sending the same id
    /// again sends nothing and returns the first send.
    async fn send_text(&mut self, client_id: &str, to: &str, text: &str) -> Result<Sent>;

    /// Sends several texts as [`Channel::send_text`] would, stopping at the
    /// first failure: the results are in order and may be fewer than the
    /// texts. A network that takes several sends at once overrides this to
    /// send them concurrently.
    async fn send_texts(&mut self, texts: &[Outgoing]) -> Vec<Result<Sent>> {
        let mut results = Vec::with_capacity(texts.len());
        for t in texts {
            let result = self.send_text(&t.client_id, &t.to, &t.text).await;
            let failed = result.is_err();
            results.push(result);
            if failed {
                break;
            }
        }
        results
    }
}
