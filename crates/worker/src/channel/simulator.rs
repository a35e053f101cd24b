//! The simulated WhatsApp network hosted by the control plane
//! (`FLOWHQ_CHANNEL=simulator`): a long poll tells this channel about QR
//! codes, links, logouts and customer messages. The credentials a link
//! hands out are saved in the worker's data dir, so a restarted worker
//! reconnects without a new scan. Pairing codes are derived from the QR
//! code on show ([`sim_pairing_code`]), which the simulated phone accepts
//! in place of a scan; they rotate with it.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use flowhq_domain::protocol::{
    Receipt, SimMedia, SimMessage, SimPoll, SimSend, SimView, sim_pairing_code,
};

use super::{Channel, ChannelEvent, InboundMessage, Outgoing, Sent};
use crate::backoff::Backoff;
use crate::client::ControlPlane;
use crate::media::{MediaBytes, MediaCache};
use crate::{Result, WorkerError};

/// How long one long poll may wait for news.
const POLL_WAIT: Duration = Duration::from_secs(20);

pub struct SimulatorChannel {
    client: ControlPlane,
    credentials_path: PathBuf,
    credentials: Option<String>,
    linked: bool,
    known_qr: Option<String>,
    known_qr_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The owner asked for pairing codes instead of QR scans.
    pairing: bool,
    pending: VecDeque<ChannelEvent>,
    /// Acknowledged by the runtime, told to the network with the next poll.
    unacked: Vec<String>,
    /// Receipts handed to the runtime, acknowledged with the next poll: the
    /// runtime asks for the next event only once it stored them.
    unacked_receipts: Vec<i64>,
    backoff: Backoff,
    media: Arc<MediaCache>,
}

impl SimulatorChannel {
    pub fn new(client: ControlPlane, credentials_path: PathBuf, media: Arc<MediaCache>) -> Self {
        let credentials = std::fs::read_to_string(&credentials_path)
            .ok()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        Self {
            client,
            credentials_path,
            credentials,
            linked: false,
            known_qr: None,
            known_qr_expires_at: None,
            pairing: false,
            pending: VecDeque::new(),
            unacked: Vec::new(),
            unacked_receipts: Vec::new(),
            backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(5)),
            media,
        }
    }

    /// A customer's message as the runtime takes it, its file kept.
    fn inbound(&self, m: SimMessage) -> InboundMessage {
        let mut message = InboundMessage::direct(&m.wa_message_id, &m.from, &m.text, m.at);
        if let Some(media) = m.media {
            // The network checked the base64 when the customer sent it.
            let bytes = BASE64.decode(media.data_base64).unwrap_or_default();
            match self.media.keep(&bytes, &media.file_name, &media.mime) {
                Ok(kept) => message.media = Some(kept),
                Err(e) => tracing::warn!(error = %e, "keeping a received file; logged without it"),
            }
        }
        message
    }

    fn save_credentials(&mut self, credentials: Option<String>) -> Result<()> {
        match &credentials {
            Some(c) => {
                // Written whole then renamed: a crash never leaves half a file.
                let tmp = self.credentials_path.with_extension("tmp");
                std::fs::write(&tmp, c)?;
                std::fs::rename(&tmp, &self.credentials_path)?;
            }
            None => match std::fs::remove_file(&self.credentials_path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            },
        }
        self.credentials = credentials;
        Ok(())
    }

    fn push_pairing_code(&mut self) {
        if let Some(qr) = &self.known_qr {
            self.pending.push_back(ChannelEvent::PairingCode {
                code: sim_pairing_code(qr),
                expires_at: self.known_qr_expires_at,
            });
        }
    }

    /// Turns the difference between what this channel knew and `view`
    /// into events.
    fn absorb(&mut self, view: SimView) -> Result<()> {
        if view.linked {
            if view.credentials.is_some() && view.credentials != self.credentials {
                self.save_credentials(view.credentials.clone())?;
            }
            if !self.linked {
                self.linked = true;
                self.known_qr = None;
                self.pairing = false;
                self.pending.push_back(ChannelEvent::Connected);
            }
            for m in view.messages {
                let message = self.inbound(m);
                self.pending.push_back(ChannelEvent::Inbound(message));
            }
            if !view.receipts.is_empty() {
                self.unacked_receipts
                    .extend(view.receipts.iter().map(|r| r.seq));
                self.pending.push_back(ChannelEvent::Receipts(
                    view.receipts
                        .into_iter()
                        .map(|r| Receipt {
                            wa_message_id: r.wa_message_id,
                            delivery: r.delivery,
                            at: r.at,
                        })
                        .collect(),
                ));
            }
        } else {
            if self.linked || self.credentials.is_some() {
                // Unlinked by the phone: the saved credentials are void.
                let was_linked = self.linked;
                self.linked = false;
                self.save_credentials(None)?;
                if was_linked {
                    self.pending.push_back(ChannelEvent::LoggedOut);
                }
            }
            if let Some(qr) = view.qr.filter(|qr| Some(qr) != self.known_qr.as_ref()) {
                self.known_qr = Some(qr.clone());
                self.known_qr_expires_at = view.qr_expires_at;
                self.pending.push_back(ChannelEvent::Qr {
                    code: qr,
                    expires_at: view.qr_expires_at,
                });
                if self.pairing {
                    self.push_pairing_code();
                }
            }
        }
        Ok(())
    }
}

