//! The worker protocol: what a tenant's worker and the control plane send
//! each other. Both sides use these types, so the two cannot drift apart.
//!
//! The link (`GET /api/worker/link`, a WebSocket) carries one JSON text
//! frame per [`Up`] or [`Down`] value. The simulated network's endpoints
//! (`/api/worker/{tenant}/sim/…`) stay plain HTTP: they stand in for
//! WhatsApp, not for the control plane.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bot::MenuItem;
use crate::calendar::{Closure, SpecialHours};
use crate::facts::Facts;
use crate::media::Attachment;
use crate::{Direction, Language, LoggedDecision, SessionState, TemplateType};

/// The worker's header naming its tenant on the link (the token in
/// `Authorization: Bearer` proves it).
pub const TENANT_HEADER: &str = "x-flowhq-tenant";

/// What the worker says on the link, one frame each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Up {
    /// The first frame of every connection: who is here and in what state.
    /// The control plane answers [`Down::Welcome`].
    Hello {
        pid: u32,
        /// The session as it is now (stands for any report the last
        /// connection lost).
        session: SessionUpdate,
        outbox_backlog: u64,
    },
    /// Every heartbeat interval: liveness, and what the worker applies, so
    /// that the control plane can correct a command that went missing.
    Heartbeat(Heartbeat),
    /// A change of session: QR code, pairing code, connected, logged out.
    Session { id: u64, update: SessionUpdate },
    /// Message logs from the outbox; the worker deletes them on
    /// [`Down::Logged`] with the same id. `receipts` ride along: how far
    /// messages sent earlier got. A worker ships receipts only with a batch
    /// that empties its backlog, so the messages they name are logged by
    /// then.
    Messages {
        id: u64,
        messages: Vec<LoggedMessage>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        receipts: Vec<Receipt>,
    },
    /// A [`Down::Command`] is applied (`error` when it could not be).
    Done {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
}

impl Up {
    /// Reads a frame. Serde reads an internally tagged enum by copying the
    /// whole frame into a tree of its own, then the variant out of that
    /// copy: with 2,000 workers linked, a quarter of the control plane's
    /// CPU went there. The frames that come all the time, heartbeats and
    /// log batches, are read straight into their types after a look at the
    /// tag that allocates nothing; the rare ones take serde's way.
    ///
    /// The look at the tag is a glance at the frame's first bytes, where
    /// serde writes an internally tagged enum's tag: reading it as JSON
    /// meant scanning the whole frame twice. A frame written otherwise
    /// (another writer, keys in another order) is read the long way.
    pub fn from_json(text: &str) -> serde_json::Result<Self> {
        #[derive(Deserialize)]
        struct Tag<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
        }
        /// [`Up::Messages`]' fields; the constructor below fails to compile
        /// if the variant gains one this lacks.
        #[derive(Deserialize)]
        struct Messages {
            id: u64,
            messages: Vec<LoggedMessage>,
            #[serde(default)]
            receipts: Vec<Receipt>,
        }
        let tag = match leading_tag(text) {
            Some(tag) => std::borrow::Cow::Borrowed(tag),
            None => serde_json::from_str::<Tag>(text)?.kind,
        };
        match tag.as_ref() {
            "heartbeat" => serde_json::from_str(text).map(Up::Heartbeat),
            "messages" => {
                let Messages {
                    id,
                    messages,
                    receipts,
                } = serde_json::from_str(text)?;
                Ok(Up::Messages {
                    id,
                    messages,
                    receipts,
                })
            }
            _ => serde_json::from_str(text),
        }
    }
}

/// The tag of a frame that starts with it (`{"type":"…",`), unescaped.
fn leading_tag(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(r#"{"type":""#)?;
    let tag = &rest[..rest.find('"')?];
    (!tag.contains('\\')).then_some(tag)
}

/// What the control plane says on the link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Down {
    /// The answer to [`Up::Hello`]: the state to be in, the bot's config
    /// and the sends still waiting for this worker.
    Welcome {
        desired: DesiredState,
        /// Boxed, as in [`Command::Config`].
        config: Box<WorkerConfig>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sends: Vec<Commanded>,
    },
    /// The session report `id` is stored.
    Ack { id: u64 },
    /// The logs of [`Up::Messages`] `id` are stored (`inserted` of them
    /// new, the rest already logged): the worker may forget them all.
    Logged {
        id: u64,
        accepted: u64,
        inserted: u64,
    },
    /// A frame the control plane could not take now; the worker sends it
    /// again later.
    Refused { id: u64, error: String },
    /// Something to do now; answered by [`Up::Done`].
    Command(Commanded),
}

