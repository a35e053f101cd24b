//! How a worker talks to WhatsApp. The runtime asks a channel for its next
//! event, acknowledges inbound messages once they are safe in the outbox,
//! and sends replies through it.

pub mod simulator;
pub mod whatsapp_web;

use chrono::{DateTime, Utc};
pub use flowhq_domain::bot::ChatKind;
use flowhq_domain::media::Attachment;

use crate::media::MediaBytes;
use crate::{Result, WorkerError};

/// A message as the network delivered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMessage {
    /// The network's id: the same on every redelivery.
    pub wa_message_id: String,
    /// The contact: `+` and digits when the number is known, else the
    /// network's id for them. For the business's own messages (`from_me`),
    /// the contact they went to.
    pub from: String,
    /// The name the contact gave themselves, when the network says.
    pub push_name: Option<String>,
    /// Their private id (LID) when `from` is their number and the network
    /// told both: the control plane merges the two histories.
    pub hidden_id: Option<String>,
    /// The text, or the caption of `media`.
    pub text: String,
    /// An image, document, voice note, … the contact sent, kept in the
    /// worker's media folder ([`crate::media::MediaCache::keep`]).
    pub media: Option<Attachment>,
    pub at: DateTime<Utc>,
    /// Only direct chats are answered; the rest is logged.
    pub kind: ChatKind,
    /// Sent by the business itself (its phone, or another linked device).
    pub from_me: bool,
}

impl InboundMessage {
    /// A customer's message in a direct chat.
    pub fn direct(wa_message_id: &str, from: &str, text: &str, at: DateTime<Utc>) -> Self {
        Self {
            wa_message_id: wa_message_id.to_owned(),
            from: from.to_owned(),
            push_name: None,
            hidden_id: None,
            text: text.to_owned(),
            media: None,
            at,
            kind: ChatKind::Direct,
            from_me: false,
        }
    }
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
    PairingCode {
        code: String,
        expires_at: Option<DateTime<Utc>>,
    },
    /// Linked and online.
    Connected,
    /// Not connected, and why, in words for the operator. `retrying`: the
    /// channel keeps trying by itself; otherwise it waits to be asked
    /// (for new QR codes, say).
    Disconnected {
        error: String,
        retrying: bool,
    },
    /// A problem that leaves the session as it is (a pairing code refused).
    Trouble(String),
    /// The phone unlinked the device: its credentials are gone and a new QR
    /// code follows.
    LoggedOut,
    Inbound(InboundMessage),
    /// Messages the business sent were delivered, read or failed.
    Receipts(Vec<flowhq_domain::protocol::Receipt>),
}

/// A text or a file to send, with its idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub client_id: String,
    pub to: String,
    /// The text, or the caption of `media`.
    pub text: String,
    pub media: Option<MediaBytes>,
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

    /// Sends an image (shown in the chat) or a document (offered as a file)
    /// with `caption`, idempotent on `client_id` like [`Channel::send_text`].
    async fn send_media(
        &mut self,
        client_id: &str,
        to: &str,
        caption: &str,
        media: &MediaBytes,
    ) -> Result<Sent> {
        let _ = (client_id, to, caption, media);
        Err(WorkerError::Channel(
            "this channel cannot send files".into(),
        ))
    }

    /// Sends several messages as [`Channel::send_text`] and
    /// [`Channel::send_media`] would, stopping at the first failure: the
    /// results are in order and may be fewer than the messages. A network
    /// that takes several sends at once overrides this to send them
    /// concurrently.
    async fn send_texts(&mut self, texts: &[Outgoing]) -> Vec<Result<Sent>> {
        send_in_order(self, texts).await
    }

    /// Asks for a pairing code for `phone_number` (E.164): it comes back
    /// as [`ChannelEvent::PairingCode`], or a failure as
    /// [`ChannelEvent::Trouble`].
    async fn request_pairing_code(&mut self, phone_number: &str) -> Result<()>;

    /// Starts a new link attempt with fresh QR codes when the last ones ran
    /// out; does nothing while linked or while codes are still coming.
    async fn renew_qr(&mut self) -> Result<()>;

    /// Closes the connection cleanly before the worker exits.
    async fn close(&mut self) {}
}

/// Sends `messages` one after the other, stopping at the first failure.
pub async fn send_in_order<C: Channel + ?Sized>(
    channel: &mut C,
    messages: &[Outgoing],
) -> Vec<Result<Sent>> {
    let mut results = Vec::with_capacity(messages.len());
    for m in messages {
        let result = match &m.media {
            Some(media) => {
                channel
                    .send_media(&m.client_id, &m.to, &m.text, media)
                    .await
            }
            None => channel.send_text(&m.client_id, &m.to, &m.text).await,
        };
        let failed = result.is_err();
        results.push(result);
        if failed {
            break;
        }
    }
    results
}
