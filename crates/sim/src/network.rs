//! The network's behaviour on top of its store: long polls that wake when
//! something happens to their tenant, linking by QR scan or pairing code,
//! customers' messages, idempotent sends.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::media::MAX_MEDIA_BYTES;
use flowhq_domain::protocol::{
    SimMedia, SimMessage, SimPoll, SimSend, SimSent, SimView, sim_pairing_code,
};
use sha2::{Digest, Sha256};
use tokio::sync::{Notify, watch};

use crate::store::{SimInbound, SimOutbound, SimOutboundMedia, SimStore};
use crate::{Result, SimError};

/// The longest a poll is held open.
const MAX_WAIT: Duration = Duration::from_secs(25);
/// Messages handed out per poll.
const POLL_BATCH: u32 = 100;
/// The most a customer may write at once, like WhatsApp.
const MAX_TEXT: usize = 4096;
/// How long receipts wait for other news before a poll is answered for
/// them alone. Phones report deliveries a moment late and several at once;
/// a busy chat's receipts then come with its next message, and the worker
/// stores both in one commit instead of a poll and a commit for each.
const RECEIPT_DELAY: Duration = Duration::from_millis(500);

/// The simulated network: its store and the long polls waiting on it.
#[derive(Debug)]
pub struct Network {
    store: SimStore,
    waiters: Mutex<HashMap<TenantId, Arc<Notify>>>,
    closing: watch::Sender<bool>,
}

/// A random code for a QR image: what WhatsApp encodes is an opaque string
/// of this sort.
pub fn new_qr_code() -> String {
    let bytes: [u8; 24] = rand::random();
    let body = hex::encode(bytes);
    format!("2@sim{body}")
}

fn is_news(view: &SimView, poll: &SimPoll, now: DateTime<Utc>) -> bool {
    view.linked != poll.linked
        || !view.messages.is_empty()
        || receipts_due_at(view).is_some_and(|due| due <= now)
        || (view.linked && view.credentials != poll.credentials)
        || (!view.linked && view.qr != poll.known_qr)
}

/// When the oldest receipt waiting has waited [`RECEIPT_DELAY`].
fn receipts_due_at(view: &SimView) -> Option<DateTime<Utc>> {
    let oldest = view.receipts.iter().map(|r| r.at).min()?;
    Some(oldest + RECEIPT_DELAY)
}