/// A command and its id: a UUID, which for a send is also the message's
/// idempotency key in the worker's outbox and on the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commanded {
    pub id: String,
    pub command: Command,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    /// Log inbound messages, answer none automatically.
    Pause,
    Resume,
    /// The bot's config changed. Boxed: a config with its menu is far
    /// larger than any other command.
    Config {
        config: Box<WorkerConfig>,
    },
    /// Exit now.
    Stop,
    /// The owner asked to link by phone number.
    RequestPairingCode {
        request: PairingRequest,
    },
    /// The owner asked for new QR codes (the last ones ran out).
    RefreshQr {
        requested_at: DateTime<Utc>,
    },
    /// Send a text to a customer: written to the outbox first, so it goes
    /// out exactly once however often the command comes.
    Send {
        to: String,
        text: String,
        /// A stored file to send, `text` its caption; absent from control
        /// planes that never send files, and from text sends.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<crate::media::Attachment>,
        /// A person wrote it (the inbox), not an integration: the bot keeps
        /// out of this contact's chat as when the business writes from its
        /// phone.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        by_person: bool,
    },
    /// The owner marked the chat with `contact` resolved at `at`: the bot
    /// answers them again, unless a person wrote to them since. Sent again
    /// on every connection while it may still matter, so it must be (and
    /// is) harmless twice.
    Resolve {
        contact: String,
        at: DateTime<Utc>,
    },
}

/// [`Up::Heartbeat`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub pid: u32,
    pub session_state: SessionState,
    /// Message logs waiting in the worker's outbox.
    pub outbox_backlog: u64,
    /// Whether the worker holds automatic replies back now.
    pub paused: bool,
    /// The version of the config the worker answers with.
    pub config_version: i64,
    /// The owner's last pairing-code request the worker has, and the last
    /// request for new QR codes: a newer one it missed is sent again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing_requested_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_qr_requested_at: Option<DateTime<Utc>>,
}

/// The state the worker should be in: sent in [`Down::Welcome`], and what
/// the commands change one part at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredState {
    /// Log inbound messages, send no automatic replies.
    pub paused: bool,
    /// Fetch the config again when this differs from the one it has.
    pub config_version: i64,
    /// Exit now.
    pub stop: bool,
    /// The owner asked to link by pairing code instead of a QR scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing: Option<PairingRequest>,
    /// When the owner last asked for new QR codes (the last ones ran out);
    /// a time the worker has not seen yet is a new request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_qr_requested_at: Option<DateTime<Utc>>,
}

/// "Link with phone number instead": the owner's number, and when they
/// asked. A new `requested_at` is a new request (the owner pressed the
/// button again), the same one is a request the worker already handled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingRequest {
    /// E.164, `+` and digits.
    pub phone_number: String,
    pub requested_at: DateTime<Utc>,
}

/// What the bot needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerConfig {
    /// The business's WhatsApp number: `to` of inbound, `from` of outbound logs.
    pub phone_number: String,
    pub template_type: TemplateType,
    pub business_name: String,
    pub language: Language,
    pub hours: serde_json::Value,
    #[serde(default)]
    pub overrides: serde_json::Map<String, serde_json::Value>,
    /// Absent in the config copies of workers from before closures.
    #[serde(default)]
    pub closures: Vec<Closure>,
    #[serde(default)]
    pub special_hours: Vec<SpecialHours>,
    /// Absent in the config copies of workers from before facts and menus.
    #[serde(default)]
    pub facts: Facts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub menu: Option<Vec<MenuItem>>,
    /// Contacts (by chat id) the owner turned the assistant off for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assistant_off: Vec<String>,
    pub config_version: i64,
    pub paused: bool,
}