fn sim_media(media: &MediaBytes) -> SimMedia {
    SimMedia {
        mime: media.mime.clone(),
        file_name: media.file_name.clone(),
        data_base64: BASE64.encode(media.bytes.as_slice()),
    }
}

#[async_trait::async_trait]
impl Channel for SimulatorChannel {
    async fn next_event(&mut self) -> Result<ChannelEvent> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Ok(event);
            }
            let poll = SimPoll {
                credentials: self.credentials.clone(),
                ack: self.unacked.clone(),
                ack_receipts: self.unacked_receipts.clone(),
                linked: self.linked,
                known_qr: self.known_qr.clone(),
                wait_ms: POLL_WAIT.as_millis() as u64,
            };
            match self.client.sim_poll(&poll).await {
                Ok(view) => {
                    self.backoff.reset();
                    self.unacked.clear();
                    self.unacked_receipts.clear();
                    self.absorb(view)?;
                }
                Err(e) if e.is_revoked() => return Err(e),
                Err(e) => {
                    let delay = self.backoff.next_delay();
                    tracing::warn!(error = %e, retry_in = ?delay, "simulated network unreachable");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    fn take_ready(&mut self) -> Option<ChannelEvent> {
        self.pending.pop_front()
    }

    /// Rides on the next poll, which follows at once: a crash before it
    /// only means a redelivery, which the outbox recognises.
    async fn ack(&mut self, wa_message_ids: &[String]) -> Result<()> {
        self.unacked.extend_from_slice(wa_message_ids);
        Ok(())
    }

    async fn send_text(&mut self, client_id: &str, to: &str, text: &str) -> Result<Sent> {
        if !self.linked {
            return Err(WorkerError::Protocol("not connected".into()));
        }
        let sent = self
            .client
            .sim_send(&SimSend {
                client_id: client_id.to_owned(),
                to: to.to_owned(),
                text: text.to_owned(),
                media: None,
            })
            .await?;
        Ok(Sent {
            wa_message_id: sent.wa_message_id,
            sent_at: sent.sent_at,
        })
    }

    async fn send_media(
        &mut self,
        client_id: &str,
        to: &str,
        caption: &str,
        media: &MediaBytes,
    ) -> Result<Sent> {
        if !self.linked {
            return Err(WorkerError::Protocol("not connected".into()));
        }
        let sent = self
            .client
            .sim_send(&SimSend {
                client_id: client_id.to_owned(),
                to: to.to_owned(),
                text: caption.to_owned(),
                media: Some(sim_media(media)),
            })
            .await?;
        Ok(Sent {
            wa_message_id: sent.wa_message_id,
            sent_at: sent.sent_at,
        })
    }

    /// The simulated network takes sends concurrently, like WhatsApp's;
    /// a batch with a file goes one by one, so that an answer's text
    /// arrives before its file.
    async fn send_texts(&mut self, texts: &[Outgoing]) -> Vec<Result<Sent>> {
        if !self.linked {
            return vec![Err(WorkerError::Protocol("not connected".into()))];
        }
        if texts.iter().any(|t| t.media.is_some()) {
            return super::send_in_order(self, texts).await;
        }
        let mut sends = tokio::task::JoinSet::new();
        for (i, t) in texts.iter().enumerate() {
            let client = self.client.clone();
            let send = SimSend {
                client_id: t.client_id.clone(),
                to: t.to.clone(),
                text: t.text.clone(),
                media: None,
            };
            sends.spawn(async move { (i, client.sim_send(&send).await) });
        }
        let mut results: Vec<Option<Result<Sent>>> = texts.iter().map(|_| None).collect();
        while let Some(joined) = sends.join_next().await {
            if let Ok((i, result)) = joined {
                results[i] = Some(result.map(|sent| Sent {
                    wa_message_id: sent.wa_message_id,
                    sent_at: sent.sent_at,
                }));
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(WorkerError::Protocol("send task failed".into()))))
            .collect()
    }

    async fn request_pairing_code(&mut self, _phone_number: &str) -> Result<()> {
        if !self.linked {
            self.pairing = true;
            self.push_pairing_code();
        }
        Ok(())
    }

    /// The simulated network never runs out of QR codes.
    async fn renew_qr(&mut self) -> Result<()> {
        Ok(())
    }
}