impl Network {
    /// The network kept in `path` (`<data dir>/sim.db`).
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self {
            store: SimStore::open(path)?,
            waiters: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
        })
    }

    fn notifier(&self, tenant: TenantId) -> Arc<Notify> {
        let mut waiters = self
            .waiters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        waiters.entry(tenant).or_default().clone()
    }

    /// Something changed for `tenant`: wake its long polls.
    fn poke(&self, tenant: TenantId) {
        self.notifier(tenant).notify_waiters();
    }

    /// Ends every long poll: the server is stopping.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn view(&self, tenant: TenantId) -> Result<SimView> {
        let (device, pending, receipts) =
            self.store
                .view(tenant, POLL_BATCH, Utc::now(), new_qr_code)?;
        Ok(SimView {
            linked: device.linked,
            credentials: device.credentials.filter(|_| device.linked),
            qr: device.qr.filter(|_| !device.linked),
            qr_expires_at: device.qr_expires_at.filter(|_| !device.linked),
            messages: pending
                .into_iter()
                .map(|m| SimMessage {
                    wa_message_id: m.wa_message_id,
                    from: m.from,
                    text: m.text,
                    media: m.media,
                    at: m.at,
                })
                .collect(),
            receipts,
        })
    }

    /// A worker's long poll: acknowledges what it carries, then answers
    /// when something differs from what the worker knows, a message waits
    /// or receipts have waited [`RECEIPT_DELAY`], or after `wait_ms` (25 s
    /// at most).
    pub async fn poll(&self, tenant: TenantId, poll: &SimPoll) -> Result<SimView> {
        if !poll.ack.is_empty() || !poll.ack_receipts.is_empty() {
            self.store
                .acknowledge(tenant, &poll.ack, &poll.ack_receipts, Utc::now())?;
        }
        let deadline =
            tokio::time::Instant::now() + Duration::from_millis(poll.wait_ms).min(MAX_WAIT);
        let notifier = self.notifier(tenant);
        let mut closing = self.closing.subscribe();
        loop {
            // Registered before looking, so a change between the look and
            // the wait still wakes this poll.
            let notified = notifier.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let current = self.view(tenant)?;
            if is_news(&current, poll, Utc::now())
                || tokio::time::Instant::now() >= deadline
                || *closing.borrow()
            {
                return Ok(current);
            }
            // Wake in time to hand out the next QR code when this one
            // expires, and the receipts waiting when they are due.
            let mut wake = deadline;
            for at in [current.qr_expires_at, receipts_due_at(&current)]
                .into_iter()
                .flatten()
            {
                let left = (at - Utc::now()).to_std().unwrap_or_default();
                wake = wake.min(tokio::time::Instant::now() + left + Duration::from_millis(10));
            }
            tokio::select! {
                () = &mut notified => {}
                () = tokio::time::sleep_until(wake) => {}
                _ = closing.changed() => {}
            }
        }
    }

    /// The bot sends a text; idempotent on `client_id`.
    pub fn send(&self, tenant: TenantId, send: &SimSend) -> Result<SimSent> {
        if send.client_id.is_empty() || send.client_id.len() > 200 {
            return Err(SimError::Invalid {
                field: "client_id",
                message: "client_id must be 1 to 200 characters".into(),
            });
        }
        let media = send
            .media
            .as_ref()
            .map(|media| {
                let bytes = decode(media, "media")?;
                Ok::<_, SimError>(SimOutboundMedia {
                    mime: media.mime.clone(),
                    file_name: media.file_name.clone(),
                    size: bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(&bytes)),
                })
            })
            .transpose()?;
        let wa_message_id = format!("SIMOUT{}", uuid::Uuid::now_v7().simple()).to_uppercase();
        let sent = self.store.send(
            tenant,
            &send.client_id,
            &send.to,
            &send.text,
            media.as_ref(),
            &wa_message_id,
            Utc::now(),
        )?;
        Ok(SimSent {
            wa_message_id: sent.wa_message_id,
            sent_at: sent.sent_at,
        })
    }

    /// The phone scans the QR code on show, or (with `pairing_code`) types
    /// the code the worker showed: the device is linked.
    pub fn scan(&self, tenant: TenantId, pairing_code: Option<&str>) -> Result<()> {
        if let Some(typed) = pairing_code {
            let typed: String = typed
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_uppercase();
            let device = self.store.device(tenant, Utc::now(), new_qr_code)?;
            let expected = device
                .qr
                .filter(|_| !device.linked)
                .map(|qr| sim_pairing_code(&qr));
            if expected.as_deref() != Some(typed.as_str()) {
                return Err(SimError::Invalid {
                    field: "pairing_code",
                    message: "pairing_code is not the code on show (it changes with the QR code)"
                        .into(),
                });
            }
        }
        let credentials = hex::encode(rand::random::<[u8; 32]>());
        self.store.link(tenant, &credentials, Utc::now())?;
        self.poke(tenant);
        Ok(())
    }

    /// The phone unlinks the device.
    pub fn logout(&self, tenant: TenantId) -> Result<()> {
        self.store.unlink(tenant, Utc::now())?;
        self.poke(tenant);
        Ok(())
    }

    /// A customer writes to the tenant, a text or a file with `text` as its
    /// caption; returns the message's id.
    pub fn inbound(
        &self,
        tenant: TenantId,
        from: &str,
        text: &str,
        media: Option<SimMedia>,
    ) -> Result<String> {
        let from = from.trim();
        if from.is_empty() || from.len() > 64 {
            return Err(SimError::Invalid {
                field: "from",
                message: "from must be 1 to 64 characters".into(),
            });
        }
        if text.chars().count() > MAX_TEXT {
            return Err(SimError::Invalid {
                field: "text",
                message: format!("text must be at most {MAX_TEXT} characters"),
            });
        }
        if let Some(media) = &media {
            decode(media, "media")?;
            if media.mime.trim().is_empty() || !media.mime.contains('/') {
                return Err(SimError::Invalid {
                    field: "media.mime",
                    message: "media.mime must be a media type, like image/jpeg".into(),
                });
            }
        } else if text.trim().is_empty() {
            return Err(SimError::Invalid {
                field: "text",
                message: "a message needs a text or media".into(),
            });
        }
        let wa_message_id = format!("SIMIN{}", uuid::Uuid::now_v7().simple()).to_uppercase();
        self.store.push_inbound(
            tenant,
            &SimInbound {
                wa_message_id: wa_message_id.clone(),
                from: from.to_owned(),
                text: text.to_owned(),
                media,
                at: Utc::now(),
            },
        )?;
        self.poke(tenant);
        Ok(wa_message_id)
    }

    /// The customer `from` reads their chat with the tenant: READ receipts
    /// for what the business sent them. Returns how many messages.
    pub fn read(&self, tenant: TenantId, from: &str) -> Result<u64> {
        let from = from.trim();
        if from.is_empty() || from.len() > 64 {
            return Err(SimError::Invalid {
                field: "from",
                message: "from must be 1 to 64 characters".into(),
            });
        }
        let read = self.store.read(tenant, from, Utc::now())?;
        if read > 0 {
            self.poke(tenant);
        }
        Ok(read)
    }

    /// What the tenant's bot sent, oldest first.
    pub fn outbox(&self, tenant: TenantId, limit: u32) -> Result<Vec<SimOutbound>> {
        self.store.outbox(tenant, limit)
    }
}

/// The bytes of a file on the network: valid base64, at most 16 MiB.
fn decode(media: &SimMedia, field: &'static str) -> Result<Vec<u8>> {
    let bytes = BASE64
        .decode(media.data_base64.trim())
        .map_err(|_| SimError::Invalid {
            field,
            message: format!("{field}.data_base64 is not valid base64"),
        })?;
    if bytes.is_empty() || bytes.len() > MAX_MEDIA_BYTES {
        return Err(SimError::Invalid {
            field,
            message: format!("{field} must be 1 byte to 16 MiB"),
        });
    }
    Ok(bytes)
}