/// The session as the worker sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUpdate {
    pub state: SessionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_expires_at: Option<DateTime<Utc>>,
    /// The 8-character code to type on the phone, when the owner asked to
    /// link by phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing_code_expires_at: Option<DateTime<Utc>>,
    /// Why the session is not connected, in words for the operator
    /// (cannot reach WhatsApp, banned, outdated, …); `None` when all is well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl SessionUpdate {
    /// A state with nothing else to say.
    pub fn state(state: SessionState) -> Self {
        Self {
            state,
            qr: None,
            qr_expires_at: None,
            pairing_code: None,
            pairing_code_expires_at: None,
            error: None,
        }
    }
}

/// The network's word on a message the business sent: delivered to the
/// phone, read, or failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub wa_message_id: String,
    pub delivery: crate::DeliveryStatus,
    pub at: DateTime<Utc>,
}

/// One message log, as a worker ships it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedMessage {
    pub direction: Direction,
    pub from_number: String,
    pub to_number: String,
    pub message_text: String,
    pub wa_message_id: String,
    /// Inbound: the bot's decision (see `MessageLog::bot_decision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_decision: Option<LoggedDecision>,
    /// Outbound: the inbound message this reply answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// Inbound, answered from the menu: the (first) menu item it chose,
    /// 1-based, for the "most chosen" figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub menu_item: Option<u8>,
    /// The image or document sent or received (`message_text` is then its
    /// caption, often empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Attachment>,
    /// Inbound: the name the contact gave themselves, when the network says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_name: Option<String>,
    /// Outbound: the id it was sent under; for a send the control plane
    /// asked for, that command's id (which says who asked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The contact's private id (WhatsApp's LID, `…@lid`) when the message
    /// names them by phone number and the network revealed both: the
    /// control plane merges what it logged under the private id into the
    /// number's conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl LoggedMessage {
    /// The customer of the message: who wrote it, or whom it went to.
    pub fn contact(&self) -> &str {
        match self.direction {
            Direction::Inbound => &self.from_number,
            Direction::Outbound => &self.to_number,
        }
    }
}

/// `POST /api/worker/{tenant}/sim/poll`: the simulated network's long poll.
/// The worker says what it knows; the answer comes when something differs
/// or a message waits, or after `wait_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimPoll {
    /// Saved credentials from an earlier link, if any.
    pub credentials: Option<String>,
    /// Messages now safe in the worker's outbox, acknowledged before the
    /// poll looks for news (saves a round trip per burst).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ack: Vec<String>,
    /// Receipts now safe in the worker's outbox, by their `seq`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ack_receipts: Vec<i64>,
    /// Whether the worker believes it is linked.
    pub linked: bool,
    /// The QR code the worker shows now.
    pub known_qr: Option<String>,
    pub wait_ms: u64,
}

/// The device as the simulated network sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimView {
    pub linked: bool,
    /// With `linked`: the credentials to save and present next time.
    pub credentials: Option<String>,
    /// Without `linked`: the QR code to show, and when it expires.
    pub qr: Option<String>,
    pub qr_expires_at: Option<DateTime<Utc>>,
    /// Unacknowledged customer messages, oldest first (only when linked).
    pub messages: Vec<SimMessage>,
    /// Unacknowledged receipts of what the business sent, oldest first
    /// (only when linked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<SimReceipt>,
}

/// A receipt on the simulated network: the customer's phone got a message
/// (at once) or the customer read it (`POST /api/sim/tenants/{id}/read`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimReceipt {
    /// Its place in the network's queue: what the worker acknowledges.
    pub seq: i64,
    pub wa_message_id: String,
    pub delivery: crate::DeliveryStatus,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimMessage {
    pub wa_message_id: String,
    pub from: String,
    /// The text, or the caption of `media`.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<SimMedia>,
    pub at: DateTime<Utc>,
}

/// A file on the simulated network, whole: what a customer sends, what the
/// bot sends. (WhatsApp uploads the encrypted file apart and sends a link;
/// the simulation carries it in the message.)
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SimMedia {
    pub mime: String,
    pub file_name: String,
    pub data_base64: String,
}

impl std::fmt::Debug for SimMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimMedia")
            .field("mime", &self.mime)
            .field("file_name", &self.file_name)
            .field("base64_len", &self.data_base64.len())
            .finish()
    }
}

/// `POST /api/worker/{tenant}/sim/send`: idempotent on `client_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimSend {
    pub client_id: String,
    pub to: String,
    /// The text, or the caption of `media`.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<SimMedia>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimSent {
    pub wa_message_id: String,
    pub sent_at: DateTime<Utc>,
}

/// The pairing code the simulated network accepts while `qr` is the QR code
/// on show: typing it on the (simulated) phone links the device just like
/// scanning. Derived from the QR so that the worker and the network agree
/// without another round trip; 8 characters of WhatsApp's alphabet.
pub fn sim_pairing_code(qr: &str) -> String {
    // Crockford base32 without 0, I, O, U: what WhatsApp's codes use.
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTVWXYZ";
    // FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in qr.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..8)
        .map(|i| char::from(ALPHABET[((hash >> (i * 5)) & 31) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_pairing_codes_are_eight_characters_that_follow_the_qr() {
        let a = sim_pairing_code("2@simabc");
        assert_eq!(a.len(), 8);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert!(!a.contains(['0', 'I', 'O', 'U']));
        assert_eq!(a, sim_pairing_code("2@simabc"));
        assert_ne!(a, sim_pairing_code("2@simabd"));
    }

    #[test]
    fn every_frame_reads_back_as_it_was_written() {
        let message = LoggedMessage {
            direction: Direction::Inbound,
            from_number: "+5511900000001".into(),
            to_number: "+5511999990000".into(),
            message_text: "oi \"menu\"".into(),
            wa_message_id: "W1".into(),
            bot_decision: Some(LoggedDecision::Welcome),
            reply_to: None,
            menu_item: Some(2),
            media: None,
            push_name: Some("Ana".into()),
            client_id: None,
            hidden_id: None,
            created_at: Utc::now(),
        };
        let frames = [
            Up::Hello {
                pid: 7,
                session: SessionUpdate::state(SessionState::Connected),
                outbox_backlog: 3,
            },
            Up::Heartbeat(Heartbeat {
                pid: 7,
                session_state: SessionState::Connected,
                outbox_backlog: 0,
                paused: true,
                config_version: 4,
                pairing_requested_at: None,
                new_qr_requested_at: Some(Utc::now()),
            }),
            Up::Session {
                id: 1,
                update: SessionUpdate::state(SessionState::Disconnected),
            },
            Up::Messages {
                id: 2,
                messages: vec![message.clone(), message],
                receipts: vec![Receipt {
                    wa_message_id: "W0".into(),
                    delivery: crate::DeliveryStatus::Read,
                    at: Utc::now(),
                }],
            },
            Up::Messages {
                id: 3,
                messages: Vec::new(),
                receipts: Vec::new(),
            },
            Up::Done {
                id: "c1".into(),
                error: Some("no".into()),
            },
        ];
        for frame in frames {
            let text = serde_json::to_string(&frame).unwrap();
            assert_eq!(Up::from_json(&text).unwrap(), frame, "{text}");
        }
        assert!(Up::from_json(r#"{"type":"messages","id":1}"#).is_err());
        assert!(Up::from_json(r#"{"type":"nonsense"}"#).is_err());
        assert!(Up::from_json(r#"{"id":1}"#).is_err());
        // The tag elsewhere than first, or escaped, is read the long way.
        let beat = r#""pid":1,"session_state":"CONNECTED","outbox_backlog":0,"paused":false,"config_version":3"#;
        for text in [
            format!(r#"{{{beat},"type":"heartbeat"}}"#),
            format!(r#"{{"type":"heart\u0062eat",{beat}}}"#),
        ] {
            assert!(
                matches!(Up::from_json(&text), Ok(Up::Heartbeat(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn frames_are_tagged_json_objects() {
        let done = Up::Done {
            id: "c1".into(),
            error: None,
        };
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            serde_json::json!({"type": "done", "id": "c1"})
        );
        let send = Down::Command(Commanded {
            id: "c2".into(),
            command: Command::Send {
                to: "+5511900000001".into(),
                text: "hi".into(),
                media: None,
                by_person: false,
            },
        });
        let json = serde_json::to_string(&send).unwrap();
        assert_eq!(
            json,
            r#"{"type":"command","id":"c2","command":{"kind":"send","to":"+5511900000001","text":"hi"}}"#
        );
        assert_eq!(serde_json::from_str::<Down>(&json).unwrap(), send);
    }
}
